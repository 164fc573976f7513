import Text

/// Sentence pairs as the translator reads them: time-major, padded with `<pad>` (id 0).
///
/// Each source is followed by `<eos>`, so every source has at least one position to attend to;
/// the decoder reads `<bos> y₁ … yₙ` and predicts `y₁ … yₙ <eos>`. Padded target positions
/// hold `<pad>` in both, and the loss ignores them.
///
/// Dimension letters: S source steps (longest source + 1), T target steps (longest target + 1),
/// B pairs.
public struct TranslationBatch: Sendable {
    /// `(S, B)` source ids with `<eos>`, padded.
    public var sourceIDs: [Int32]
    /// B source lengths, `<eos>` included (1...S).
    public var sourceLengths: [Int]
    /// `(T, B)` decoder inputs.
    public var targetInputs: [Int32]
    /// `(T, B)` tokens to predict; `<pad>` where there is nothing to predict.
    public var targetOutputs: [Int32]
    public let sourceSteps: Int
    public let targetSteps: Int
    public let batchSize: Int
    /// Target tokens that count in the loss (`<eos>` included).
    public let targetTokenCount: Int

    /// - Parameters:
    ///   - sources: B token-id lists without specials.
    ///   - targets: B token-id lists without specials (empty lists for decoding-only batches).
    public init(sources: [[Int]], targets: [[Int]]) {
        precondition(!sources.isEmpty && sources.count == targets.count, "a batch needs as many targets as sources")
        let b = sources.count
        let s = (sources.map(\.count).max() ?? 0) + 1
        let t = (targets.map(\.count).max() ?? 0) + 1
        let pad = Int32(Vocabulary.padID)
        var sourceIDs = [Int32](repeating: pad, count: s * b)
        var inputs = [Int32](repeating: pad, count: t * b)
        var outputs = [Int32](repeating: pad, count: t * b)
        for (column, source) in sources.enumerated() {
            for (step, id) in source.enumerated() { sourceIDs[step * b + column] = Int32(id) }
            sourceIDs[source.count * b + column] = Int32(Vocabulary.endID)
        }
        for (column, target) in targets.enumerated() {
            inputs[column] = Int32(Vocabulary.beginID)
            for (step, id) in target.enumerated() {
                inputs[(step + 1) * b + column] = Int32(id)
                outputs[step * b + column] = Int32(id)
            }
            outputs[target.count * b + column] = Int32(Vocabulary.endID)
        }
        self.sourceIDs = sourceIDs
        self.sourceLengths = sources.map { $0.count + 1 }
        self.targetInputs = inputs
        self.targetOutputs = outputs
        self.sourceSteps = s
        self.targetSteps = t
        self.batchSize = b
        self.targetTokenCount = targets.reduce(0) { $0 + $1.count + 1 }
    }
}

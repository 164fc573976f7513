import NN
import Support
import Tensor

/// What defines a cloze model's shape; stored in a run's `config.json`.
public struct ClozeModelConfiguration: Codable, Equatable, Sendable {
    /// Rows of the embedding and of the output layer (the vocabulary size, specials included).
    public var vocabularySize: Int
    /// Embedding dimensions, shared by both directions.
    public var embeddingSize: Int
    /// Hidden units per recurrent layer of each direction.
    public var hiddenSize: Int
    /// Stacked recurrent layers per direction.
    public var layers: Int
    /// LSTM, or the GRU / tanh-RNN baselines.
    public var cell: RecurrentCellKind
    /// Dropout probability on the embeddings, between layers, on the joined states and on the
    /// projection's output.
    public var dropout: Float
    /// Width of the tanh layer between the joined states (2H) and the output layer; nil joins
    /// them straight into the output layer (whose logits are then a sum of a left and a right
    /// part, with no interaction between the two sides).
    public var projectionSize: Int?
    /// In training, the share of positions that see no right context (the backward half of
    /// their features is zero, the state of an empty right side), so that the model also
    /// predicts the next word from the left alone: what the REPL shows for typed text.
    public var leftOnlyRate: Float
    /// The output layer reuses the embedding matrix (Press & Wolf 2017; Inan et al. 2017), which
    /// needs the output layer's input (the projection, or 2H) to be as wide as the embedding.
    public var tieWeights: Bool
    /// In training, the share of each recurrent layer's hidden-to-hidden weights dropped for a
    /// whole batch (DropConnect, the weight drop of Merity et al.'s AWD-LSTM): a regulariser of
    /// the recurrence itself, which dropout between layers does not touch.
    public var weightDrop: Float
    /// In training, the share of word types whose embedding rows are dropped for a whole batch
    /// (every occurrence at once, in both directions; see `Embedding.rowDropout`), before
    /// `dropout` on the embeddings. A tied output layer predicts from the undropped matrix.
    public var embeddingDropout: Float

    public init(vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, layers: Int, cell: RecurrentCellKind = .lstm,
                dropout: Float = 0, projectionSize: Int? = nil, leftOnlyRate: Float = 0, tieWeights: Bool = false,
                weightDrop: Float = 0, embeddingDropout: Float = 0) {
        self.vocabularySize = vocabularySize
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.cell = cell
        self.dropout = dropout
        self.projectionSize = projectionSize
        self.leftOnlyRate = leftOnlyRate
        self.tieWeights = tieWeights
        self.weightDrop = weightDrop
        self.embeddingDropout = embeddingDropout
    }

    enum CodingKeys: String, CodingKey {
        case vocabularySize, embeddingSize, hiddenSize, layers, cell, dropout, projectionSize, leftOnlyRate, tieWeights
        case weightDrop, embeddingDropout
    }

    /// Reads a configuration; runs saved before weight tying, weight drop or embedding dropout
    /// existed have no `tieWeights` (untied), `weightDrop` or `embeddingDropout` (none).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(vocabularySize: try c.decode(Int.self, forKey: .vocabularySize),
                  embeddingSize: try c.decode(Int.self, forKey: .embeddingSize),
                  hiddenSize: try c.decode(Int.self, forKey: .hiddenSize),
                  layers: try c.decode(Int.self, forKey: .layers),
                  cell: try c.decode(RecurrentCellKind.self, forKey: .cell),
                  dropout: try c.decode(Float.self, forKey: .dropout),
                  projectionSize: try c.decodeIfPresent(Int.self, forKey: .projectionSize),
                  leftOnlyRate: try c.decode(Float.self, forKey: .leftOnlyRate),
                  tieWeights: try c.decodeIfPresent(Bool.self, forKey: .tieWeights) ?? false,
                  weightDrop: try c.decodeIfPresent(Float.self, forKey: .weightDrop) ?? 0,
                  embeddingDropout: try c.decodeIfPresent(Float.self, forKey: .embeddingDropout) ?? 0)
    }

    /// The first problem that makes this configuration unbuildable, as a sentence; nil when fine.
    public var problem: String? {
        if let problem = recurrentModelProblem(vocabularySize: vocabularySize, embeddingSize: embeddingSize,
                                               hiddenSize: hiddenSize, layers: layers, dropout: dropout) {
            return problem
        }
        if let p = projectionSize, p < 1 { return "the projection size must be at least 1, not \(p)" }
        if !(leftOnlyRate >= 0 && leftOnlyRate < 1) { return "the left-only rate must lie in [0, 1), not \(leftOnlyRate)" }
        if !(weightDrop >= 0 && weightDrop < 1) { return "the weight drop must lie in [0, 1), not \(weightDrop)" }
        if !(embeddingDropout >= 0 && embeddingDropout < 1) {
            return "the embedding dropout must lie in [0, 1), not \(embeddingDropout)"
        }
        if tieWeights && outputInputWidth != Double(embeddingSize) {
            let what = projectionSize.map { "the projection (\($0))" } ?? "both directions' states (2 × \(hiddenSize))"
            return "tied weights need \(what) to be as wide as the embedding (\(embeddingSize))"
        }
        return MemoryBudget.useProblem(parameters: parameterCount)
    }

    /// `outputInputSize` in `Double`, for checks of sizes that may be absurd (2 × a huge hidden
    /// size overflows `Int`).
    var outputInputWidth: Double { projectionSize.map(Double.init) ?? 2 * Double(hiddenSize) }

    /// Width of the output layer's input: the projection, or both directions' states.
    public var outputInputSize: Int { projectionSize ?? 2 * hiddenSize }

    /// The model's parameter count, worked out from the sizes alone (in `Double`, as
    /// `LanguageModelConfiguration.parameterCount`); tied weights count once.
    public var parameterCount: Double {
        let v = Double(vocabularySize)
        let stacks = 2 * recurrentParameterCount(cell: cell, inputSize: embeddingSize, hiddenSize: hiddenSize, layers: layers)
        let projection = projectionSize.map { Double($0) * (2 * Double(hiddenSize) + 1) } ?? 0
        return v * Double(embeddingSize) + stacks + projection + (tieWeights ? 0 : v * outputInputWidth) + v
    }
}

/// Fill-in-the-blank with two recurrent stacks: a forward stack reads the sentence left to
/// right, a backward stack right to left, and the word at position t is predicted from the
/// forward state at t−1 (everything left of t) joined with the backward state at t+1
/// (everything right of t) → optional tanh projection → Linear → softmax. Neither side ever
/// reads the word it predicts, so one pass of each direction makes every word of every sentence
/// a training target, the idea of context2vec (Melamud et al. 2016) and of ELMo's two
/// directions (Peters et al. 2018) used as a cloze predictor.
///
/// A bidirectional `RecurrentLayer` cannot serve for more than one layer: its layer k+1 reads
/// both directions of layer k, so the word itself would leak into its own prediction. Hence two
/// separate stacks, the backward one run on each sentence reversed within its own length.
///
/// Parameter names (a PyTorch module with these attributes loads the checkpoint):
/// `encoder.weight`, `forward_rnn.*`, `backward_rnn.*`, `projection.weight|bias`,
/// `decoder.weight|bias`.
///
/// Dimension letters: T steps, B sentences, N predicted positions, E embedding, H hidden,
/// P projection, V vocabulary.
public final class ClozeModel {
    public let configuration: ClozeModelConfiguration
    public let embedding: Embedding          // weight (V, E); row 0 (<pad>) gets none of the lookup's gradient
    public let forwardRNN: RecurrentLayer    // E → H, left to right
    public let backwardRNN: RecurrentLayer   // E → H, over each sentence reversed
    public let projection: Linear?           // weight (P, 2H)
    public let decoder: Linear               // weight (V, P or 2H), the embedding's when tied
    public let parameters: ParameterRegistry
    let inputDropout: Dropout
    let featureDropout: Dropout
    let projectionDropout: Dropout
    let criterion = SoftmaxCrossEntropy(reduction: .mean)

    // Forward cache and scratch.
    var cachedBatch: ClozeBatch?
    var leftOnly: [Bool] = []                // (N): positions trained without right context
    let reversedSpace = Workspace()          // (T, B, E): embeddings, each sentence reversed
    let featureSpace = Workspace()           // (N, 2H): [forward(t−1); backward(t+1)]
    let activationSpace = Workspace()        // (N, P): tanh of the projection
    let forwardGradientSpace = Workspace()   // (T, B, H)
    let backwardGradientSpace = Workspace()  // (T, B, H), reversed time
    let featureGradientSpace = Workspace()   // (N, 2H) or (N, P)
    let inputGradientSpace = Workspace()     // (T, B, E)
    let stepInputSpace = Workspace()         // (1, E)
    let stepFeatureSpace = Workspace()       // (1, 2H)
    let stepActivationSpace = Workspace()    // (1, P)

    /// Builds a model with fresh weights.
    ///
    /// - Parameters:
    ///   - initRange: when given, every parameter is drawn from uniform(±initRange); otherwise
    ///     each layer keeps PyTorch's default initialisation.
    ///   - generator: draws the initial weights.
    public init(configuration c: ClozeModelConfiguration, initRange: Float? = nil, generator: RandomGenerator) {
        precondition(c.problem == nil, c.problem ?? "")
        configuration = c
        embedding = Embedding(embeddingCount: c.vocabularySize, dimensions: c.embeddingSize,
                              paddingIndex: Int(ClozeBatch.padID), generator: generator)
        let stack = RecurrentConfiguration(cell: c.cell, inputSize: c.embeddingSize, hiddenSize: c.hiddenSize,
                                           layers: c.layers, dropout: c.dropout)
        forwardRNN = RecurrentLayer(configuration: stack, generator: generator)
        backwardRNN = RecurrentLayer(configuration: stack, generator: generator)
        forwardRNN.hiddenWeightDrop = c.weightDrop
        backwardRNN.hiddenWeightDrop = c.weightDrop
        embedding.rowDropout = c.embeddingDropout
        projection = c.projectionSize.map { Linear(inputSize: 2 * c.hiddenSize, outputSize: $0, generator: generator) }
        if c.tieWeights {
            decoder = Linear(weight: embedding.weight, bias: Parameter(zeros: [c.vocabularySize]))
        } else {
            decoder = Linear(inputSize: c.outputInputSize, outputSize: c.vocabularySize, generator: generator)
        }
        inputDropout = Dropout(probability: c.dropout)
        featureDropout = Dropout(probability: c.dropout)
        projectionDropout = Dropout(probability: c.dropout)
        var registry = ParameterRegistry()
        registry.add(embedding, prefix: "encoder")
        registry.add(forwardRNN, prefix: "forward_rnn")
        registry.add(backwardRNN, prefix: "backward_rnn")
        if let projection { registry.add(projection, prefix: "projection") }
        registry.add(decoder, prefix: "decoder")
        parameters = registry
        if let initRange {
            for entry in registry.unique {
                generator.fillUniform(entry.parameter.value, bound: initRange)
            }
            embedding.weight.value.slice(Int(ClozeBatch.padID)).zero()
        }
    }

    // MARK: forward and backward

    /// Logits `(N, V)` for the batch's predicted positions, owned by the decoder (overwritten by
    /// the next call).
    func logits(_ batch: ClozeBatch, training: Bool, generator: RandomGenerator?) -> Tensor {
        let c = configuration
        let t = batch.steps, b = batch.batch, e = c.embeddingSize, h = c.hiddenSize
        let n = batch.positions.count
        precondition(n > 0, "a cloze batch must predict at least one position")
        cachedBatch = batch
        let x = embedding.forward(batch.tokens, shape: [t, b], training: training, generator: generator)  // (T, B, E)
        let xd = inputDropout.forward(x, training: training, generator: generator)
        let (forwardStates, _) = forwardRNN.forward(xd, lengths: batch.lengths, training: training, generator: generator)
        let reversed = reversedSpace.tensor([t, b, e])                             // (T, B, E)
        Self.reverseSequences(xd, into: reversed, lengths: batch.lengths, accumulate: false)
        let (backwardStates, _) = backwardRNN.forward(reversed, lengths: batch.lengths, training: training,
                                                       generator: generator)      // (T, B, H), reversed time

        let features = featureSpace.tensor([n, 2 * h])                             // (N, 2H)
        let f = forwardStates.pointer, r = backwardStates.pointer, z = features.pointer
        for (row, flat) in batch.positions.enumerated() {
            let step = flat / b, column = flat % b
            let mirrored = batch.lengths[column] - 2 - step   // reversed-time index of step + 1
            (z + row * 2 * h).update(from: f + ((step - 1) * b + column) * h, count: h)
            (z + row * 2 * h + h).update(from: r + (mirrored * b + column) * h, count: h)
        }
        leftOnly = []
        if training && c.leftOnlyRate > 0, let generator {
            leftOnly = (0..<n).map { _ in generator.nextUnitFloat() < c.leftOnlyRate }
            for row in 0..<n where leftOnly[row] { (z + row * 2 * h + h).update(repeating: 0, count: h) }
        }
        let fd = featureDropout.forward(features, training: training, generator: generator)
        guard let projection else { return decoder.forward(fd) }
        let a = activationSpace.tensor([n, projection.outputSize])                  // (N, P)
        Self.tanh(projection.forward(fd), into: a)
        return decoder.forward(projectionDropout.forward(a, training: training, generator: generator))
    }

    /// Backpropagates `logitGradient` `(N, V)` from the last `logits` call into every parameter's
    /// gradient (added to what is there).
    func backward(logitGradient: Tensor) {
        guard let batch = cachedBatch else { preconditionFailure("ClozeModel.backward without forward") }
        let c = configuration
        let t = batch.steps, b = batch.batch, h = c.hiddenSize
        guard var dz = decoder.backward(outputGradient: logitGradient) else { preconditionFailure("decoder gave no input gradient") }
        if let projection {
            let da = projectionDropout.backward(outputGradient: dz)                  // (N, P)
            let dp = featureGradientSpace.tensor(da.shape)
            Self.tanhBackward(activation: activationSpace.tensor(da.shape), outputGradient: da, into: dp)
            guard let dFeatures = projection.backward(outputGradient: dp) else { preconditionFailure("projection gave no input gradient") }
            dz = dFeatures
        }
        let dFeatures = featureDropout.backward(outputGradient: dz)                   // (N, 2H)
        let dForward = forwardGradientSpace.zeros([t, b, h])
        let dBackward = backwardGradientSpace.zeros([t, b, h])
        let g = dFeatures.pointer
        for (row, flat) in batch.positions.enumerated() {
            let step = flat / b, column = flat % b
            let mirrored = batch.lengths[column] - 2 - step
            Vector.add(g + row * 2 * h, into: dForward.pointer + ((step - 1) * b + column) * h, count: h)
            if leftOnly.isEmpty || !leftOnly[row] {
                Vector.add(g + row * 2 * h + h, into: dBackward.pointer + (mirrored * b + column) * h, count: h)
            }
        }
        guard let dReversed = backwardRNN.backward(outputGradient: dBackward).inputGradient,
              let dxForward = forwardRNN.backward(outputGradient: dForward).inputGradient
        else { preconditionFailure("recurrent layer gave no input gradient") }
        let dx = inputGradientSpace.tensor(dxForward.shape)                          // (T, B, E)
        dx.assign(dxForward)
        Self.reverseSequences(dReversed, into: dx, lengths: batch.lengths, accumulate: true)
        embedding.backward(outputGradient: inputDropout.backward(outputGradient: dx))
    }

    /// One training step on `batch`: forward, mean cross-entropy over its predicted positions,
    /// backward into every parameter's gradient (added to what is there: zero them first).
    ///
    /// - Returns: the summed loss over the N targets and N.
    public func trainStep(_ batch: ClozeBatch, generator: RandomGenerator) -> (totalLoss: Double, count: Int) {
        let logits = self.logits(batch, training: true, generator: generator)
        let result = criterion.lossAndGradient(logits: logits, targets: batch.targets)  // logits ← ∂loss/∂logits
        backward(logitGradient: logits)
        return (result.totalLoss, result.count)
    }

    /// Forward only (no dropout): the summed loss of the batch's targets, their count, and how
    /// many of them are the most likely word.
    public func evaluate(_ batch: ClozeBatch) -> (totalLoss: Double, count: Int, correct: Int) {
        let logits = self.logits(batch, training: false, generator: nil)
        let v = configuration.vocabularySize
        var correct = 0
        for (row, target) in batch.targets.enumerated() {
            let best = Softmax.topK(logits.pointer + row * v, count: v, k: 1)
            if best.first?.index == Int(target) { correct += 1 }
        }
        let result = criterion.loss(logits: logits, targets: batch.targets)
        return (result.totalLoss, result.count, correct)
    }

    /// Natural-log probabilities `(N, V)` of every word at each predicted position (a new
    /// tensor): inference.
    public func logProbabilities(_ batch: ClozeBatch) -> Tensor {
        let logits = self.logits(batch, training: false, generator: nil)
        let out = Tensor(zeros: logits.shape)
        Softmax.logSoftmax(logits, into: out)
        return out
    }

    /// For each sentence, the sum of ln P(word | both sides) over the word indices `positions[b]`
    /// (0-based, without the frame), each word read as it stands: the sentence scoring `fill`
    /// adds to a blank's own distribution. Sentences go `chunk` at a time, bounding the
    /// (N, V) buffer; a sentence with no positions sums to 0.
    public func summedLogProbabilities(_ sentences: [[Int32]], positions: [[Int]], chunk: Int = 16) -> [Double] {
        precondition(sentences.count == positions.count && chunk > 0, "one list of positions per sentence")
        let v = configuration.vocabularySize
        var sums = [Double](repeating: 0, count: sentences.count)
        let scored = sentences.indices.filter { !positions[$0].isEmpty }
        for start in stride(from: 0, to: scored.count, by: chunk) {
            let group = Array(scored[start..<min(start + chunk, scored.count)])
            let batch = ClozeBatch(sentences: group.map { sentences[$0] }, predicting: group.map { positions[$0] })
            let logits = self.logits(batch, training: false, generator: nil)   // (N, V)
            var row = 0
            for b in group {
                for _ in positions[b] {
                    let line = logits.pointer + row * v
                    sums[b] += Double(line[Int(batch.targets[row])]) - Softmax.logSumExp(line, count: v)
                    row += 1
                }
            }
        }
        return sums
    }

    // MARK: left context only (the REPL's next word)

    /// A zero state for the forward stack, batch of one.
    public func zeroLeftState() -> RecurrentState {
        RecurrentState(zerosFor: forwardRNN.configuration, batchSize: 1)
    }

    /// Advances the forward stack by one token (`state` `(L, 1, H)`, in place).
    public func stepLeft(token: Int32, state: RecurrentState) {
        let e = configuration.embeddingSize
        precondition(token >= 0 && Int(token) < configuration.vocabularySize, "token id \(token) outside the vocabulary")
        let x = stepInputSpace.tensor([1, e])
        x.pointer.update(from: embedding.weight.value.pointer + Int(token) * e, count: e)
        forwardRNN.step(input: x, state: state)
    }

    /// Logits `(1, V)` for the word after the tokens fed into `state`, with nothing known to its
    /// right (the backward half zero, as `leftOnlyRate` trained it), into `logits`.
    public func leftOnlyLogits(state: RecurrentState, into logits: Tensor) {
        let h = configuration.hiddenSize
        let features = stepFeatureSpace.tensor([1, 2 * h])
        features.pointer.update(from: state.hidden.pointer + (configuration.layers - 1) * h, count: h)
        (features.pointer + h).update(repeating: 0, count: h)
        guard let projection else {
            decoder.forward(features, into: logits)
            return
        }
        let a = stepActivationSpace.tensor([1, projection.outputSize])
        projection.forward(features, into: a)
        Self.tanh(a, into: a)
        decoder.forward(a, into: logits)
    }

    // MARK: helpers

    /// Copies (or adds) `source` `(T, B, X)` into `target` with each column's first `lengths[b]`
    /// steps in reverse order; padded steps are zero (or left alone when accumulating). The map
    /// is its own inverse, so the same call turns gradients back.
    static func reverseSequences(_ source: Tensor, into target: Tensor, lengths: [Int], accumulate: Bool) {
        let t = source.shape[0], b = source.shape[1], x = source.shape[2]
        if !accumulate { target.zero() }
        for column in 0..<b {
            let n = lengths[column]
            precondition(n <= t, "length \(n) beyond \(t) steps")
            for step in 0..<n {
                let from = source.pointer + (step * b + column) * x
                let to = target.pointer + ((n - 1 - step) * b + column) * x
                if accumulate { Vector.add(from, into: to, count: x) } else { to.update(from: from, count: x) }
            }
        }
    }

    static func tanh(_ x: Tensor, into y: Tensor) {
        Vector.map(x.pointer, y.pointer, count: x.count, Vector.tanh)
    }

    /// `dx = dy ⊙ (1 − a²)` where `a = tanh(x)`.
    static func tanhBackward(activation a: Tensor, outputGradient dy: Tensor, into dx: Tensor) {
        let pa = a.pointer, pdy = dy.pointer, pdx = dx.pointer
        for i in 0..<a.count { pdx[i] = pdy[i] * (1 - pa[i] * pa[i]) }
    }
}

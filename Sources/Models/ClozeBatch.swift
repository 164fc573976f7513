/// Sentences laid out for a `ClozeModel`: time-major token ids, each sentence framed by `<bos>`
/// and `<eos>` and padded to the longest, with the positions whose word is predicted.
///
/// Dimension letters: T steps (the longest sentence + 2), B sentences, N predicted positions.
public struct ClozeBatch: Equatable, Sendable {
    /// Token id of the frame and padding; the Text target's fixed specials.
    public static let padID: Int32 = 0
    public static let beginID: Int32 = 2
    public static let endID: Int32 = 3

    public let steps: Int
    public let batch: Int
    public let tokens: [Int32]      // (T, B): <bos> w1 … wn <eos> <pad> …
    /// Per sentence: its words + 2 (the frame).
    public let lengths: [Int]       // (B)
    /// Flat indices `t·B + b` of the predicted positions, in the order of the logits' rows.
    public let positions: [Int]     // (N)
    /// The word at each predicted position (what training predicts; at inference, whatever
    /// stands there, which the prediction never reads).
    public let targets: [Int32]     // (N)

    /// Every word of every sentence is a target, in time-major order (all first words, then all
    /// second words…), as one training pass of each direction predicts them.
    ///
    /// - Parameter sentences: word ids without the frame; at least one sentence, none empty.
    public init(sentences: [[Int32]]) {
        var predicted: [[Int]] = []
        for s in sentences { predicted.append(Array(0..<s.count)) }
        self.init(sentences: sentences, predicting: predicted, timeMajor: true)
    }

    /// Predicts only the given words: `predicting[b]` lists word indices (0-based, without the
    /// frame) of sentence b. Rows come sentence by sentence, in the order given.
    public init(sentences: [[Int32]], predicting: [[Int]]) {
        self.init(sentences: sentences, predicting: predicting, timeMajor: false)
    }

    init(sentences: [[Int32]], predicting: [[Int]], timeMajor: Bool) {
        precondition(!sentences.isEmpty && sentences.count == predicting.count, "a cloze batch needs sentences and their positions")
        let b = sentences.count
        let t = (sentences.map(\.count).max() ?? 0) + 2
        var tokens = [Int32](repeating: Self.padID, count: t * b)
        var lengths: [Int] = []
        for (column, words) in sentences.enumerated() {
            tokens[column] = Self.beginID
            for (i, word) in words.enumerated() { tokens[(i + 1) * b + column] = word }
            tokens[(words.count + 1) * b + column] = Self.endID
            lengths.append(words.count + 2)
        }
        var positions: [Int] = []
        if timeMajor {
            for step in 1..<(t - 1) {
                for column in 0..<b where step < lengths[column] - 1 { positions.append(step * b + column) }
            }
        } else {
            for (column, indices) in predicting.enumerated() {
                for i in indices {
                    precondition(i >= 0 && i < sentences[column].count, "word \(i) outside sentence \(column)")
                    positions.append((i + 1) * b + column)
                }
            }
        }
        self.steps = t
        self.batch = b
        self.tokens = tokens
        self.lengths = lengths
        self.positions = positions
        self.targets = positions.map { tokens[$0] }
    }
}

/// A model that fills blanks in a sentence from both sides (the BiLSTM cloze model): what the
/// REPL's `:fill SENTENCE` command drives when one is given.
public protocol BlankFilling {
    /// How a blank is written in a sentence, e.g. `"_"`; shown in the REPL's help.
    var blankMarker: String { get }

    /// For each blank of `sentence`, in order, the `count` most likely words, best first.
    func fillBlanks(in sentence: String, count: Int) throws -> BlankFillResult

    /// How blanks are scored, for the REPL's `:settings` (e.g. "sentence weight 0.5 · rescore
    /// 10"); nil when there is nothing to set.
    var fillSettings: String? { get }
}

extension BlankFilling {
    public var fillSettings: String? { nil }
}

/// What `BlankFilling.fillBlanks` found.
public struct BlankFillResult: Equatable, Sendable {
    /// Per blank, in sentence order: candidate words with probabilities, best first.
    public var blanks: [[WordProbability]]
    /// Words of the sentence that are not in the vocabulary (read as `<unk>`).
    public var unknownWords: [String]

    public init(blanks: [[WordProbability]], unknownWords: [String] = []) {
        self.blanks = blanks
        self.unknownWords = unknownWords
    }
}

/// A word with its probability.
public struct WordProbability: Equatable, Sendable {
    public var word: String
    public var probability: Double

    public init(word: String, probability: Double) {
        self.word = word
        self.probability = probability
    }
}

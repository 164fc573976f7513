/// The limits and special tokens shared by greedy and beam search.
public struct DecodingOptions: Codable, Sendable, Equatable {
    /// Token fed to the decoder before the first output token (`<bos>` is 2 in LSTMKit vocabularies).
    public var beginToken = 2
    /// Token that ends a hypothesis (`<eos>` is 3); it is not part of the returned tokens.
    public var endToken = 3
    /// Output length limit = Int(maxLengthRatio × source length) + maxLengthOffset, at least 1;
    /// a hypothesis that reaches it ends there without `endToken`.
    public var maxLengthRatio = 2.0
    /// Added to the scaled source length (lets short sources get longer translations).
    public var maxLengthOffset = 10
    /// `endToken` is not allowed before this many output tokens.
    public var minLength = 0

    public init(
        beginToken: Int = 2, endToken: Int = 3, maxLengthRatio: Double = 2.0, maxLengthOffset: Int = 10,
        minLength: Int = 0
    ) {
        self.beginToken = beginToken
        self.endToken = endToken
        self.maxLengthRatio = maxLengthRatio
        self.maxLengthOffset = maxLengthOffset
        self.minLength = minLength
    }

    /// The most output tokens allowed for a source of `sourceLength` tokens.
    public func maxLength(sourceLength: Int) -> Int {
        let scaled = (maxLengthRatio * Double(sourceLength)).rounded(.down)
        return max(1, Int(min(scaled, 1e9)) + maxLengthOffset)
    }

    func validate(vocabularySize: Int) throws(DecodingError) {
        guard vocabularySize > 0 else { throw .invalidOptions("the model's vocabulary is empty") }
        guard (0..<vocabularySize).contains(endToken) else {
            throw .invalidOptions("the end token \(endToken) is outside the vocabulary of \(vocabularySize)")
        }
        guard maxLengthRatio >= 0, maxLengthRatio.isFinite else {
            throw .invalidOptions("the maximum length ratio must be a non-negative number, not \(maxLengthRatio)")
        }
        guard maxLengthOffset >= 0, minLength >= 0 else {
            throw .invalidOptions("length limits must not be negative")
        }
    }
}

/// Why a search could not run; each description is one sentence.
public enum DecodingError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidOptions(String)
    /// The model wrote a buffer of the wrong size.
    case modelOutputSize(what: String, expected: Int, got: Int)

    public var description: String {
        switch self {
        case let .invalidOptions(text):
            return "invalid decoding options: \(text)"
        case let .modelOutputSize(what, expected, got):
            return "the model produced \(got) \(what) values where the search expected \(expected)"
        }
    }
}

/// One finished output sequence.
public struct Hypothesis: Sendable, Equatable {
    /// Output tokens, without the begin and end tokens.
    public var tokens: [Int]
    /// Sum of the log-probabilities of the tokens, including the end token when it ended with one.
    public var logProbability: Float
    /// The ranking score: `logProbability` divided by the length penalty (greedy: no penalty).
    public var score: Float
    /// Whether the hypothesis ended with the end token (false: it hit the length limit).
    public var endedWithEndToken: Bool
    /// Attention over the source for each step: row i while producing `tokens[i]`, and one more
    /// row for the end token when there is one. Empty when the model gives no attention.
    public var attention: [[Float]]

    /// Decoding steps taken: the tokens plus the end token when present.
    public var length: Int { tokens.count + (endedWithEndToken ? 1 : 0) }
}

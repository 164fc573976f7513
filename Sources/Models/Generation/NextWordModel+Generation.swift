import Foundation

// What the REPL and `lstmkit generate` do with any NextWordModel: masked distributions,
// sampled continuations and sentence scores. A trained model gets all of it by conforming.

extension NextWordModel {
    /// `nextWordLogProbabilities` with `hiddenIDs` set to -infinity, so they are neither shown
    /// nor sampled (the other values are not renormalised).
    public func visibleLogProbabilities(_ state: State) throws -> [Float] {
        var scores = try nextWordLogProbabilities(state)
        for id in hiddenIDs where scores.indices.contains(id) { scores[id] = -.infinity }
        return scores
    }

    /// Samples up to `wordCount` words after `state`, advancing `state` past each.
    /// - Parameter shouldStop: polled before each word (Ctrl-C during a long generation).
    /// - Returns: the sampled ids (fewer than `wordCount` only when `shouldStop` said so).
    public func sampleContinuation<G: RandomNumberGenerator>(
        from state: inout State, wordCount: Int, sampler: Sampler, using generator: inout G,
        shouldStop: () -> Bool = { false }
    ) throws -> [Int] {
        var ids: [Int] = []
        ids.reserveCapacity(max(0, wordCount))
        for _ in 0..<max(0, wordCount) {
            if shouldStop() { break }
            let id = try sampler.sample(scores: try visibleLogProbabilities(state), using: &generator)
            ids.append(id)
            try feed([id], into: &state)
        }
        return ids
    }

    /// The log-probability of `text` as a text of its own, from `makeState()`: the sum over its
    /// words (out-of-vocabulary words count as the unknown-word token) and, when the model has
    /// one, the end-of-sentence token.
    public func score(_ text: String) throws -> SentenceScore {
        let tokens = try tokenize(text)
        var state = try makeState()
        var scored: [SentenceScore.Word] = []
        var ids = tokens.map(\.id)
        if let end = endOfSentenceID { ids.append(end) }
        for (position, id) in ids.enumerated() {
            let logProbabilities = try nextWordLogProbabilities(state)
            guard logProbabilities.indices.contains(id) else { throw NextWordModelError.idOutOfRange(id, logProbabilities.count) }
            let token = position < tokens.count ? tokens[position] : PromptToken(text: word(for: id), id: id, isUnknown: false)
            scored.append(SentenceScore.Word(token: token, logProbability: Double(logProbabilities[id])))
            if position + 1 < ids.count { try feed([id], into: &state) }
        }
        return SentenceScore(words: scored)
    }
}

/// A text's log-probability under a model, word by word.
public struct SentenceScore: Equatable, Sendable {
    public struct Word: Equatable, Sendable {
        public var token: PromptToken
        /// ln P(word | the words before it).
        public var logProbability: Double
    }

    /// The scored tokens in order, the end-of-sentence token last when the model has one.
    public var words: [Word]

    /// ln P(text): the sum of the words' log-probabilities.
    public var logProbability: Double { words.reduce(0) { $0 + $1.logProbability } }

    /// exp(-ln P / N) over the N scored tokens; nil for an empty text.
    public var perplexity: Double? {
        words.isEmpty ? nil : exp(-logProbability / Double(words.count))
    }
}

/// A model broke the `NextWordModel` contract.
public enum NextWordModelError: Error, CustomStringConvertible, Equatable, Sendable {
    case idOutOfRange(Int, Int)

    public var description: String {
        switch self {
        case .idOutOfRange(let id, let count):
            return "the model returned \(count) next-word probabilities, so word id \(id) has none"
        }
    }
}

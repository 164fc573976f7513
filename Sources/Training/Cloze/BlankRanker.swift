import Foundation
import Models
import Text

/// A trained model that ranks the words that could fill a blank: a cloze model reads both sides
/// directly; a language model scores the whole sentence with each word in the blank. What
/// `fill`, `fill-eval` and the REPL's `:fill` use.
///
/// Words are the vocabulary's non-special entries: specials (`<unk>`, `<eos>`…) are never
/// proposed, and probabilities are normalised over the words.
public protocol BlankRanker: TrainedRun, BlankFilling {
    /// What the model kind is called in reports ("cloze model", "language model").
    var kindName: String { get }

    /// ln-scores of `candidates` (word ids) for the blank, comparable with each other: equal to
    /// ln P(word | context) up to one constant, except that a cloze model's sentence scoring
    /// (`ClozeScoring`) adds its weighted sentence terms.
    func scores(_ context: BlankContext, candidates: [Int]) -> [Double]

    /// The `count` best words for the blank, best first, with their probabilities among all
    /// words (exact to at least four decimals). Under sentence scoring the rescored words come
    /// first, so a later word may show a higher probability than one above it.
    func best(_ context: BlankContext, count: Int) -> [WordScore]

    /// The rank of `answer` among all words (1 = the model's first choice): one more than the
    /// number of words scoring strictly higher.
    func rank(of answer: Int, in context: BlankContext) -> Int
}

/// A word id with its probability for a blank.
public struct WordScore: Equatable, Sendable {
    public var id: Int
    public var probability: Double
}

extension BlankRanker {
    /// The ids that may fill a blank: every non-special vocabulary entry.
    public var wordIDs: Range<Int> { vocabulary.specialCount..<vocabulary.count }

    public var blankMarker: String { BlankedSentence.marker }

    /// The blanks of `sentence` filled one at a time, left to right: each blank's list is
    /// computed with the earlier blanks filled by their first choice; later blanks are not known
    /// yet (see `BlankContext`).
    ///
    /// - Parameter candidates: when given, only these words are ranked (probabilities normalised
    ///   over them); otherwise all words.
    public func fill(_ sentence: BlankedSentence, count: Int, candidates: [Int]? = nil) -> [[WordScore]] {
        var current = sentence
        var lists: [[WordScore]] = []
        for index in sentence.blankIndices {
            let context = current.context(ofBlankAt: index)
            let list: [WordScore]
            if let candidates {
                list = Array(Self.normalised(candidates, scores(context, candidates: candidates)).prefix(count))
            } else {
                list = best(context, count: count)
            }
            lists.append(list)
            if let first = list.first { current = current.filling(index, with: Int32(first.id)) }
        }
        return lists
    }

    public func fillBlanks(in sentence: String, count: Int) throws -> BlankFillResult {
        let parsed = try BlankedSentence(sentence, run: self)
        let lists = fill(parsed, count: count)
        return BlankFillResult(
            blanks: lists.map { $0.map { WordProbability(word: vocabulary.token(for: $0.id) ?? Vocabulary.unknownToken,
                                                           probability: $0.probability) } },
            unknownWords: parsed.unknownWords)
    }

    /// `ids` with softmax-normalised `scores`, best first (ties: lower id first).
    static func normalised(_ ids: [Int], _ scores: [Double]) -> [WordScore] {
        let top = scores.max() ?? 0
        let total = scores.reduce(0) { $0 + exp($1 - top) }
        return zip(ids, scores).map { WordScore(id: $0, probability: exp($1 - top) / total) }
            .sorted { ($0.probability, -$0.id) > ($1.probability, -$1.id) }
    }
}

/// Loads the trained model of any run folder that can fill blanks: a cloze model, or a
/// language model (which fills by scoring whole sentences).
public func loadBlankRanker(folder: String) throws -> any BlankRanker {
    let header = try RunFolder.header(folder: folder)
    switch header.kind {
    case ClozeRunConfiguration.kind: return try TrainedClozeModel(folder: folder)
    case LanguageModelRunConfiguration.kind: return try TrainedLanguageModel(folder: folder)
    default:
        throw TrainingError.notARun(folder: folder, cause: "config.json describes \(header.runDescription), not "
            + "\(LanguageModelRunConfiguration.kindDescription) or \(ClozeRunConfiguration.kindDescription)")
    }
}

/// A ranker that has the whole distribution over the vocabulary for a blank in one pass (a
/// cloze model; a language model reading the left side only): scores, best words and ranks all
/// come from `wordLogProbabilities`.
public protocol WholeDistributionRanker: BlankRanker {
    /// ln P(word | context) for every vocabulary entry, −∞ for specials, normalised over words.
    func wordLogProbabilities(_ context: BlankContext) -> [Double]
}

extension WholeDistributionRanker {
    public func scores(_ context: BlankContext, candidates: [Int]) -> [Double] {
        let all = wordLogProbabilities(context)
        return candidates.map { all[$0] }
    }

    public func best(_ context: BlankContext, count: Int) -> [WordScore] {
        let all = wordLogProbabilities(context)
        return largestScores(all.map(Float.init), count: count).map { WordScore(id: $0, probability: exp(all[$0])) }
    }

    public func rank(of answer: Int, in context: BlankContext) -> Int {
        rank(of: answer, in: wordLogProbabilities(context))
    }

    /// One more than the number of words, other than those `excluded`, that `all` scores
    /// strictly higher than `answer`.
    func rank(of answer: Int, in all: [Double], excluding excluded: Set<Int> = []) -> Int {
        1 + wordIDs.reduce(0) { $0 + (!excluded.contains($1) && all[$1] > all[answer] ? 1 : 0) }
    }

    /// A row of natural-log probabilities over the vocabulary, specials set to −∞ and the words
    /// renormalised to sum to one.
    func wordsOnly(_ row: [Float]) -> [Double] {
        var words = row.map(Double.init)
        var total = 0.0
        for id in wordIDs { total += exp(words[id]) }
        let shift = log(total)
        for id in words.indices { words[id] = vocabulary.isSpecial(id) ? -.infinity : words[id] - shift }
        return words
    }
}

/// A forward language model filling a blank from the words before it alone, ln P(w | left), as
/// it must when it cannot look ahead: the left-context-only baseline (`fill-eval --compare-left`),
/// against the whole-sentence scoring a `TrainedLanguageModel` does by itself.
public final class LeftContextRanker: WholeDistributionRanker {
    public let languageModel: TrainedLanguageModel

    public init(_ languageModel: TrainedLanguageModel) { self.languageModel = languageModel }

    public var folder: String { languageModel.folder }
    public var vocabulary: Vocabulary { languageModel.vocabulary }
    public var tokenizer: Tokenizer { languageModel.tokenizer }
    public var kindName: String { "LM, left only" }

    public func wordLogProbabilities(_ context: BlankContext) -> [Double] {
        wordsOnly(languageModel.nextWordLogProbabilities(after: context.left).logProbabilities)
    }
}

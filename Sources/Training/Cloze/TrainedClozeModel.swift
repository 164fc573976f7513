import Foundation
import Models
import NN
import Tensor
import Text

/// A trained cloze model loaded from its run folder (`config.json` of kind "cloze", `vocab.tsv`,
/// `model.safetensors`), with the tokenizer it was trained with: what `fill`, `fill-eval` and
/// the REPL use. Every file is checked before use; problems are one-sentence errors.
public final class TrainedClozeModel: TrainedRun {
    public let folder: String
    public let configuration: ClozeRunConfiguration
    public let vocabulary: Vocabulary
    public let model: ClozeModel
    public let tokenizer: Tokenizer
    /// How blanks are ranked; `fill` and `fill-eval` set it from their options.
    public var scoring = ClozeScoring()

    public init(folder: String, weights: String = "model.safetensors") throws {
        let files = try RunFiles<ClozeRunConfiguration>(
            folder: folder, weights: weights)
        configuration = files.configuration
        vocabulary = files.vocabulary
        model = ClozeModel(configuration: configuration.model, generator: RandomGenerator(seed: 0))
        try model.parameters.load(from: files.weights, allowingExtra: weights != "model.safetensors")
        tokenizer = files.tokenizer
        self.folder = files.folder
    }

    /// ln P(word | both sides) for every vocabulary entry, specials renormalised away.
    public func wordLogProbabilities(_ context: BlankContext) -> [Double] {
        let sentence = context.left + [Int32(Vocabulary.unknownID)] + context.right
        let row = model.logProbabilities(ClozeBatch(sentences: [sentence], predicting: [[context.left.count]])).scalars
        return wordsOnly(row)
    }
}

/// How a cloze model ranks the words for a blank. The blank's own distribution,
/// ln P(w | left, right), never reads the word it predicts. Sentence scoring also asks how well
/// the rest of the sentence fits the word: with w in the blank, the model predicts every other
/// known word from both sides, and λ times the sum of their ln-probabilities is added,
///
///     score(w) = ln P(w | left, right) + λ · Σ_{known i ≠ blank} ln P(x_i | sentence with w),
///
/// the analogue of a language model scoring whole sentences (a pseudo-log-likelihood, as masked
/// language models are scored). λ = 0.5 was chosen on items made from PTB's validation text.
public struct ClozeScoring: Equatable, Sendable {
    /// λ: 0 ranks by the blank's own distribution alone.
    public var sentenceWeight: Double
    /// Over the whole vocabulary, how many of the best words by the blank's own distribution are
    /// rescored with the sentence (each costs one pass of the model); the rest keep that order.
    public var rescored: Int

    public init(sentenceWeight: Double = 0.5, rescored: Int = 10) {
        self.sentenceWeight = sentenceWeight
        self.rescored = rescored
    }

    /// The blank's own distribution only.
    public static let direct = ClozeScoring(sentenceWeight: 0)

    /// Whether whole-vocabulary rankings rescore their head with the sentence.
    var rescoresVocabulary: Bool { sentenceWeight != 0 && rescored > 0 }
}

extension TrainedClozeModel: WholeDistributionRanker {
    public var kindName: String { "cloze model" }

    /// The `--sentence-weight` and `--rescore` in force.
    public var fillSettings: String? {
        String(format: "sentence weight %g · rescore %d", scoring.sentenceWeight, scoring.rescored)
    }

    /// Σ ln P(x_i | both sides) over the known words of the sentence other than the blank, with
    /// each candidate in the blank. Known: the words before it and those after it up to the next
    /// blank (a later blank is still `<unk>`, and what follows it is left out with it).
    public func sentenceTerms(_ context: BlankContext, candidates: [Int]) -> [Double] {
        let known = Array(0..<context.left.count)
            + (0..<context.knownRightCount).map { context.left.count + 1 + $0 }
        let sentences = candidates.map { context.left + [Int32($0)] + context.right }
        return model.summedLogProbabilities(sentences, positions: sentences.map { _ in known })
    }

    public func scores(_ context: BlankContext, candidates: [Int]) -> [Double] {
        scores(context, candidates: candidates, own: wordLogProbabilities(context))
    }

    /// `scores` given the blank's own distribution `own` (from `wordLogProbabilities`).
    func scores(_ context: BlankContext, candidates: [Int], own: [Double]) -> [Double] {
        let direct = candidates.map { own[$0] }
        guard scoring.sentenceWeight != 0 else { return direct }
        let terms = sentenceTerms(context, candidates: candidates)
        return zip(direct, terms).map { $0 + scoring.sentenceWeight * $1 }
    }

    /// The head rescored over the whole vocabulary: the best words of `own`, none when sentence
    /// scoring is off.
    func rescoredHead(_ own: [Double]) -> [Int] {
        guard scoring.rescoresVocabulary else { return [] }
        return largestScores(own.map(Float.init), count: min(scoring.rescored, wordIDs.count))
    }

    /// The `count` best words in the order sentence scoring gives: the `rescored` best words of
    /// the blank's own distribution first, by their sentence score, then the rest by the
    /// distribution. The rescored words share out their total mass by their new scores, so the
    /// probabilities of all words still sum to one.
    public func best(_ context: BlankContext, count: Int) -> [WordScore] {
        let all = wordLogProbabilities(context)
        let head = rescoredHead(all)
        let ordered = all.map(Float.init)
        var list: [WordScore] = []
        if !head.isEmpty {
            let mass = head.reduce(0) { $0 + exp(all[$1]) }
            list = Self.normalised(head, scores(context, candidates: head, own: all)).map {
                WordScore(id: $0.id, probability: mass * $0.probability)
            }
        }
        let taken = Set(head)
        for id in largestScores(ordered, count: min(count, wordIDs.count) + head.count) where !taken.contains(id) {
            list.append(WordScore(id: id, probability: exp(all[id])))
        }
        return Array(list.prefix(count))
    }

    public func rank(of answer: Int, in context: BlankContext) -> Int {
        let all = wordLogProbabilities(context)
        let head = rescoredHead(all)
        if let mine = head.firstIndex(of: answer) {
            let rescored = scores(context, candidates: head, own: all)
            return 1 + rescored.filter { $0 > rescored[mine] }.count
        }
        return head.count + rank(of: answer, in: all, excluding: Set(head))
    }
}

/// The REPL drives a cloze model like a language model for typed text: the next word is
/// predicted from the left context alone (the backward half of the features zero, as the
/// `leftOnlyRate` positions of training saw it); `:fill` uses both sides.
extension TrainedClozeModel: NextWordModel {
    public typealias State = RecurrentWordState

    /// A sentence starts with `<bos>`, as in training.
    public func makeState() throws -> State {
        var state = State(recurrent: model.zeroLeftState(), logits: Tensor(zeros: [1, vocabulary.count]))
        try feed([Vocabulary.beginID], into: &state)
        return state
    }

    public func copyState(_ state: State) -> State { state.copy() }

    public func feed(_ ids: [Int], into state: inout State) throws {
        for id in ids { model.stepLeft(token: Int32(id), state: state.recurrent) }
        model.leftOnlyLogits(state: state.recurrent, into: state.logits)
    }

    public func nextWordLogProbabilities(_ state: State) throws -> [Float] { state.nextWordLogProbabilities() }

    /// The model never predicts the frame (`<bos>`, `<eos>`): training targets are words only,
    /// so a sentence's score has no end-of-sentence term either.
    public var hiddenIDs: [Int] { [Vocabulary.padID, Vocabulary.beginID, Vocabulary.endID] }
}

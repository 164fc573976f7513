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

    public init(folder: String, weights: String = "model.safetensors") throws {
        let files = try RunFiles<ClozeRunConfiguration>(
            folder: folder, weights: weights, vocabularySize: \.model.vocabularySize, problem: \.model.problem)
        configuration = files.configuration
        vocabulary = files.vocabulary
        model = ClozeModel(configuration: configuration.model, generator: RandomGenerator(seed: 0))
        try model.parameters.load(contentsOf: files.weightsPath, allowingExtra: weights != "model.safetensors")
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

extension TrainedClozeModel: WholeDistributionRanker {
    public var kindName: String { "cloze model" }
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

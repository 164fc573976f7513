import Models
import NN
import Tensor
import Text

/// The REPL and `generate` drive a trained model through `NextWordModel`: one `step` per word,
/// batch of one, no caches, so continuing a prompt costs only the new words.
extension TrainedLanguageModel: NextWordModel {
    public typealias State = RecurrentWordState

    /// A text starts where training saw sentences start: after the end of another sentence and
    /// an `<eos>` (see `sentenceEndState`).
    public func makeState() throws -> State {
        let state = State(recurrent: sentenceEndState.copy(),
                          logits: Tensor(zeros: [1, configuration.model.vocabularySize]))
        model.step(tokens: [Int32(Vocabulary.endID)], state: state.recurrent, logits: state.logits)
        return state
    }

    public func copyState(_ state: State) -> State { state.copy() }

    public func feed(_ ids: [Int], into state: inout State) throws {
        for id in ids {
            model.step(tokens: [Int32(id)], state: state.recurrent, logits: state.logits)
        }
    }

    public func nextWordLogProbabilities(_ state: State) throws -> [Float] { state.nextWordLogProbabilities() }

    public var hiddenIDs: [Int] { [Vocabulary.padID, Vocabulary.beginID] }

    public var endOfSentenceID: Int? { Vocabulary.endID }
}

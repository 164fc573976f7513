import Models
import NN
import Tensor
import Text

/// The REPL and `generate` drive a trained model through `NextWordModel`: one `step` per word,
/// batch of one, no caches, so continuing a prompt costs only the new words.
extension TrainedLanguageModel: NextWordModel {
    /// The recurrent state after the words fed so far, and the logits for the next word.
    public final class State {
        let recurrent: RecurrentState   // (L, 1, H)
        let logits: Tensor              // (1, V)
        init(recurrent: RecurrentState, logits: Tensor) {
            self.recurrent = recurrent
            self.logits = logits
        }
    }

    public var vocabularySize: Int { vocabulary.count }

    public func word(for id: Int) -> String { vocabulary.token(for: id) ?? Vocabulary.unknownToken }

    public func tokenize(_ text: String) throws -> [PromptToken] {
        try tokenizer.tokenize(text).map { token in
            let id = vocabulary.id(for: token)
            return PromptToken(text: token, id: id, isUnknown: id == Vocabulary.unknownID && token != Vocabulary.unknownToken)
        }
    }

    public func detokenize(_ words: [String]) -> String {
        Detokenizer(locale: configuration.tokenizer.locale).detokenize(words.filter { $0 != Vocabulary.endToken })
    }

    /// A text starts where training saw sentences start: after an `<eos>`.
    public func makeState() throws -> State {
        let state = State(recurrent: model.zeroState(batchSize: 1),
                          logits: Tensor(zeros: [1, configuration.model.vocabularySize]))
        model.step(tokens: [Int32(Vocabulary.endID)], state: state.recurrent, logits: state.logits)
        return state
    }

    public func copyState(_ state: State) -> State {
        State(recurrent: state.recurrent.copy(), logits: state.logits.copy())
    }

    public func feed(_ ids: [Int], into state: inout State) throws {
        for id in ids {
            model.step(tokens: [Int32(id)], state: state.recurrent, logits: state.logits)
        }
    }

    public func nextWordLogProbabilities(_ state: State) throws -> [Float] {
        let out = Tensor(zeros: state.logits.shape)
        Softmax.logSoftmax(state.logits, into: out)
        return out.scalars
    }

    public var hiddenIDs: [Int] { [Vocabulary.padID, Vocabulary.beginID] }

    public var endOfSentenceID: Int? { Vocabulary.endID }
}

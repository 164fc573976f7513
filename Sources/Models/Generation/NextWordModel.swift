/// A language model that predicts the next word one step at a time: what the REPL
/// (`lstmkit repl`) and `lstmkit generate` drive.
///
/// The model owns its recurrent state as an opaque `State` (for an LSTM, the hidden and cell
/// states of every layer after the words fed so far). State is incremental: `feed` advances it by
/// the new words only, so continuing a prompt costs only those words. The interface speaks plain
/// ids and `[Float]`, like `StepwiseDecoder`, so drivers need no `Tensor`.
public protocol NextWordModel {
    /// Everything the model carries from one word to the next. It may be a class (the REPL never
    /// assumes value semantics): `copyState` makes the independent copies it needs.
    associatedtype State

    /// Vocabulary size V; ids are `0..<V`.
    var vocabularySize: Int { get }

    /// The vocabulary entry with id `id` (`0 <= id < V`), spelled as in the vocabulary file.
    func word(for id: Int) -> String

    /// Splits `text` as the training text was split and looks the words up. A word outside the
    /// vocabulary gets the unknown-word id and `isUnknown`, so the REPL can name it.
    func tokenize(_ text: String) throws -> [PromptToken]

    /// Joins words (vocabulary entries or prompt tokens) back into text: spacing around
    /// punctuation, the end-of-sentence token, as the Text target's `Detokenizer` does.
    func detokenize(_ words: [String]) -> String

    /// The state at the start of a text, ready to predict its first word.
    func makeState() throws -> State

    /// An independent copy of `state`: feeding the copy leaves `state` unchanged.
    func copyState(_ state: State) -> State

    /// Advances `state` past `ids` (in order); only these words cost.
    func feed(_ ids: [Int], into state: inout State) throws

    /// Natural-log probabilities of the next word after everything fed into `state`: V values,
    /// whose exponentials sum to 1.
    func nextWordLogProbabilities(_ state: State) throws -> [Float]

    /// Ids never shown or sampled, such as padding and beginning-of-sentence.
    var hiddenIDs: [Int] { get }

    /// The end-of-sentence id the model learned to predict; a sentence's score then includes
    /// P(end | sentence), as perplexity on PTB does. Nil when the model has none.
    var endOfSentenceID: Int? { get }
}

extension NextWordModel {
    public var hiddenIDs: [Int] { [] }
    public var endOfSentenceID: Int? { nil }
}

/// One word of a prompt as the model sees it.
public struct PromptToken: Equatable, Sendable {
    /// The word as the tokenizer produced it (after its normalisation).
    public var text: String
    /// Its vocabulary id: the unknown-word id when `isUnknown`.
    public var id: Int
    /// True when the word is not in the vocabulary.
    public var isUnknown: Bool

    public init(text: String, id: Int, isUnknown: Bool) {
        self.text = text
        self.id = id
        self.isUnknown = isUnknown
    }
}

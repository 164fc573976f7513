/// A model that greedy and beam search can drive one token at a time.
///
/// The search owns hypotheses, scores, back-pointers and finished flags; the model owns its
/// per-hypothesis state (for an LSTM decoder the hidden and cell states as [N, H] matrices, the
/// attention context, and which source sentence each row attends to). Rows of the state are
/// hypotheses: `encode` makes one row per source sentence, `decodeStep` advances all N rows at
/// once, and `selectRows` rebuilds the state from back-pointers (a row may be kept twice when
/// two hypotheses extend it, or dropped). The interface is free of the `Tensor` type: the model
/// writes log-probabilities into a flat buffer the search reuses from step to step.
public protocol StepwiseDecoder {
    /// Everything the model carries between steps, for N hypothesis rows.
    associatedtype State

    /// Output vocabulary size V.
    var vocabularySize: Int { get }

    /// Encodes a batch of source sentences (token ids); the state has one row per source, in
    /// order, ready to produce the first target token.
    func encode(sources: [[Int]]) throws -> State

    /// Advances every row of `state` by one token.
    /// - Parameters:
    ///   - previousTokens: one token per row (N): the token each hypothesis emitted last, or the
    ///     beginning-of-sentence token at the first step.
    ///   - output: the model sets `logProbabilities` to N·V values (row-major, (N, V)) and, if it
    ///     attends, `attention` to N·S weights with `attentionWidth` = S (the longest source
    ///     length in the batch; weights past a row's own source length are ignored).
    func decodeStep(_ state: inout State, previousTokens: [Int], output: inout DecoderStepOutput) throws

    /// Keeps rows `rows` of `state`, in that order: new row i is old row `rows[i]`.
    func selectRows(_ state: inout State, rows: [Int]) throws
}

/// What one decoding step produces; the search keeps one value and hands it back every step so
/// the buffers are reused rather than reallocated.
public struct DecoderStepOutput: Sendable {
    /// Log-probabilities of the next token, (N, V) row-major.
    public var logProbabilities: [Float] = []
    /// Attention weights over source positions, (N, S) row-major; empty when the model has none.
    public var attention: [Float] = []
    /// S, the number of attention columns per row; 0 when the model has no attention.
    public var attentionWidth = 0

    public init() {}
}

import NN
import Tensor
import Text

/// What the translator carries between decoding steps: per hypothesis row the decoder's LSTM
/// state and its last attentional state (input feeding), and which source sentence the row
/// attends to; the encoded sources themselves are shared by all rows and never copied.
public struct TranslatorDecodingState {
    /// `(L, N, Hd)` each.
    public var recurrent: RecurrentState
    /// `(N, Hd)`: h̃ of the previous step (zero before the first).
    public var feed: Tensor
    /// N indices into the encoded sources.
    public var sentences: [Int]
    /// The encoded sources `(sources, S, M)` and their keys.
    public let memory: Attention.AttentionMemory
}

extension Translator: StepwiseDecoder {
    public var vocabularySize: Int { configuration.targetVocabularySize }

    /// Encodes sources (token ids without specials; `<eos>` is appended as in training).
    public func encode(sources: [[Int]]) throws -> TranslatorDecodingState {
        guard !sources.isEmpty else { throw DecodingError.invalidOptions("there is nothing to translate") }
        let vs = configuration.sourceVocabularySize
        for source in sources {
            if let bad = source.first(where: { $0 < 0 || $0 >= vs }) {
                throw DecodingError.invalidOptions("source token id \(bad) is outside the source vocabulary of \(vs)")
            }
        }
        let batch = TranslationBatch(sources: sources, targets: sources.map { _ in [] })
        let s = batch.sourceSteps, b = batch.batchSize, l = configuration.layers
        let embedded = sourceEmbedding.forward(batch.sourceIDs, shape: [s, b])
        let (output, final) = encoder.forward(embedded, lengths: batch.sourceLengths)
        let memory = attention.memory(encoderOutput: output, lengths: batch.sourceLengths)
        let hidden = Tensor(zeros: [l, b, hd]), cell = Tensor(zeros: [l, b, hd])
        bridgeHidden.forward(gatherDirections(final.hidden, into: bridgeInputs[0]), into: hidden)
        Vector.map(hidden.pointer, hidden.pointer, count: hidden.count) { Vector.tanh($0) }
        bridgeCell.forward(gatherDirections(final.cell!, into: bridgeInputs[1]), into: cell)
        return TranslatorDecodingState(
            recurrent: RecurrentState(hidden: hidden, cell: cell), feed: Tensor(zeros: [b, hd]),
            sentences: Array(0..<b), memory: memory)
    }

    public func decodeStep(_ state: inout TranslatorDecodingState, previousTokens: [Int],
                           output: inout DecoderStepOutput) throws {
        let n = state.sentences.count, s = state.memory.width, l = configuration.layers
        guard previousTokens.count == n else {
            throw DecodingError.modelOutputSize(what: "previous-token", expected: n, got: previousTokens.count)
        }
        if let bad = previousTokens.first(where: { $0 < 0 || $0 >= v }) {
            throw DecodingError.invalidOptions("token id \(bad) is outside the target vocabulary of \(v)")
        }
        let x = inference.input.tensor([n, e + hd])
        let table = targetEmbedding.weight.value.pointer
        for (row, token) in previousTokens.enumerated() {
            let target = x.pointer + row * (e + hd)
            target.update(from: table + token * e, count: e)
            (target + e).update(from: state.feed.pointer + row * hd, count: hd)
        }
        decoder.step(input: x, state: state.recurrent)
        let query = state.recurrent.hidden.slice(l - 1)
        let z = inference.combined.tensor([n, m + hd])
        let context = inference.context.tensor([n, m])
        let weights = inference.weights.tensor([n, s])
        attention.attend(queries: query, memory: state.memory, sentences: state.sentences,
                         context: context, weights: weights)
        for row in 0..<n {
            (z.pointer + row * (m + hd)).update(from: context.pointer + row * m, count: m)
            (z.pointer + row * (m + hd) + m).update(from: query.pointer + row * hd, count: hd)
        }
        let feed = state.feed
        GEMM.multiply(transposeB: true, m: n, n: hd, k: m + hd, a: z.pointer, lda: m + hd,
                      b: combine.value.pointer, ldb: m + hd, c: feed.pointer, ldc: hd)
        Vector.map(feed.pointer, feed.pointer, count: feed.count) { Vector.tanh($0) }
        let logits = inference.logits.tensor([n, v])
        outputLayer.forward(feed, into: logits)
        Softmax.logSoftmax(logits, into: logits)
        if output.logProbabilities.count != n * v {
            output.logProbabilities = [Float](repeating: 0, count: n * v)
        }
        output.logProbabilities.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: logits.pointer, count: n * v) }
        if output.attention.count != n * s {
            output.attention = [Float](repeating: 0, count: n * s)
        }
        output.attention.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: weights.pointer, count: n * s) }
        output.attentionWidth = s
    }

    public func selectRows(_ state: inout TranslatorDecodingState, rows: [Int]) throws {
        let n = state.sentences.count
        guard rows.allSatisfy({ $0 >= 0 && $0 < n }) else {
            throw DecodingError.invalidOptions("a selected row lies outside the \(n) rows of the state")
        }
        let l = configuration.layers
        let recurrent = RecurrentState(hidden: Tensor(zeros: [l, rows.count, hd]), cell: Tensor(zeros: [l, rows.count, hd]))
        state.recurrent.gather(batchEntries: rows, into: recurrent)
        let feed = Tensor(zeros: [rows.count, hd])
        for (row, source) in rows.enumerated() {
            (feed.pointer + row * hd).update(from: state.feed.pointer + source * hd, count: hd)
        }
        state.recurrent = recurrent
        state.feed = feed
        state.sentences = rows.map { state.sentences[$0] }
    }
}

/// Scratch buffers of the decoding path (separate from training's, so decoding a validation set
/// between batches leaves nothing behind).
final class TranslatorInferenceBuffers {
    let input = Workspace()  // (N, E + Hd)
    let combined = Workspace()  // (N, M + Hd)
    let context = Workspace()  // (N, M)
    let weights = Workspace()  // (N, S)
    let logits = Workspace()  // (N, V)
}

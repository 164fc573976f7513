import NN
import Tensor

/// Embedding → recurrent stack → Linear → softmax cross-entropy, composed the way a language
/// model (or, bidirectional, a tagger) composes these layers, with PyTorch's parameter names
/// (`encoder.weight`, `rnn.weight_ih_l0`, `decoder.weight`, `decoder.bias`). Test-only: the
/// toolkit's real models live in the Models target.
final class TinyLanguageModel {
    let embedding: Embedding
    let rnn: RecurrentLayer
    let decoder: Linear
    let criterion: SoftmaxCrossEntropy
    let registry: ParameterRegistry

    init(vocabulary: Int, embedding dimensions: Int, hidden: Int, layers: Int, cell: RecurrentCellKind = .lstm,
         bidirectional: Bool = false, tie: Bool = false, ignoreIndex: Int32? = nil, generator: RandomGenerator) {
        embedding = Embedding(embeddingCount: vocabulary, dimensions: dimensions, generator: generator)
        rnn = RecurrentLayer(
            configuration: RecurrentConfiguration(cell: cell, inputSize: dimensions, hiddenSize: hidden, layers: layers,
                                                  bidirectional: bidirectional),
            generator: generator)
        let outputs = rnn.configuration.outputSize
        if tie {
            precondition(outputs == dimensions, "tying needs D·H = E")
            let bias = Parameter(zeros: [vocabulary])
            generator.fillUniform(bias.value, bound: 0.1)
            decoder = Linear(weight: embedding.weight, bias: bias)
        } else {
            decoder = Linear(inputSize: outputs, outputSize: vocabulary, generator: generator)
        }
        criterion = SoftmaxCrossEntropy(ignoreIndex: ignoreIndex)
        var registry = ParameterRegistry()
        registry.add(embedding, prefix: "encoder")
        registry.add(rnn, prefix: "rnn")
        registry.add(decoder, prefix: "decoder")
        self.registry = registry
    }

    /// Logits `(T·B, V)` of `ids` `(T, B)` (owned by the decoder).
    func logits(ids: [Int32], steps: Int, batch: Int, lengths: [Int]? = nil,
                initialState: RecurrentState? = nil) -> (logits: Tensor, finalState: RecurrentState) {
        let x = embedding.forward(ids, shape: [steps, batch])
        let (y, final) = rnn.forward(x, lengths: lengths, initialState: initialState)
        let logits = decoder.forward(y.reshaped([steps * batch, rnn.configuration.outputSize]))
        return (logits, final)
    }

    /// Mean cross-entropy, forward only.
    func loss(ids: [Int32], targets: [Int32], steps: Int, batch: Int, lengths: [Int]? = nil,
              initialState: RecurrentState? = nil) -> Double {
        let (logits, _) = self.logits(ids: ids, steps: steps, batch: batch, lengths: lengths, initialState: initialState)
        return criterion.loss(logits: logits, targets: targets).loss
    }

    /// Forward and backward: accumulates every parameter's gradient and returns the loss and
    /// the final state.
    func train(ids: [Int32], targets: [Int32], steps: Int, batch: Int, lengths: [Int]? = nil,
               initialState: RecurrentState? = nil) -> (loss: Double, finalState: RecurrentState) {
        let (logits, final) = self.logits(ids: ids, steps: steps, batch: batch, lengths: lengths, initialState: initialState)
        let result = criterion.lossAndGradient(logits: logits, targets: targets)
        let dy = decoder.backward(outputGradient: logits)!
        let (dx, _) = rnn.backward(outputGradient: dy.reshaped([steps, batch, rnn.configuration.outputSize]))
        embedding.backward(outputGradient: dx!)
        return (result.loss, final)
    }
}

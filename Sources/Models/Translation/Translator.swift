import NN
import Tensor
import Text

/// An LSTM encoder-decoder with global attention and input feeding (Luong et al. 2015,
/// "Effective Approaches to Attention-based Neural Machine Translation"):
///
/// - encoder: source embeddings → dropout → BiLSTM (L layers, packed: padding never enters);
/// - bridge: the encoder's final state of layer l, both directions concatenated, becomes the
///   decoder's initial state of layer l: `h₀ = tanh(W_h [h→; h←] + b_h)`, `c₀ = W_c [c→; c←] + b_c`;
/// - decoder, per step t: `x_t = [dropout(E(y_{t−1})); h̃_{t−1}]` (input feeding, h̃₀ = 0) →
///   LSTM (L layers) → h_t; attention of h_t over the encoder outputs (masked) → context c_t;
///   `h̃_t = dropout(tanh(W_o [c_t; h_t]))`; logits `W_g h̃_t + b_g` (W_g optionally tied to
///   the target embeddings).
///
/// Loss: mean cross-entropy over the target tokens that are not `<pad>` (optionally label-
/// smoothed): padded positions add nothing to the loss or to any gradient.
///
/// Parameter names (PyTorch `state_dict` keys of `scripts/reference/make_translator_fixtures.py`'s
/// module): `src_embedding.weight`, `encoder.weight_ih_l0[_reverse]`…, `bridge_h.weight/bias`,
/// `bridge_c.weight/bias`, `tgt_embedding.weight`, `decoder.weight_ih_l0`…, `attention.…`,
/// `linear_out.weight`, `generator.weight/bias`.
///
/// Dimension letters: S source steps, T target steps, B batch, E embedding, He encoder hidden
/// per direction, M = 2·He memory features, Hd decoder hidden, L layers, V target vocabulary,
/// N decoding rows (hypotheses).
public final class Translator {
    public let configuration: TranslatorConfiguration
    public let sourceEmbedding: Embedding  // (Vs, E)
    public let encoder: RecurrentLayer  // BiLSTM E → He per direction
    public let bridgeHidden: Linear  // M → Hd
    public let bridgeCell: Linear  // M → Hd
    public let targetEmbedding: Embedding  // (Vt, E)
    public let decoder: SteppedLSTM  // E + Hd → Hd
    public let attention: Attention  // query Hd, memory M
    /// `(Hd, M + Hd)`: the attentional state from `[context; h]`, no bias (Luong).
    public let combine: Parameter
    /// Hd → Vt; named `generator` in the parameter names (OpenNMT's word).
    public let outputLayer: Linear
    public let registry: ParameterRegistry

    let sourceDropout: Dropout
    // Training caches and scratch (see `trainingStep`).
    var steps = 0, batch = 0
    var dropoutActive = false
    var targetTokens: [Int32] = []  // (T, B): the decoder's input tokens, as actually fed
    let embeddingMasks = Workspace()  // (T, B, E)
    let stepInput = Workspace()  // (B, E + Hd)
    let combined = Workspace()  // (T, B, M + Hd): [context; h]
    let attentional = Workspace()  // (T, B, Hd): tanh(W_o z), before dropout
    let outputMasks = Workspace()  // (T, B, Hd)
    let fed = Workspace()  // (T, B, Hd): h̃ after dropout (output layer input, next step's feed)
    let stepLogits = Workspace()  // (B, V): scheduled sampling's predictions
    let preActivationGradients = Workspace()  // (T, B, Hd)
    let carriedFeedGradient = Workspace()  // (B, Hd)
    let stepHiddenGradient = Workspace()  // (B, Hd)
    let stepContextGradient = Workspace()  // (B, M)
    let embeddingGradients = Workspace()  // (T, B, E)
    let bridgeInputs = [Workspace(), Workspace()]  // (L·B, M): [h→; h←], [c→; c←]
    let bridgeGradient = Workspace()  // (L·B, Hd)
    var bridgeTanh = Tensor(zeros: [0])  // (L·B, Hd): h₀ = tanh(W_h …), the bridge output layer's buffer
    let inference = TranslatorInferenceBuffers()

    /// A model with PyTorch's default initialisation of each layer, drawn from `generator`.
    public init(configuration: TranslatorConfiguration, generator: RandomGenerator) throws {
        try configuration.validate()
        let c = configuration
        self.configuration = c
        let pad = Vocabulary.padID
        sourceEmbedding = Embedding(embeddingCount: c.sourceVocabularySize, dimensions: c.embeddingSize,
                                    paddingIndex: pad, generator: generator)
        encoder = RecurrentLayer(configuration: RecurrentConfiguration(
            cell: .lstm, inputSize: c.embeddingSize, hiddenSize: c.encoderHiddenSize, layers: c.layers,
            dropout: c.dropout, bidirectional: true), generator: generator)
        bridgeHidden = Linear(inputSize: c.memorySize, outputSize: c.decoderHiddenSize, generator: generator)
        bridgeCell = Linear(inputSize: c.memorySize, outputSize: c.decoderHiddenSize, generator: generator)
        targetEmbedding = Embedding(embeddingCount: c.targetVocabularySize, dimensions: c.embeddingSize,
                                    paddingIndex: pad, generator: generator)
        decoder = SteppedLSTM(configuration: RecurrentConfiguration(
            cell: .lstm, inputSize: c.embeddingSize + c.decoderHiddenSize, hiddenSize: c.decoderHiddenSize,
            layers: c.layers, dropout: c.dropout), generator: generator)
        attention = Attention(configuration: AttentionConfiguration(
            score: c.attention, querySize: c.decoderHiddenSize, memorySize: c.memorySize), generator: generator)
        let combineWeight = Tensor(zeros: [c.decoderHiddenSize, c.memorySize + c.decoderHiddenSize])
        generator.fillUniform(combineWeight, bound: 1 / Float(c.memorySize + c.decoderHiddenSize).squareRoot())
        combine = Parameter(combineWeight)
        let output: Linear
        if c.tiesOutputEmbedding {
            let bias = Tensor(zeros: [c.targetVocabularySize])
            generator.fillUniform(bias, bound: 1 / Float(c.decoderHiddenSize).squareRoot())
            output = Linear(weight: targetEmbedding.weight, bias: Parameter(bias))
        } else {
            output = Linear(inputSize: c.decoderHiddenSize, outputSize: c.targetVocabularySize, generator: generator)
        }
        outputLayer = output
        sourceDropout = Dropout(probability: c.dropout)
        var registry = ParameterRegistry()
        registry.add(sourceEmbedding, prefix: "src_embedding")
        registry.add(encoder, prefix: "encoder")
        registry.add(bridgeHidden, prefix: "bridge_h")
        registry.add(bridgeCell, prefix: "bridge_c")
        registry.add(targetEmbedding, prefix: "tgt_embedding")
        registry.add(decoder, prefix: "decoder")
        registry.add(attention, prefix: "attention")
        registry.add(combine, name: "linear_out.weight")
        registry.add(output, prefix: "generator")
        self.registry = registry
    }

    var e: Int { configuration.embeddingSize }
    var hd: Int { configuration.decoderHiddenSize }
    var m: Int { configuration.memorySize }
    var v: Int { configuration.targetVocabularySize }

    // MARK: training

    /// Forward and backward of one batch: adds every parameter's gradient (zero them before,
    /// step the optimizer after) and returns the loss.
    ///
    /// - Parameters:
    ///   - criterion: the loss; its ignore index must be `<pad>` (0).
    ///   - teacherForcing: the probability that a decoder step reads the reference tokens
    ///     rather than its own previous predictions (argmax), drawn once per step for the batch.
    ///   - generator: draws dropout masks and the teacher-forcing coins.
    public func trainingStep(_ batch: TranslationBatch, criterion: SoftmaxCrossEntropy,
                             teacherForcing: Double = 1, generator: RandomGenerator) -> SoftmaxCrossEntropy.Result {
        precondition(criterion.ignoreIndex == Int32(Vocabulary.padID), "the translator's loss must ignore <pad>")
        let logits = forward(batch, training: true, teacherForcing: teacherForcing, generator: generator)
        let result = criterion.lossAndGradient(logits: logits, targets: batch.targetOutputs)
        backward(logitsGradient: logits)
        return result
    }

    /// The loss of a batch in evaluation mode (no dropout, reference tokens fed, no gradients).
    public func evaluate(_ batch: TranslationBatch, criterion: SoftmaxCrossEntropy) -> SoftmaxCrossEntropy.Result {
        let logits = forward(batch, training: false, teacherForcing: 1, generator: nil)
        return criterion.loss(logits: logits, targets: batch.targetOutputs)
    }

    /// Runs encoder and decoder; returns the logits `(T·B, V)` (owned by the output layer).
    func forward(_ batch: TranslationBatch, training: Bool, teacherForcing: Double,
                 generator rng: RandomGenerator?) -> Tensor {
        let c = configuration
        let s = batch.sourceSteps, t = batch.targetSteps, b = batch.batchSize, l = c.layers
        steps = t
        self.batch = b
        let dropping = training && c.dropout > 0
        dropoutActive = dropping
        precondition(!training || rng != nil, "training needs a random generator")

        // Encoder.
        let embedded = sourceEmbedding.forward(batch.sourceIDs, shape: [s, b])
        let encoderInput = sourceDropout.forward(embedded, training: training, generator: rng)
        let (memory, final) = encoder.forward(encoderInput, lengths: batch.sourceLengths, training: training,
                                              generator: rng)
        attention.setMemory(memory, lengths: batch.sourceLengths, maxSteps: t)

        // Bridge: (L·2, B, He) final states → (L, B, Hd) initial decoder states.
        let hInput = gatherDirections(final.hidden, into: bridgeInputs[0])
        let cInput = gatherDirections(final.cell!, into: bridgeInputs[1])
        let h0 = bridgeHidden.forward(hInput)
        Vector.map(h0.pointer, h0.pointer, count: h0.count) { Vector.tanh($0) }
        bridgeTanh = h0
        let c0 = bridgeCell.forward(cInput)
        decoder.begin(batchSize: b, maxSteps: t,
                      initialState: RecurrentState(hidden: h0.reshaped([l, b, hd]), cell: c0.reshaped([l, b, hd])),
                      training: training, generator: rng)

        // Decoder, step by step.
        targetTokens = batch.targetInputs
        let x = stepInput.tensor([b, e + hd])
        let z = combined.tensor([t, b, m + hd])
        let tilde = attentional.tensor([t, b, hd])
        let feed = fed.tensor([t, b, hd])
        let embeddingMask = dropping ? embeddingMasks.tensor([t, b, e]) : nil
        let outputMask = dropping ? outputMasks.tensor([t, b, hd]) : nil
        if let rng, let embeddingMask, let outputMask {
            Dropout.fillMask(embeddingMask, probability: c.dropout, generator: rng)
            Dropout.fillMask(outputMask, probability: c.dropout, generator: rng)
        }
        let table = targetEmbedding.weight.value.pointer
        let wo = combine.value.pointer
        for step in 0..<t {
            if step > 0 && teacherForcing < 1, let rng, Double(rng.nextUnitFloat()) >= teacherForcing {
                feedPredictions(step: step, from: feed.slice(step - 1))
            }
            // x = [dropout(E(y)); h̃_{t−1}]
            for row in 0..<b {
                let token = Int(targetTokens[step * b + row])
                let target = x.pointer + row * (e + hd)
                if let embeddingMask {
                    Vector.multiply(table + token * e, embeddingMask.pointer + (step * b + row) * e, into: target, count: e)
                } else {
                    target.update(from: table + token * e, count: e)
                }
                if step == 0 {
                    (target + e).update(repeating: 0, count: hd)
                } else {
                    (target + e).update(from: feed.pointer + ((step - 1) * b + row) * hd, count: hd)
                }
            }
            let h = decoder.forwardStep(input: x)
            let (context, _) = attention.forward(query: h, step: step)
            let zStep = z.pointer + step * b * (m + hd)
            for row in 0..<b {
                (zStep + row * (m + hd)).update(from: context.pointer + row * m, count: m)
                (zStep + row * (m + hd) + m).update(from: h.pointer + row * hd, count: hd)
            }
            let tildeStep = tilde.pointer + step * b * hd
            GEMM.multiply(transposeB: true, m: b, n: hd, k: m + hd, a: zStep, lda: m + hd, b: wo, ldb: m + hd,
                          c: tildeStep, ldc: hd)
            Vector.map(tildeStep, tildeStep, count: b * hd) { Vector.tanh($0) }
            if let outputMask {
                Vector.multiply(tildeStep, outputMask.pointer + step * b * hd, into: feed.pointer + step * b * hd, count: b * hd)
            } else {
                (feed.pointer + step * b * hd).update(from: tildeStep, count: b * hd)
            }
        }
        return outputLayer.forward(feed.reshaped([t * b, hd]))
    }

    /// Replaces the decoder's input tokens of `step` by the argmax predictions made from the
    /// previous step's attentional states `(B, Hd)`.
    func feedPredictions(step: Int, from previous: Tensor) {
        let b = batch
        let logits = stepLogits.tensor([b, v])
        outputLayer.forward(previous, into: logits)
        for row in 0..<b {
            let best = Softmax.topK(logits, row: row, k: 1).first?.index ?? Vocabulary.endID
            targetTokens[step * b + row] = Int32(best)
        }
    }

    /// `(L·2, B, He)` → `(L·B, 2·He)`: each layer's forward and backward final states side by side.
    func gatherDirections(_ state: Tensor, into space: Workspace) -> Tensor {
        let l = configuration.layers, he = configuration.encoderHiddenSize, b = state.shape[1]
        let result = space.tensor([l * b, 2 * he])
        for layer in 0..<l {
            for row in 0..<b {
                for direction in 0..<2 {
                    (result.pointer + (layer * b + row) * 2 * he + direction * he)
                        .update(from: state.pointer + ((layer * 2 + direction) * b + row) * he, count: he)
                }
            }
        }
        return result
    }

    /// The inverse of `gatherDirections`: `(L·B, 2·He)` → `(L·2, B, He)` (new tensor).
    func scatterDirections(_ rows: Tensor, batch b: Int) -> Tensor {
        let l = configuration.layers, he = configuration.encoderHiddenSize
        let result = Tensor(zeros: [l * 2, b, he])
        for layer in 0..<l {
            for row in 0..<b {
                for direction in 0..<2 {
                    (result.pointer + ((layer * 2 + direction) * b + row) * he)
                        .update(from: rows.pointer + (layer * b + row) * 2 * he + direction * he, count: he)
                }
            }
        }
        return result
    }

    /// Backward of the last `forward`, from ∂loss/∂logits `(T·B, V)`.
    func backward(logitsGradient: Tensor) {
        let c = configuration, t = steps, b = batch, l = c.layers
        let dropping = dropoutActive
        guard let dFeed = outputLayer.backward(outputGradient: logitsGradient) else { return }  // (T·B, Hd)
        let z = combined.tensor([t, b, m + hd])
        let tilde = attentional.tensor([t, b, hd])
        let outputMask = dropping ? outputMasks.tensor([t, b, hd]) : nil
        let embeddingMask = dropping ? embeddingMasks.tensor([t, b, e]) : nil
        let dPre = preActivationGradients.tensor([t, b, hd])
        let carried = carriedFeedGradient.zeros([b, hd])
        let dh = stepHiddenGradient.tensor([b, hd])
        let dContext = stepContextGradient.tensor([b, m])
        let dEmbedding = embeddingGradients.tensor([t, b, e])
        let wo = combine.value.pointer
        let one = Float8(repeating: 1)
        for step in (0..<t).reversed() {
            // ∂h̃ = (∂feed from the output layer + from the next step's input) ⊙ mask; through tanh.
            let dPreStep = dPre.pointer + step * b * hd
            let tildeStep = tilde.pointer + step * b * hd
            let dFeedStep = dFeed.pointer + step * b * hd
            let maskStep = outputMask.map { $0.pointer + step * b * hd }
            let carriedPointer = carried.pointer
            var i = 0
            let count = b * hd
            while i < count {
                let n = count - i
                var g = Vector.load(dFeedStep + i, count: n) + Vector.load(carriedPointer + i, count: n)
                if let maskStep { g *= Vector.load(maskStep + i, count: n) }
                let y = Vector.load(tildeStep + i, count: n)
                Vector.store(g * (one - y * y), dPreStep + i, count: n)
                i += 8
            }
            // ∂[context; h] = ∂pre · W_o, split by columns of W_o.
            GEMM.multiply(m: b, n: m, k: hd, a: dPreStep, lda: hd, b: wo, ldb: m + hd,
                          c: dContext.pointer, ldc: m)
            GEMM.multiply(m: b, n: hd, k: hd, a: dPreStep, lda: hd, b: wo + m, ldb: m + hd,
                          c: dh.pointer, ldc: hd)
            let dQuery = attention.backward(step: step, contextGradient: dContext)
            Vector.add(dQuery.pointer, into: dh.pointer, count: b * hd)
            let dx = decoder.backwardStep(outputGradient: dh)  // (B, E + Hd)
            for row in 0..<b {
                let source = dx.pointer + row * (e + hd)
                let target = dEmbedding.pointer + (step * b + row) * e
                if let embeddingMask {
                    Vector.multiply(source, embeddingMask.pointer + (step * b + row) * e, into: target, count: e)
                } else {
                    target.update(from: source, count: e)
                }
                (carriedPointer + row * hd).update(from: source + e, count: hd)
            }
        }
        // Weight gradients over all steps at once.
        GEMM.multiply(transposeA: true, m: hd, n: m + hd, k: t * b, a: dPre.pointer, lda: hd,
                      b: z.pointer, ldb: m + hd, beta: 1, c: combine.gradient.pointer, ldc: m + hd)
        let table = targetEmbedding.weight.gradient.pointer
        let pad = Int32(Vocabulary.padID)
        for (index, token) in targetTokens.enumerated() where token != pad {
            Vector.add(dEmbedding.pointer + index * e, into: table + Int(token) * e, count: e)
        }
        let dMemory = attention.finishBackward()

        // Bridge.
        let dInitial = decoder.finishBackward()
        let dBridge = bridgeGradient.tensor([l * b, hd])
        let h0 = bridgeTanh.pointer, dh0 = dInitial.hidden.pointer
        for index in 0..<dBridge.count {
            dBridge.pointer[index] = dh0[index] * (1 - h0[index] * h0[index])
        }
        let dHiddenRows = bridgeHidden.backward(outputGradient: dBridge)!
        let dFinalHidden = scatterDirections(dHiddenRows, batch: b)
        let dCellRows = bridgeCell.backward(outputGradient: dInitial.cell!.reshaped([l * b, hd]))!
        let dFinalCell = scatterDirections(dCellRows, batch: b)

        // Encoder.
        let (dEncoderInput, _) = encoder.backward(
            outputGradient: dMemory, finalStateGradient: RecurrentState(hidden: dFinalHidden, cell: dFinalCell))
        if let dEncoderInput {
            sourceEmbedding.backward(outputGradient: sourceDropout.backward(outputGradient: dEncoderInput))
        }
    }
}

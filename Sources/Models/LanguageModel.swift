import NN
import Support
import Tensor

/// What defines a language model's shape; stored in a run's `config.json`.
public struct LanguageModelConfiguration: Codable, Equatable, Sendable {
    /// Rows of the embedding and of the output layer (the vocabulary size, specials included).
    public var vocabularySize: Int
    /// Embedding dimensions (equal to `hiddenSize` when weights are tied).
    public var embeddingSize: Int
    /// Hidden units per recurrent layer.
    public var hiddenSize: Int
    /// Stacked recurrent layers.
    public var layers: Int
    /// LSTM, or the GRU / tanh-RNN baselines.
    public var cell: RecurrentCellKind
    /// Dropout probability on the embeddings, between layers and before the output layer
    /// (Zaremba et al. 2014 apply it at exactly these places).
    public var dropout: Float
    /// Share the embedding matrix with the output layer (Press & Wolf 2017; Inan et al. 2017).
    public var tieWeights: Bool
    /// In training, the share of each recurrent layer's hidden-to-hidden weights dropped for a
    /// whole batch (DropConnect, the weight drop of Merity et al.'s AWD-LSTM).
    public var weightDrop: Float
    /// In training, the share of word types whose embedding rows are dropped for a whole batch
    /// (every occurrence at once; see `Embedding.rowDropout`), before `dropout` on the embeddings.
    public var embeddingDropout: Float

    public init(vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, layers: Int,
                cell: RecurrentCellKind = .lstm, dropout: Float = 0, tieWeights: Bool = false, weightDrop: Float = 0,
                embeddingDropout: Float = 0) {
        self.vocabularySize = vocabularySize
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.cell = cell
        self.dropout = dropout
        self.tieWeights = tieWeights
        self.weightDrop = weightDrop
        self.embeddingDropout = embeddingDropout
    }

    enum CodingKeys: String, CodingKey {
        case vocabularySize, embeddingSize, hiddenSize, layers, cell, dropout, tieWeights, weightDrop, embeddingDropout
    }

    /// Reads a configuration; runs saved before weight drop or embedding dropout existed have no
    /// `weightDrop` or `embeddingDropout` (none).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(vocabularySize: try c.decode(Int.self, forKey: .vocabularySize),
                  embeddingSize: try c.decode(Int.self, forKey: .embeddingSize),
                  hiddenSize: try c.decode(Int.self, forKey: .hiddenSize),
                  layers: try c.decode(Int.self, forKey: .layers),
                  cell: try c.decode(RecurrentCellKind.self, forKey: .cell),
                  dropout: try c.decode(Float.self, forKey: .dropout),
                  tieWeights: try c.decode(Bool.self, forKey: .tieWeights),
                  weightDrop: try c.decodeIfPresent(Float.self, forKey: .weightDrop) ?? 0,
                  embeddingDropout: try c.decodeIfPresent(Float.self, forKey: .embeddingDropout) ?? 0)
    }

    /// The first problem that makes this configuration unbuildable, as a sentence; nil when fine.
    public var problem: String? {
        if let problem = recurrentModelProblem(vocabularySize: vocabularySize, embeddingSize: embeddingSize,
                                               hiddenSize: hiddenSize, layers: layers, dropout: dropout) {
            return problem
        }
        if tieWeights && embeddingSize != hiddenSize {
            return "tied weights need the embedding size (\(embeddingSize)) to equal the hidden size (\(hiddenSize))"
        }
        if !(weightDrop >= 0 && weightDrop < 1) { return "the weight drop must lie in [0, 1), not \(weightDrop)" }
        if !(embeddingDropout >= 0 && embeddingDropout < 1) {
            return "the embedding dropout must lie in [0, 1), not \(embeddingDropout)"
        }
        return MemoryBudget.useProblem(parameters: parameterCount)
    }

    /// The model's parameter count, worked out from the sizes alone (in `Double`: sizes read
    /// from a damaged file may be absurd), so a run folder can be checked before anything is
    /// allocated; tied weights count once.
    public var parameterCount: Double {
        let v = Double(vocabularySize), h = Double(hiddenSize)
        return v * Double(embeddingSize)
            + recurrentParameterCount(cell: cell, inputSize: embeddingSize, hiddenSize: hiddenSize, layers: layers)
            + (tieWeights ? 0 : v * h) + v
    }

    /// Multiply-adds per predicted token in a forward pass (embedding lookups excluded): the
    /// recurrent layers' input and hidden products plus the output layer.
    public var forwardMultiplyAddsPerToken: Double {
        let gates = Double(cell.gateCount * hiddenSize)
        var total = 0.0
        for layer in 0..<layers {
            let inputs = Double(layer == 0 ? embeddingSize : hiddenSize)
            total += gates * (inputs + Double(hiddenSize))
        }
        return total + Double(hiddenSize * vocabularySize)
    }
}

/// Weights and biases of a stack of `layers` recurrent layers (PyTorch's layout: both an input
/// and a hidden bias per gate), in `Double`.
func recurrentParameterCount(cell: RecurrentCellKind, inputSize: Int, hiddenSize: Int, layers: Int) -> Double {
    let gates = Double(cell.gateCount) * Double(hiddenSize)
    let h = Double(hiddenSize)
    // Closed form, not a loop: a damaged file may ask for 10¹⁸ layers.
    guard layers > 0 else { return 0 }
    return gates * (Double(inputSize) + h + 2) + Double(layers - 1) * gates * (2 * h + 2)
}

/// The first problem with the sizes every recurrent word model has, as a sentence; nil when fine.
func recurrentModelProblem(vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, layers: Int, dropout: Float) -> String? {
    if vocabularySize < 5 { return "the vocabulary has \(vocabularySize) entries; it needs the 4 specials and at least one word" }
    if embeddingSize < 1 { return "the embedding size must be at least 1, not \(embeddingSize)" }
    if hiddenSize < 1 { return "the hidden size must be at least 1, not \(hiddenSize)" }
    if layers < 1 { return "the model needs at least one layer, not \(layers)" }
    if !(dropout >= 0 && dropout < 1) { return "dropout must lie in [0, 1), not \(dropout)" }
    return nil
}

/// A word-level recurrent language model: Embedding → dropout → recurrent stack (dropout between
/// layers) → dropout → Linear → softmax, as in Zaremba et al. (2014) "Recurrent Neural Network
/// Regularization" and PyTorch's word_language_model example, whose parameter names it uses
/// (`encoder.weight`, `rnn.weight_ih_l0`, …, `decoder.weight`, `decoder.bias`), so a checkpoint
/// loads into that example's `RNNModel` with `load_state_dict`.
///
/// Dimension letters: T steps, B batch columns, E embedding, H hidden, V vocabulary, L layers.
public final class LanguageModel {
    public let configuration: LanguageModelConfiguration
    public let embedding: Embedding          // weight (V, E)
    public let rnn: RecurrentLayer
    public let decoder: Linear               // weight (V, H), bias (V)
    public let parameters: ParameterRegistry
    let inputDropout: Dropout
    let outputDropout: Dropout
    let criterion = SoftmaxCrossEntropy(reduction: .mean)

    // Inference (one step) buffers, sized on first use.
    let stepInputSpace = Workspace()          // (B, E)

    /// Builds a model with fresh weights.
    ///
    /// - Parameters:
    ///   - initRange: when given, every parameter is drawn from uniform(±initRange) (Zaremba's
    ///     initialisation); otherwise each layer keeps PyTorch's default initialisation.
    ///   - generator: draws the initial weights.
    public init(configuration c: LanguageModelConfiguration, initRange: Float? = nil, generator: RandomGenerator?) {
        precondition(c.problem == nil, c.problem ?? "")
        configuration = c
        // Without a generator the weights are about to be loaded: the large matrices stay zero
        // rather than draw millions of normals (most of a REPL's loading time otherwise).
        if let generator {
            embedding = Embedding(embeddingCount: c.vocabularySize, dimensions: c.embeddingSize, generator: generator)
        } else {
            embedding = Embedding(weight: Parameter(zeros: [c.vocabularySize, c.embeddingSize]))
        }
        rnn = RecurrentLayer(
            configuration: RecurrentConfiguration(cell: c.cell, inputSize: c.embeddingSize, hiddenSize: c.hiddenSize,
                                                  layers: c.layers, dropout: c.dropout),
            generator: generator ?? RandomGenerator(seed: 0))
        rnn.hiddenWeightDrop = c.weightDrop
        embedding.rowDropout = c.embeddingDropout
        if c.tieWeights {
            let bias = Parameter(zeros: [c.vocabularySize])
            decoder = Linear(weight: embedding.weight, bias: bias)
        } else if let generator {
            decoder = Linear(inputSize: c.hiddenSize, outputSize: c.vocabularySize, generator: generator)
        } else {
            decoder = Linear(weight: Parameter(zeros: [c.vocabularySize, c.hiddenSize]), bias: Parameter(zeros: [c.vocabularySize]))
        }
        inputDropout = Dropout(probability: c.dropout)
        outputDropout = Dropout(probability: c.dropout)
        var registry = ParameterRegistry()
        registry.add(embedding, prefix: "encoder")
        registry.add(rnn, prefix: "rnn")
        registry.add(decoder, prefix: "decoder")
        parameters = registry
        if let initRange, let generator {
            for entry in registry.unique {
                generator.fillUniform(entry.parameter.value, bound: initRange)
            }
        }
    }

    /// A zero state for `batchSize` columns.
    public func zeroState(batchSize: Int) -> RecurrentState {
        RecurrentState(zerosFor: rnn.configuration, batchSize: batchSize)
    }

    /// Logits `(T·B, V)` for `inputs` `(T, B)` still without the decoder's bias (the loss adds
    /// it: `decoder.bias`), owned by the decoder (overwritten by the next call), and the final
    /// state.
    func logits(inputs: [Int32], steps: Int, batch: Int, initialState: RecurrentState,
                training: Bool, generator: RandomGenerator?) -> (logits: Tensor, finalState: RecurrentState) {
        let x = embedding.forward(inputs, shape: [steps, batch], training: training, generator: generator)  // (T, B, E)
        let xd = inputDropout.forward(x, training: training, generator: generator)
        let (y, final) = rnn.forward(xd, initialState: initialState, training: training, generator: generator)
        let yd = outputDropout.forward(y.reshaped([steps * batch, configuration.hiddenSize]),
                                       training: training, generator: generator)   // (T·B, H)
        return (decoder.forward(yd, addingBias: false), final)
    }

    /// One truncated-BPTT step of training: forward over the chunk from `initialState`, mean
    /// cross-entropy against `targets`, backward into every parameter's gradient (added to what
    /// is there: zero them first). The returned final state is detached (new tensors).
    ///
    /// - Parameters:
    ///   - inputs, targets: `(T, B)` token ids, row-major.
    ///   - generator: draws dropout masks.
    /// - Returns: the summed loss over the T·B targets and their count.
    public func trainStep(inputs: [Int32], targets: [Int32], steps: Int, batch: Int,
                          initialState: RecurrentState, generator: RandomGenerator)
        -> (totalLoss: Double, count: Int, finalState: RecurrentState) {
        let (logits, final) = self.logits(inputs: inputs, steps: steps, batch: batch, initialState: initialState,
                                          training: true, generator: generator)
        let result = criterion.lossAndGradient(logits: logits, targets: targets, addingBias: decoder.bias?.value)   // logits ← ∂loss/∂logits
        guard let dy = decoder.backward(outputGradient: logits) else { preconditionFailure("decoder gave no input gradient") }
        let dyd = outputDropout.backward(outputGradient: dy)                         // (T·B, H)
        let (dx, _) = rnn.backward(outputGradient: dyd.reshaped([steps, batch, configuration.hiddenSize]))
        guard let dx else { preconditionFailure("recurrent layer gave no input gradient") }
        embedding.backward(outputGradient: inputDropout.backward(outputGradient: dx))
        return (result.totalLoss, result.count, final)
    }

    /// Forward only (no dropout): the summed loss of `targets` and the final state.
    public func evaluate(inputs: [Int32], targets: [Int32], steps: Int, batch: Int, initialState: RecurrentState)
        -> (totalLoss: Double, count: Int, finalState: RecurrentState) {
        let (logits, final) = self.logits(inputs: inputs, steps: steps, batch: batch, initialState: initialState,
                                          training: false, generator: nil)
        let result = criterion.loss(logits: logits, targets: targets, addingBias: decoder.bias?.value)
        return (result.totalLoss, result.count, final)
    }

    /// Per-position losses of the last `evaluate` call (−log p of each target, row-major
    /// `(T, B)`), for sentence scoring.
    public func lastPositionLosses(count: Int) -> ArraySlice<Double> {
        criterion.lastRowLosses(count: count)
    }

    /// Advances `state` by one token per column and writes the next-token logits: the cheap,
    /// cache-free inference path (REPL, generation).
    ///
    /// - Parameters:
    ///   - tokens: `B` token ids.
    ///   - state: `(L, B, H)`, updated in place.
    ///   - logits: `(B, V)`, caller-owned.
    public func step(tokens: [Int32], state: RecurrentState, logits: Tensor) {
        let b = tokens.count, e = configuration.embeddingSize, v = configuration.vocabularySize
        precondition(state.batchSize == b && logits.count == b * v, "step shapes: \(b) tokens, state \(state.hidden.shape), logits \(logits.shape)")
        let x = stepInputSpace.tensor([b, e])
        let w = embedding.weight.value.pointer
        for (row, token) in tokens.enumerated() {
            precondition(token >= 0 && Int(token) < v, "token id \(token) outside 0..<\(v)")
            (x.pointer + row * e).update(from: w + Int(token) * e, count: e)
        }
        rnn.step(input: x, state: state)
        let top = state.hidden.slice(configuration.layers - 1)                      // (B, H)
        decoder.forward(top, into: logits.reshaped([b, v]))
    }
}

import NN
import Support
import Tensor

/// Where a `SequenceRegressor`'s head reads the encoder.
public enum SequenceReadout: String, Codable, CaseIterable, Sendable {
    /// The top layer's final hidden state (both directions' when bidirectional): one prediction
    /// per sequence, as Keras' `LSTM(units)` followed by `Dense`.
    case lastState = "last"
    /// The top layer's output at every step: one prediction per step, as
    /// `LSTM(units, return_sequences=True)` followed by `Dense`.
    case everyStep = "every"
}

/// Shape of a `SequenceRegressor`.
public struct SequenceRegressorConfiguration: Codable, Equatable, Sendable {
    /// Recurrent cell of the encoder: LSTM as in the classic forecaster; GRU and tanh RNN work too.
    public var cell: RecurrentCellKind = .lstm
    /// Numeric features per time step (1 for a single series).
    public var inputSize: Int = 1
    /// Memory cells per layer and direction (the 128 of Keras' `LSTM(128)`).
    public var hiddenSize: Int = 128
    /// Stacked recurrent layers.
    public var layers: Int = 1
    /// Whether the encoder also reads right to left (a BiLSTM).
    public var bidirectional: Bool = false
    /// Dropout between recurrent layers, in training only.
    public var dropout: Float = 0
    /// Values predicted per readout position: the forecast horizon times the targets per step.
    public var outputSize: Int = 1
    /// Last state (one prediction per sequence) or every step (one per step).
    public var readout: SequenceReadout = .lastState

    public init(cell: RecurrentCellKind = .lstm, inputSize: Int = 1, hiddenSize: Int = 128, layers: Int = 1,
                bidirectional: Bool = false, dropout: Float = 0, outputSize: Int = 1,
                readout: SequenceReadout = .lastState) {
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.outputSize = outputSize
        self.readout = readout
    }

    /// The encoder's configuration.
    public var recurrent: RecurrentConfiguration {
        RecurrentConfiguration(cell: cell, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers,
                               dropout: dropout, bidirectional: bidirectional)
    }

    /// One sentence naming the first impossible field, or nil when every field is usable.
    public var problem: String? {
        if inputSize < 1 { return "the input size must be at least 1" }
        if hiddenSize < 1 { return "the hidden size must be at least 1" }
        if layers < 1 { return "there must be at least one layer" }
        if outputSize < 1 { return "the output size must be at least 1" }
        if !(dropout >= 0 && dropout < 1) { return "dropout must lie in [0, 1)" }
        return MemoryBudget.useProblem(parameters: parameterCount)
    }

    /// The model's parameter count, worked out from the sizes alone (in `Double`, so absurd
    /// sizes cannot overflow): the encoder's layers in each direction, then the head.
    public var parameterCount: Double {
        let directions = bidirectional ? 2.0 : 1.0
        let gates = Double(cell.gateCount) * Double(hiddenSize), h = Double(hiddenSize)
        // Closed form, not a loop: a damaged file may ask for 10¹⁸ layers.
        let first = directions * gates * (Double(inputSize) + h + 2)
        let later = directions * gates * (directions * h + h + 2)
        let encoder = layers > 0 ? first + Double(layers - 1) * later : 0
        return encoder + Double(outputSize) * (directions * h + 1)
    }
}

/// A recurrent encoder over numeric feature vectors followed by a linear head: the LSTM
/// forecaster (`LSTM(128)` over `(n, 1)` input, `Dense(1)`, MSE) and its generalisations —
/// any input width, several layers, bidirectional, H outputs, every-step readout.
///
/// Parameter names are those of the PyTorch module
/// `encoder = nn.LSTM(I, H, L, bidirectional=…)`, `head = nn.Linear(D·H, O)`, whose forward
/// is `head(torch.cat([h_n[-2], h_n[-1]], 1))` (bidirectional) or `head(h_n[-1])` for the last
/// state, `head(output)` for every step; checkpoints load into it with `load_state_dict`.
///
/// Dimension letters: T steps, B sequences, I input features, H hidden size, D directions,
/// L layers, O outputs.
public final class SequenceRegressor {
    public let configuration: SequenceRegressorConfiguration
    public let encoder: RecurrentLayer
    public let head: Linear
    /// `encoder.weight_ih_l0` … `head.weight`, `head.bias`.
    public let registry: ParameterRegistry

    // Forward cache for backward.
    var steps = 0
    var batch = 0
    let featureSpace = Workspace()  // (B, D·H): the last states, head input
    let stateGradientSpace = Workspace()  // (L·D, B, H)
    let outputGradientSpace = Workspace()  // (T, B, D·H): zeros for the last-state readout

    /// A model initialised as PyTorch initialises its modules (uniform ±1/√H and ±1/√(D·H)).
    public init(configuration: SequenceRegressorConfiguration, generator: RandomGenerator) {
        precondition(configuration.problem == nil, configuration.problem ?? "")
        self.configuration = configuration
        encoder = RecurrentLayer(configuration: configuration.recurrent, generator: generator)
        head = Linear(inputSize: configuration.recurrent.outputSize, outputSize: configuration.outputSize,
                      generator: generator)
        var registry = ParameterRegistry()
        registry.add(encoder, prefix: "encoder")
        registry.add(head, prefix: "head")
        self.registry = registry
    }

    /// Runs the model and caches what `backward` needs.
    ///
    /// - Parameters:
    ///   - input: `(T, B, I)`, time-major.
    ///   - lengths: `B` lengths in `1...T` for sequences shorter than T (padded at the end), or nil.
    ///   - training: enables dropout between recurrent layers (needs `generator`).
    /// - Returns: `(B, O)` for the last-state readout, `(T, B, O)` for every step; owned by the
    ///   model and overwritten by the next call. With lengths, every-step outputs at padded
    ///   positions are meaningless and their gradient must be zero.
    public func forward(_ input: Tensor, lengths: [Int]? = nil, training: Bool = false,
                        generator: RandomGenerator? = nil) -> Tensor {
        let (t, b) = (input.shape[0], input.shape[1])
        steps = t
        batch = b
        let (output, finalState) = encoder.forward(input, lengths: lengths, training: training, generator: generator)
        switch configuration.readout {
        case .everyStep:
            return head.forward(output)
        case .lastState:
            let d = encoder.configuration.directions, h = encoder.configuration.hiddenSize
            let top = (encoder.configuration.layers - 1) * d
            let features = featureSpace.tensor([b, d * h])
            for direction in 0..<d {
                let state = finalState.hidden.slice(top + direction)
                for row in 0..<b {
                    (features.pointer + row * d * h + direction * h).update(from: state.pointer + row * h, count: h)
                }
            }
            return head.forward(features)
        }
    }

    /// Backpropagates `∂loss/∂output` (the shape `forward` returned) and adds into every
    /// parameter's gradient.
    ///
    /// - Returns: `∂loss/∂input` `(T, B, I)` when `needsInputGradient`, else nil.
    @discardableResult
    public func backward(outputGradient: Tensor, needsInputGradient: Bool = false) -> Tensor? {
        guard let featureGradient = head.backward(outputGradient: outputGradient) else {
            preconditionFailure("Linear.backward returns the input gradient when asked for it")
        }
        let c = encoder.configuration
        let (t, b, d, h) = (steps, batch, c.directions, c.hiddenSize)
        switch configuration.readout {
        case .everyStep:
            return encoder.backward(outputGradient: featureGradient.reshaped([t, b, d * h]),
                                    needsInputGradient: needsInputGradient).inputGradient
        case .lastState:
            let stateGradient = stateGradientSpace.zeros([c.layers * d, b, h])
            let top = (c.layers - 1) * d
            for direction in 0..<d {
                let target = stateGradient.slice(top + direction)
                for row in 0..<b {
                    (target.pointer + row * h).update(from: featureGradient.pointer + row * d * h + direction * h, count: h)
                }
            }
            let zeros = outputGradientSpace.zeros([t, b, d * h])
            return encoder.backward(outputGradient: zeros,
                                    finalStateGradient: RecurrentState(hidden: stateGradient, cell: nil),
                                    needsInputGradient: needsInputGradient).inputGradient
        }
    }
}

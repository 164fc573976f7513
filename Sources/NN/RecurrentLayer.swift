import Tensor

/// Which recurrent cell a `RecurrentLayer` runs.
public enum RecurrentCellKind: String, Codable, CaseIterable, Sendable {
    /// Long short-term memory (Hochreiter and Schmidhuber, 1997), PyTorch's formulation.
    case lstm
    /// Gated recurrent unit (Cho et al., 2014), PyTorch's formulation.
    case gru
    /// Elman network with tanh.
    case rnn

    /// Gate blocks per layer: i, f, g, o / r, z, n / one.
    public var gateCount: Int {
        switch self {
        case .lstm: return 4
        case .gru: return 3
        case .rnn: return 1
        }
    }

    /// Whether the state has a cell part `c` besides `h`.
    public var hasCellState: Bool { self == .lstm }
}

/// Shape and behaviour of a recurrent layer stack.
public struct RecurrentConfiguration: Codable, Equatable, Sendable {
    /// The cell type.
    public var cell: RecurrentCellKind = .lstm
    /// Features per input time step.
    public var inputSize: Int
    /// Features of the state `h` (and `c`) per direction.
    public var hiddenSize: Int
    /// Stacked layers; layer k > 0 reads layer k − 1's output.
    public var layers: Int = 1
    /// Dropout probability on each layer's output except the last, in training (as PyTorch).
    public var dropout: Float = 0
    /// Whether each layer also runs right to left; the output is `[forward; backward]`.
    public var bidirectional: Bool = false
    /// Whether the layers have the biases `b_ih`, `b_hh`.
    public var bias: Bool = true

    public init(cell: RecurrentCellKind = .lstm, inputSize: Int, hiddenSize: Int, layers: Int = 1,
                dropout: Float = 0, bidirectional: Bool = false, bias: Bool = true) {
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.dropout = dropout
        self.bidirectional = bidirectional
        self.bias = bias
    }

    /// 2 when bidirectional, else 1.
    public var directions: Int { bidirectional ? 2 : 1 }
    /// Features per output time step: directions · hidden size.
    public var outputSize: Int { directions * hiddenSize }
}

/// The state of a recurrent stack, in PyTorch's layout: layer-major, then direction.
public struct RecurrentState {
    /// `(L·D, B, H)`: entry `l·D + d` is layer l, direction d (1 = reverse).
    public var hidden: Tensor
    /// `(L·D, B, H)` for an LSTM, nil otherwise.
    public var cell: Tensor?

    public init(hidden: Tensor, cell: Tensor?) {
        self.hidden = hidden
        self.cell = cell
    }

    /// A zero state for `configuration` and `batchSize` sequences.
    public init(zerosFor configuration: RecurrentConfiguration, batchSize: Int) {
        let shape = [configuration.layers * configuration.directions, batchSize, configuration.hiddenSize]
        hidden = Tensor(zeros: shape)
        cell = configuration.cell.hasCellState ? Tensor(zeros: shape) : nil
    }

    public var batchSize: Int { hidden.shape[1] }

    /// An independent copy: what truncated backpropagation carries into the next chunk
    /// ("detached": the values go on, the gradient path does not).
    public func copy() -> RecurrentState {
        RecurrentState(hidden: hidden.copy(), cell: cell?.copy())
    }

    /// Copies `other`'s values into this state's tensors (same shapes).
    public func assign(_ other: RecurrentState) {
        hidden.assign(other.hidden)
        if let cell, let otherCell = other.cell { cell.assign(otherCell) }
    }

    /// Writes into `destination` the state of the batch entries `indices` (destination entry i
    /// gets source entry `indices[i]`): how a beam search follows its back-pointers.
    public func gather(batchEntries indices: [Int], into destination: RecurrentState) {
        func gatherTensor(_ source: Tensor, _ target: Tensor) {
            let slots = source.shape[0], b = source.shape[1], h = source.shape[2]
            precondition(target.shape == [slots, indices.count, h], "gather into \(target.shape)")
            for slot in 0..<slots {
                for (i, index) in indices.enumerated() {
                    precondition(index >= 0 && index < b, "batch entry \(index) outside 0..<\(b)")
                    (target.pointer + (slot * indices.count + i) * h)
                        .update(from: source.pointer + (slot * b + index) * h, count: h)
                }
            }
        }
        gatherTensor(hidden, destination.hidden)
        if let cell, let destinationCell = destination.cell { gatherTensor(cell, destinationCell) }
    }
}

/// The weights of one layer and direction, PyTorch's names and shapes (G gates).
public struct RecurrentCellWeights {
    /// `weight_ih_l{k}`: `(G·H, inputs of layer k)`.
    public let inputWeight: Parameter
    /// `weight_hh_l{k}`: `(G·H, H)`.
    public let hiddenWeight: Parameter
    /// `bias_ih_l{k}`: `(G·H)`.
    public let inputBias: Parameter?
    /// `bias_hh_l{k}`: `(G·H)`.
    public let hiddenBias: Parameter?
}

/// A stack of recurrent layers (LSTM, GRU or tanh RNN), optionally bidirectional, over
/// time-major input, with hand-written backpropagation through time.
///
/// Dimension letters: T time steps, B batch, I input features, H hidden size, D directions,
/// L layers, G gates per cell.
///
/// Contract:
/// - `forward` caches what `backward` needs in the layer; `backward` must follow the matching
///   `forward` before the next one, and the input tensor must not change in between. Tensors
///   returned (outputs, input gradients) belong to the layer and are overwritten by the next
///   call: copy what must outlive it.
/// - `backward` *adds* into the parameters' gradients (zero them separately).
/// - Sequences of different lengths: row b is active while t < lengths[b]. Padded positions
///   give zero output and change neither the state nor any gradient; the reverse direction
///   starts at each sequence's own last token and the final state of row b is taken at its own
///   end — PyTorch's packed-sequence semantics.
/// - Truncated BPTT: pass the previous chunk's final state (copied) as `initialState`; backward
///   returns the gradient with respect to it.
/// - Weight drop (`hiddenWeightDrop`, DropConnect on `weight_hh` as in Merity et al.'s
///   AWD-LSTM): in training, each `forward` draws one mask per layer-direction over the
///   hidden-to-hidden matrix, and every step of that pass uses `W_hh ⊙ mask`, mask entries 0 or 1/(1 − p);
///   `backward` passes the gradient through the same mask. Step-by-step passes do not take it.
public class RecurrentLayer: Layer {
    public let configuration: RecurrentConfiguration
    /// Index `l·D + d`.
    public let weights: [RecurrentCellWeights]
    /// Share of `weight_hh` entries dropped in each training `forward`, in [0, 1); 0 for none.
    public var hiddenWeightDrop: Float = 0 {
        didSet { precondition(hiddenWeightDrop >= 0 && hiddenWeightDrop < 1, "weight drop \(hiddenWeightDrop) outside [0, 1)") }
    }

    // Per layer-direction buffers, index l·D + d.
    let buffers: [DirectionBuffers]
    // Per layer.
    let outputSpaces: [Workspace]
    let maskSpaces: [Workspace]
    let droppedSpaces: [Workspace]
    let inputGradientSpace = Workspace()
    let hiddenGradientSpaces = [Workspace(), Workspace()]
    let stepGates = Workspace()
    let stepHidden = Workspace()
    let stepAuxiliary = Workspace()
    // Weight drop, per layer-direction: the mask (G·H, H) and W_hh ⊙ mask of this pass.
    let weightMaskSpaces: [Workspace]
    let droppedWeightSpaces: [Workspace]
    let weightGradientSpace = Workspace()  // (G·H, H): a direction's gradient before the mask

    // Forward cache.
    var steps = 0
    var batch = 0
    var lengths: [Int32]?
    var dropoutActive = false
    var weightDropActive = false
    var layerInputs: [Tensor] = []  // (T, B, I or D·H) per layer
    var masks: [Tensor] = []  // (T, B, D·H) per layer but the last
    // Step-by-step training pass (RecurrentLayer+Steps.swift).
    var stepping: SteppingState?

    /// A stack initialised as PyTorch does: every weight and bias uniform in ±1/√H.
    public init(configuration: RecurrentConfiguration, generator: RandomGenerator) {
        let c = configuration
        precondition(c.inputSize > 0 && c.hiddenSize > 0 && c.layers > 0, "recurrent sizes must be positive")
        precondition(c.dropout >= 0 && c.dropout < 1, "dropout \(c.dropout) outside [0, 1)")
        self.configuration = c
        let bound = 1 / Float(c.hiddenSize).squareRoot()
        let gh = c.cell.gateCount * c.hiddenSize
        var weights: [RecurrentCellWeights] = []
        var buffers: [DirectionBuffers] = []
        func uniform(_ shape: [Int]) -> Parameter {
            let t = Tensor(zeros: shape)
            generator.fillUniform(t, bound: bound)
            return Parameter(t)
        }
        for layer in 0..<c.layers {
            let inputs = layer == 0 ? c.inputSize : c.outputSize
            for _ in 0..<c.directions {
                // PyTorch's registration order: weight_ih, weight_hh, bias_ih, bias_hh.
                let wih = uniform([gh, inputs])
                let whh = uniform([gh, c.hiddenSize])
                let bih = c.bias ? uniform([gh]) : nil
                let bhh = c.bias ? uniform([gh]) : nil
                weights.append(RecurrentCellWeights(inputWeight: wih, hiddenWeight: whh, inputBias: bih, hiddenBias: bhh))
                buffers.append(DirectionBuffers())
            }
        }
        self.weights = weights
        self.buffers = buffers
        outputSpaces = (0..<c.layers).map { _ in Workspace() }
        maskSpaces = (0..<c.layers).map { _ in Workspace() }
        droppedSpaces = (0..<c.layers).map { _ in Workspace() }
        weightMaskSpaces = weights.map { _ in Workspace() }
        droppedWeightSpaces = weights.map { _ in Workspace() }
    }

    /// The hidden-to-hidden matrix the current pass uses for `slot`: `W_hh`, or `W_hh ⊙ mask`
    /// while weight drop is active.
    func effectiveHiddenWeight(_ slot: Int) -> UnsafeMutablePointer<Float> {
        let w = weights[slot].hiddenWeight.value
        return weightDropActive ? droppedWeightSpaces[slot].tensor(w.shape).pointer : w.pointer
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        var list: [(name: String, parameter: Parameter)] = []
        for layer in 0..<configuration.layers {
            for direction in 0..<configuration.directions {
                let suffix = "l\(layer)" + (direction == 1 ? "_reverse" : "")
                let w = weights[layer * configuration.directions + direction]
                list.append(("weight_ih_\(suffix)", w.inputWeight))
                list.append(("weight_hh_\(suffix)", w.hiddenWeight))
                if let b = w.inputBias { list.append(("bias_ih_\(suffix)", b)) }
                if let b = w.hiddenBias { list.append(("bias_hh_\(suffix)", b)) }
            }
        }
        return list
    }

    // MARK: forward

    /// Runs the stack over a whole sequence batch.
    ///
    /// - Parameters:
    ///   - input: `(T, B, I)`.
    ///   - lengths: `B` lengths in `0...T`, or nil when every sequence has T steps.
    ///   - initialState: `(L·D, B, H)` each, or nil for zeros.
    ///   - training: enables dropout between layers and weight drop (need `generator`).
    /// - Returns: the output `(T, B, D·H)` (owned by the layer) and the final state (new tensors).
    public func forward(_ input: Tensor, lengths: [Int]? = nil, initialState: RecurrentState? = nil,
                        training: Bool = false, generator: RandomGenerator? = nil)
        -> (output: Tensor, finalState: RecurrentState) {
        let c = configuration
        precondition(input.rank == 3 && input.shape[2] == c.inputSize,
                     "recurrent input must be (T, B, \(c.inputSize)), got \(input.shape)")
        let t = input.shape[0], b = input.shape[1], d = c.directions, h = c.hiddenSize
        precondition(t > 0 && b > 0, "recurrent input needs at least one step and one sequence, got \(input.shape)")
        steps = t
        batch = b
        self.lengths = nil
        if let lengths {
            precondition(lengths.count == b, "\(lengths.count) lengths for a batch of \(b)")
            precondition(lengths.allSatisfy { $0 >= 0 && $0 <= t }, "lengths must lie in 0...\(t)")
            if lengths.contains(where: { $0 != t }) {
                self.lengths = lengths.map { Int32($0) }
            }
        }
        let stateShape = [c.layers * d, b, h]
        if let initialState {
            precondition(initialState.hidden.shape == stateShape && (initialState.cell?.shape == stateShape) == c.cell.hasCellState,
                         "initial state must be \(stateShape)")
        }
        dropoutActive = training && c.dropout > 0 && c.layers > 1
        precondition(!dropoutActive || generator != nil, "recurrent dropout in training needs a generator")
        weightDropActive = training && hiddenWeightDrop > 0
        if weightDropActive {
            guard let generator else { preconditionFailure("weight drop in training needs a generator") }
            for (slot, w) in weights.enumerated() {
                let weight = w.hiddenWeight.value
                let mask = weightMaskSpaces[slot].tensor(weight.shape)
                Dropout.fillMask(mask, probability: hiddenWeightDrop, generator: generator)
                Vector.multiply(weight.pointer, mask.pointer, into: droppedWeightSpaces[slot].tensor(weight.shape).pointer,
                                count: weight.count)
            }
        }
        let finalState = RecurrentState(zerosFor: c, batchSize: b)
        layerInputs = []
        masks = []
        var layerInput = input
        for layer in 0..<c.layers {
            layerInputs.append(layerInput)
            let output = outputSpaces[layer].tensor([t, b, d * h])
            for direction in 0..<d {
                let slot = layer * d + direction
                forwardDirection(slot: slot, reverse: direction == 1, input: layerInput,
                                 output: output.pointer + direction * h, outputStride: d * h,
                                 initialHidden: initialState.map { $0.hidden.pointer + slot * b * h },
                                 initialCell: initialState?.cell.map { $0.pointer + slot * b * h },
                                 finalHidden: finalState.hidden.pointer + slot * b * h,
                                 finalCell: finalState.cell.map { $0.pointer + slot * b * h })
            }
            layerInput = output
            if layer < c.layers - 1 && dropoutActive, let generator {
                let mask = maskSpaces[layer].tensor(output.shape)
                Dropout.fillMask(mask, probability: c.dropout, generator: generator)
                let dropped = droppedSpaces[layer].tensor(output.shape)
                Vector.multiply(output.pointer, mask.pointer, into: dropped.pointer, count: output.count)
                masks.append(mask)
                layerInput = dropped
            }
        }
        return (outputSpaces[c.layers - 1].tensor([t, b, d * h]), finalState)
    }

    func forwardDirection(slot: Int, reverse: Bool, input: Tensor,
                          output: UnsafeMutablePointer<Float>, outputStride: Int,
                          initialHidden: UnsafeMutablePointer<Float>?, initialCell: UnsafeMutablePointer<Float>?,
                          finalHidden: UnsafeMutablePointer<Float>, finalCell: UnsafeMutablePointer<Float>?) {
        let kind = configuration.cell
        let t = steps, b = batch, h = configuration.hiddenSize, gh = kind.gateCount * h
        let inputs = input.shape[2]
        let w = weights[slot], buf = buffers[slot]

        // Input projection of all steps in one GEMM, on top of the biases.
        let gates = buf.gates.tensor([t, b, gh])
        let hasBias = fillBias(gates.pointer, rows: t * b, weights: w, kind: kind, width: gh)
        GEMM.multiply(transposeB: true, m: t * b, n: gh, k: inputs,
                      a: input.pointer, lda: inputs, b: w.inputWeight.value.pointer, ldb: inputs,
                      beta: hasBias ? 1 : 0, c: gates.pointer, ldc: gh)

        let hs = buf.hidden.tensor([t + 1, b, h]).pointer
        let cs = kind.hasCellState ? buf.cell.tensor([t + 1, b, h]).pointer : nil
        let aux = kind == .rnn ? nil : buf.auxiliary.tensor([t, b, h]).pointer
        let projection = kind == .gru ? buf.stepProjection.tensor([b, gh]).pointer : nil
        let start = reverse ? t : 0
        copyOrZero(initialHidden, into: hs + start * b * h, count: b * h)
        if let cs { copyOrZero(initialCell, into: cs + start * b * h, count: b * h) }

        let whh = effectiveHiddenWeight(slot)
        var step = RecurrentKernels.Step(
            batch: b, hidden: h, gates: gates.pointer, hiddenProjection: projection,
            hiddenBias: kind == .gru ? w.hiddenBias.map { UnsafePointer($0.value.pointer) } : nil,
            previousHidden: hs, currentHidden: hs, previousCell: cs, currentCell: cs,
            auxiliary: aux, output: output, outputStride: outputStride, lengths: nil, time: 0)
        withLengths { lengthPointer in
            step.lengths = lengthPointer
            for s in 0..<t {
                let time = reverse ? t - 1 - s : s
                let previous = reverse ? time + 1 : time, current = reverse ? time : time + 1
                step.time = time
                step.gates = gates.pointer + time * b * gh
                step.previousHidden = hs + previous * b * h
                step.currentHidden = hs + current * b * h
                if let cs {
                    step.previousCell = cs + previous * b * h
                    step.currentCell = cs + current * b * h
                }
                step.auxiliary = aux.map { $0 + time * b * h }
                step.output = output + time * b * outputStride
                if let projection {
                    GEMM.multiply(transposeB: true, m: b, n: gh, k: h, a: step.previousHidden, lda: h,
                                  b: whh, ldb: h, beta: 0, c: projection, ldc: gh)
                } else {
                    GEMM.multiply(transposeB: true, m: b, n: gh, k: h, a: step.previousHidden, lda: h,
                                  b: whh, ldb: h, beta: 1, c: step.gates, ldc: gh)
                }
                Threads.parallelFor(b, minimumPerThread: rowsPerThread) { rows in
                    RecurrentLayer.runForwardKernel(kind, step, rows: rows)
                }
            }
        }
        let end = reverse ? 0 : t
        finalHidden.update(from: hs + end * b * h, count: b * h)
        if let cs, let finalCell { finalCell.update(from: cs + end * b * h, count: b * h) }
    }

    /// Batch rows per thread below which a step's elementwise kernel stays on one thread: about
    /// 2k elements, a few microseconds of work, several times the cost of waking the pool.
    var rowsPerThread: Int { max(1, 2048 / configuration.hiddenSize) }

    static func runForwardKernel(_ kind: RecurrentCellKind, _ step: RecurrentKernels.Step, rows: Range<Int>) {
        switch kind {
        case .lstm: RecurrentKernels.lstmForward(step, rows: rows)
        case .gru: RecurrentKernels.gruForward(step, rows: rows)
        case .rnn: RecurrentKernels.rnnForward(step, rows: rows)
        }
    }

    static func runBackwardKernel(_ kind: RecurrentCellKind, _ step: RecurrentKernels.Step,
                                  _ gradient: RecurrentKernels.StepGradient, rows: Range<Int>) {
        switch kind {
        case .lstm: RecurrentKernels.lstmBackward(step, gradient, rows: rows)
        case .gru: RecurrentKernels.gruBackward(step, gradient, rows: rows)
        case .rnn: RecurrentKernels.rnnBackward(step, gradient, rows: rows)
        }
    }

    /// Fills `rows` rows with the biases that precede the input GEMM: `b_ih + b_hh` for LSTM
    /// and RNN; `b_ih` alone for a GRU, whose `b_hh` sits inside `r ⊙ (…)`. Returns whether
    /// there was any bias.
    func fillBias(_ gates: UnsafeMutablePointer<Float>, rows: Int, weights w: RecurrentCellWeights,
                  kind: RecurrentCellKind, width: Int) -> Bool {
        guard let bih = w.inputBias, rows > 0 else { return false }
        let row0 = gates
        row0.update(from: bih.value.pointer, count: width)
        if kind != .gru, let bhh = w.hiddenBias {
            Vector.add(bhh.value.pointer, into: row0, count: width)
        }
        if rows > 1 {
            Vector.broadcastRow(row0, columns: width, rows: rows - 1, into: gates + width)
        }
        return true
    }

    /// Runs `body` with a pointer to the cached lengths (nil when all sequences are full).
    func withLengths(_ body: (UnsafePointer<Int32>?) -> Void) {
        if let lengths {
            lengths.withUnsafeBufferPointer { body($0.baseAddress) }
        } else {
            body(nil)
        }
    }

    func copyOrZero(_ source: UnsafeMutablePointer<Float>?, into target: UnsafeMutablePointer<Float>, count: Int) {
        if let source {
            target.update(from: source, count: count)
        } else {
            target.update(repeating: 0, count: count)
        }
    }

    // MARK: backward

    /// Backpropagation through time for the last `forward`.
    ///
    /// - Parameters:
    ///   - outputGradient: `(T, B, D·H)`; values at padded positions are ignored.
    ///   - finalStateGradient: gradient with respect to the returned final state, or nil (zero:
    ///     the state was carried on detached).
    ///   - needsInputGradient: false skips the input-gradient GEMM of the first layer.
    /// - Returns: the input gradient `(T, B, I)` (owned by the layer; nil when not requested) and
    ///   the gradient with respect to the initial state (new tensors).
    @discardableResult
    public func backward(outputGradient: Tensor, finalStateGradient: RecurrentState? = nil,
                         needsInputGradient: Bool = true)
        -> (inputGradient: Tensor?, initialStateGradient: RecurrentState) {
        let c = configuration
        let t = steps, b = batch, d = c.directions, h = c.hiddenSize
        precondition(layerInputs.count == c.layers, "RecurrentLayer.backward without forward")
        precondition(outputGradient.shape == [t, b, d * h], "output gradient must be \([t, b, d * h]), got \(outputGradient.shape)")
        let initialGradient = RecurrentState(zerosFor: c, batchSize: b)
        var upstream = outputGradient
        var inputGradient: Tensor?
        for layer in (0..<c.layers).reversed() {
            let input = layerInputs[layer]
            let needsDX = layer > 0 || needsInputGradient
            let dx = layer == 0
                ? inputGradientSpace.tensor(input.shape)
                : hiddenGradientSpaces[layer % 2].tensor(input.shape)
            for direction in 0..<d {
                let slot = layer * d + direction
                backwardDirection(
                    slot: slot, reverse: direction == 1, input: input,
                    outputGradient: upstream.pointer + direction * h, outputStride: d * h,
                    finalHidden: finalStateGradient.map { UnsafePointer($0.hidden.pointer + slot * b * h) },
                    finalCell: finalStateGradient?.cell.map { UnsafePointer($0.pointer + slot * b * h) },
                    initialHidden: initialGradient.hidden.pointer + slot * b * h,
                    initialCell: initialGradient.cell.map { $0.pointer + slot * b * h },
                    inputGradient: needsDX ? dx.pointer : nil, accumulate: direction > 0)
            }
            if layer > 0 {
                if dropoutActive {
                    Vector.multiply(dx.pointer, masks[layer - 1].pointer, into: dx.pointer, count: dx.count)
                }
                upstream = dx
            } else if needsInputGradient {
                inputGradient = dx
            }
        }
        return (inputGradient, initialGradient)
    }

    func backwardDirection(slot: Int, reverse: Bool, input: Tensor,
                           outputGradient: UnsafePointer<Float>, outputStride: Int,
                           finalHidden: UnsafePointer<Float>?, finalCell: UnsafePointer<Float>?,
                           initialHidden: UnsafeMutablePointer<Float>, initialCell: UnsafeMutablePointer<Float>?,
                           inputGradient: UnsafeMutablePointer<Float>?, accumulate: Bool) {
        let kind = configuration.cell
        let t = steps, b = batch, h = configuration.hiddenSize, gh = kind.gateCount * h
        let inputs = input.shape[2]
        let w = weights[slot], buf = buffers[slot]
        let gates = buf.gates.tensor([t, b, gh]).pointer
        let hs = buf.hidden.tensor([t + 1, b, h]).pointer
        let cs = kind.hasCellState ? buf.cell.tensor([t + 1, b, h]).pointer : nil
        let aux = kind == .rnn ? nil : buf.auxiliary.tensor([t, b, h]).pointer
        let dGx = buf.inputGateGradient.tensor([t, b, gh]).pointer
        let dGh = kind == .gru ? buf.hiddenGateGradient.tensor([t, b, gh]).pointer : dGx
        var dhIn = buf.hiddenGradientA.tensor([b, h]).pointer
        var dhOut = buf.hiddenGradientB.tensor([b, h]).pointer
        let dc = kind.hasCellState ? buf.cellGradient.tensor([b, h]).pointer : nil
        copyOrZero(finalHidden.map { UnsafeMutablePointer(mutating: $0) }, into: dhIn, count: b * h)
        if let dc { copyOrZero(finalCell.map { UnsafeMutablePointer(mutating: $0) }, into: dc, count: b * h) }

        let whh = effectiveHiddenWeight(slot)
        var step = RecurrentKernels.Step(
            batch: b, hidden: h, gates: gates, hiddenProjection: nil, hiddenBias: nil,
            previousHidden: hs, currentHidden: hs, previousCell: cs, currentCell: cs,
            auxiliary: aux, output: nil, outputStride: 0, lengths: nil, time: 0)
        var gradient = RecurrentKernels.StepGradient(
            hiddenIn: dhIn, hiddenOut: dhOut, cell: dc, output: nil, outputStride: outputStride,
            inputGates: dGx, hiddenGates: kind == .gru ? dGh : nil)
        withLengths { lengthPointer in
            step.lengths = lengthPointer
            for s in 0..<t {
                let time = reverse ? s : t - 1 - s
                let previous = reverse ? time + 1 : time, current = reverse ? time : time + 1
                step.time = time
                step.gates = gates + time * b * gh
                step.previousHidden = hs + previous * b * h
                step.currentHidden = hs + current * b * h
                if let cs {
                    step.previousCell = cs + previous * b * h
                    step.currentCell = cs + current * b * h
                }
                step.auxiliary = aux.map { $0 + time * b * h }
                gradient.hiddenIn = dhIn
                gradient.hiddenOut = dhOut
                gradient.output = outputGradient + time * b * outputStride
                gradient.inputGates = dGx + time * b * gh
                if kind == .gru { gradient.hiddenGates = dGh + time * b * gh }
                Threads.parallelFor(b, minimumPerThread: rowsPerThread) { rows in
                    RecurrentLayer.runBackwardKernel(kind, step, gradient, rows: rows)
                }
                GEMM.multiply(m: b, n: h, k: gh, a: dGh + time * b * gh, lda: gh, b: whh, ldb: h,
                              beta: 1, c: dhOut, ldc: h)
                swap(&dhIn, &dhOut)
            }
        }
        initialHidden.update(from: dhIn, count: b * h)
        if let dc, let initialCell { initialCell.update(from: dc, count: b * h) }

        // Weight gradients of all steps at once: the previous hidden states of the steps lie
        // contiguously (rows 0..<T forward, 1...T in reverse). Under weight drop that is the
        // gradient of W_hh ⊙ mask, which reaches W_hh through the mask.
        let previousStates = hs + (reverse ? b * h : 0)
        if weightDropActive {
            let dW = weightGradientSpace.tensor([gh, h])
            GEMM.multiply(transposeA: true, m: gh, n: h, k: t * b, a: dGh, lda: gh, b: previousStates, ldb: h,
                          beta: 0, c: dW.pointer, ldc: h)
            Vector.multiply(dW.pointer, weightMaskSpaces[slot].tensor([gh, h]).pointer, into: dW.pointer, count: dW.count)
            Vector.add(dW.pointer, into: w.hiddenWeight.gradient.pointer, count: dW.count)
        } else {
            GEMM.multiply(transposeA: true, m: gh, n: h, k: t * b, a: dGh, lda: gh, b: previousStates, ldb: h,
                          beta: 1, c: w.hiddenWeight.gradient.pointer, ldc: h)
        }
        GEMM.multiply(transposeA: true, m: gh, n: inputs, k: t * b, a: dGx, lda: gh, b: input.pointer, ldb: inputs,
                      beta: 1, c: w.inputWeight.gradient.pointer, ldc: inputs)
        if let bih = w.inputBias {
            Vector.addRowsInParallel(dGx, rows: t * b, columns: gh, stride: gh, into: bih.gradient.pointer)
        }
        if let bhh = w.hiddenBias {
            Vector.addRowsInParallel(dGh, rows: t * b, columns: gh, stride: gh, into: bhh.gradient.pointer)
        }
        if let inputGradient {
            GEMM.multiply(m: t * b, n: inputs, k: gh, a: dGx, lda: gh, b: w.inputWeight.value.pointer, ldb: inputs,
                          beta: accumulate ? 1 : 0, c: inputGradient, ldc: inputs)
        }
    }

    // MARK: inference

    /// One time step for inference, updating `state` in place; nothing is cached and nothing
    /// allocated once the step buffers exist for this batch size.
    ///
    /// The output of the step is the top layer's new hidden state,
    /// `state.hidden.slice(L − 1)` `(B, H)`: take that view once, it stays current.
    ///
    /// - Parameters:
    ///   - input: `(B, I)`.
    ///   - state: `(L, B, H)` each; unidirectional stacks only.
    public func step(input: Tensor, state: RecurrentState) {
        let c = configuration, kind = c.cell
        precondition(!c.bidirectional, "step(input:state:) runs unidirectional stacks only")
        let b = state.batchSize, h = c.hiddenSize, gh = kind.gateCount * h
        precondition(input.count == b * c.inputSize, "step input must be (\(b), \(c.inputSize)), got \(input.shape)")
        precondition(state.hidden.shape == [c.layers, b, h], "step state must be \([c.layers, b, h])")
        let gates = stepGates.tensor([b, gh]).pointer
        let projection = kind == .gru ? stepHidden.tensor([b, gh]).pointer : nil
        let aux = stepAuxiliary.tensor([b, h]).pointer
        for layer in 0..<c.layers {
            let hidden = state.hidden.pointer + layer * b * h
            let cell = state.cell.map { $0.pointer + layer * b * h }
            // In place: each kernel reads a lane block of h and c before writing the same block.
            computeStep(layer: layer, batch: b,
                        input: layer == 0 ? input.pointer : state.hidden.pointer + (layer - 1) * b * h,
                        inputSize: layer == 0 ? c.inputSize : h, gates: gates, projection: projection,
                        previousHidden: hidden, currentHidden: hidden, previousCell: cell, currentCell: cell,
                        auxiliary: aux, time: 0)
        }
    }

    /// One time step of layer `layer` computed from its input alone (no precomputed input
    /// projection): gates = biases + x·W_ihᵀ + h·W_hhᵀ, then the cell kernel.
    func computeStep(layer: Int, batch b: Int, input x: UnsafePointer<Float>, inputSize: Int,
                     gates: UnsafeMutablePointer<Float>, projection: UnsafeMutablePointer<Float>?,
                     previousHidden: UnsafeMutablePointer<Float>, currentHidden: UnsafeMutablePointer<Float>,
                     previousCell: UnsafeMutablePointer<Float>?, currentCell: UnsafeMutablePointer<Float>?,
                     auxiliary: UnsafeMutablePointer<Float>?, time: Int) {
        let kind = configuration.cell, h = configuration.hiddenSize, gh = kind.gateCount * h
        let w = weights[layer]
        let hasBias = fillBias(gates, rows: b, weights: w, kind: kind, width: gh)
        GEMM.multiply(transposeB: true, m: b, n: gh, k: inputSize, a: x, lda: inputSize,
                      b: w.inputWeight.value.pointer, ldb: inputSize, beta: hasBias ? 1 : 0, c: gates, ldc: gh)
        if let projection {
            GEMM.multiply(transposeB: true, m: b, n: gh, k: h, a: previousHidden, lda: h,
                          b: w.hiddenWeight.value.pointer, ldb: h, beta: 0, c: projection, ldc: gh)
        } else {
            GEMM.multiply(transposeB: true, m: b, n: gh, k: h, a: previousHidden, lda: h,
                          b: w.hiddenWeight.value.pointer, ldb: h, beta: 1, c: gates, ldc: gh)
        }
        let step = RecurrentKernels.Step(
            batch: b, hidden: h, gates: gates, hiddenProjection: projection,
            hiddenBias: kind == .gru ? w.hiddenBias.map { UnsafePointer($0.value.pointer) } : nil,
            previousHidden: previousHidden, currentHidden: currentHidden, previousCell: previousCell,
            currentCell: currentCell, auxiliary: auxiliary, output: nil, outputStride: 0, lengths: nil, time: time)
        Threads.parallelFor(b, minimumPerThread: rowsPerThread) { rows in
            RecurrentLayer.runForwardKernel(kind, step, rows: rows)
        }
    }
}

/// Scratch and cache buffers of one layer-direction.
final class DirectionBuffers {
    let gates = Workspace()  // (T, B, G·H): pre-activations, then activations
    let hidden = Workspace()  // (T+1, B, H): h0 and the state after each step
    let cell = Workspace()  // (T+1, B, H), LSTM
    let auxiliary = Workspace()  // (T, B, H): LSTM tanh(c_t), GRU W_hn h + b_hn
    let stepProjection = Workspace()  // (B, G·H), GRU: W_hh h of the current step
    let inputGateGradient = Workspace()  // (T, B, G·H)
    let hiddenGateGradient = Workspace()  // (T, B, G·H), GRU
    let hiddenGradientA = Workspace()  // (B, H)
    let hiddenGradientB = Workspace()  // (B, H)
    let cellGradient = Workspace()  // (B, H)
    let stepInputs = Workspace()  // (T, B, inputs): each step's input, kept for the weight gradient
    let stepMask = Workspace()  // (T, B, H): dropout on this layer's output, step by step
    let stepInputGradient = Workspace()  // (B, inputs)
}

/// A stack of LSTM layers (`torch.nn.LSTM`).
public final class LSTM: RecurrentLayer {
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, dropout: Float = 0,
                bidirectional: Bool = false, bias: Bool = true, generator: RandomGenerator) {
        super.init(configuration: RecurrentConfiguration(
            cell: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers,
            dropout: dropout, bidirectional: bidirectional, bias: bias), generator: generator)
    }
}

/// A stack of GRU layers (`torch.nn.GRU`).
public final class GRU: RecurrentLayer {
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, dropout: Float = 0,
                bidirectional: Bool = false, bias: Bool = true, generator: RandomGenerator) {
        super.init(configuration: RecurrentConfiguration(
            cell: .gru, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers,
            dropout: dropout, bidirectional: bidirectional, bias: bias), generator: generator)
    }
}

/// A stack of tanh RNN layers (`torch.nn.RNN`).
public final class RNN: RecurrentLayer {
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, dropout: Float = 0,
                bidirectional: Bool = false, bias: Bool = true, generator: RandomGenerator) {
        super.init(configuration: RecurrentConfiguration(
            cell: .rnn, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers,
            dropout: dropout, bidirectional: bidirectional, bias: bias), generator: generator)
    }
}

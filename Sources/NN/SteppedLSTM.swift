import Tensor

/// A unidirectional LSTM stack driven one time step at a time in training, for decoders whose
/// next input depends on their previous output (input feeding, scheduled sampling), with the
/// caches backpropagation through all the steps needs.
///
/// The parameters, their names and the inference `step(input:state:)` are those of
/// `RecurrentLayer` (`torch.nn.LSTM`'s), so a checkpoint loads into `nn.LSTM` as it is.
///
/// Dimension letters: T steps (at most `maxSteps`), B batch, I input features, H hidden, L layers.
///
/// Training contract: `begin(...)`, then `forwardStep(input:)` for t = 0, 1, …, then
/// `backwardStep(outputGradient:)` once per step in reverse order, then `finishBackward()`,
/// which adds the weight gradients (one GEMM per matrix over all T·B rows) and returns the
/// gradient with respect to the initial state. Every step's rows are all active: a decoder's
/// padded target positions are handled by the loss (they get zero gradient).
public final class SteppedLSTM: RecurrentLayer {
    // Per layer: (T, B, I_l) inputs (layer > 0: the lower layer's output after dropout),
    // (T, B, H) dropout masks of the lower layer's output, (T, B, 4H) gate activations and then
    // their gradients, (T+1, B, H) hidden and cell states, (T, B, H) tanh(c).
    let inputs: [Workspace]
    let dropoutMasks: [Workspace]
    let gateCache: [Workspace]
    let gateGradients: [Workspace]
    let hiddenCache: [Workspace]
    let cellCache: [Workspace]
    let cellTanhCache: [Workspace]
    let carriedHidden: [(Workspace, Workspace)]  // (B, H) each: ∂L/∂h carried between steps
    let carriedCell: [Workspace]  // (B, H)
    let stepInputGradient = [Workspace(), Workspace()]  // (B, I_l), alternating between layers

    var capacity = 0  // maxSteps
    var rows = 0  // B
    var stepsRun = 0
    var nextBackwardStep: Int?
    var training = false
    var stepGenerator: RandomGenerator?

    public override init(configuration: RecurrentConfiguration, generator: RandomGenerator) {
        precondition(configuration.cell == .lstm && !configuration.bidirectional,
                     "SteppedLSTM runs unidirectional LSTM stacks")
        let l = configuration.layers
        func spaces() -> [Workspace] { (0..<l).map { _ in Workspace() } }
        inputs = spaces()
        dropoutMasks = spaces()
        gateCache = spaces()
        gateGradients = spaces()
        hiddenCache = spaces()
        cellCache = spaces()
        cellTanhCache = spaces()
        carriedHidden = (0..<l).map { _ in (Workspace(), Workspace()) }
        carriedCell = spaces()
        super.init(configuration: configuration, generator: generator)
    }

    /// Starts a sequence batch.
    ///
    /// - Parameters:
    ///   - batchSize: B.
    ///   - maxSteps: the most steps that will be run.
    ///   - initialState: `(L, B, H)` each, or nil for zeros (copied).
    ///   - training: enables dropout between layers (needs `generator`).
    public func begin(batchSize: Int, maxSteps: Int, initialState: RecurrentState?, training: Bool,
                      generator: RandomGenerator?) {
        let c = configuration, b = batchSize, h = c.hiddenSize
        precondition(b > 0 && maxSteps > 0, "SteppedLSTM needs a batch and at least one step")
        if let initialState {
            precondition(initialState.hidden.shape == [c.layers, b, h] && initialState.cell?.shape == [c.layers, b, h],
                         "initial state must be \([c.layers, b, h])")
        }
        capacity = maxSteps
        rows = b
        stepsRun = 0
        nextBackwardStep = nil
        self.training = training && c.dropout > 0 && c.layers > 1
        precondition(!self.training || generator != nil, "dropout between layers in training needs a generator")
        stepGenerator = generator
        for layer in 0..<c.layers {
            let hs = hiddenCache[layer].tensor([maxSteps + 1, b, h])
            let cs = cellCache[layer].tensor([maxSteps + 1, b, h])
            if let initialState {
                hs.slice(0).assign(initialState.hidden.slice(layer))
                cs.slice(0).assign(initialState.cell!.slice(layer))
            } else {
                hs.slice(0).zero()
                cs.slice(0).zero()
            }
        }
    }

    /// The input size of layer `layer`.
    func inputSize(_ layer: Int) -> Int {
        layer == 0 ? configuration.inputSize : configuration.hiddenSize
    }

    /// Runs one step of every layer.
    ///
    /// - Parameter input: `(B, I)`; copied into the cache.
    /// - Returns: the top layer's new hidden state `(B, H)`, a view of the cache valid until
    ///   the next `begin`.
    public func forwardStep(input: Tensor) -> Tensor {
        let c = configuration, b = rows, h = c.hiddenSize, t = stepsRun
        precondition(t < capacity, "SteppedLSTM ran past its \(capacity) steps")
        precondition(input.count == b * c.inputSize, "step input must be (\(b), \(c.inputSize)), got \(input.shape)")
        stepsRun += 1
        var top = Tensor(zeros: [0])
        for layer in 0..<c.layers {
            let i = inputSize(layer)
            let x = inputs[layer].tensor([capacity, b, i]).slice(t)
            if layer == 0 {
                x.assign(input)
            } else {
                let below = hiddenCache[layer - 1].tensor([capacity + 1, b, h]).slice(t + 1)
                if training, let generator = stepGenerator {
                    let mask = dropoutMasks[layer].tensor([capacity, b, h]).slice(t)
                    Dropout.fillMask(mask, probability: c.dropout, generator: generator)
                    Vector.multiply(below.pointer, mask.pointer, into: x.pointer, count: b * h)
                } else {
                    x.assign(below)
                }
            }
            let w = weights[layer]
            let gates = gateCache[layer].tensor([capacity, b, 4 * h]).slice(t).pointer
            let hs = hiddenCache[layer].tensor([capacity + 1, b, h]).pointer
            let cs = cellCache[layer].tensor([capacity + 1, b, h]).pointer
            let hasBias = fillBias(gates, rows: b, weights: w, kind: .lstm, width: 4 * h)
            GEMM.multiply(transposeB: true, m: b, n: 4 * h, k: i, a: x.pointer, lda: i,
                          b: w.inputWeight.value.pointer, ldb: i, beta: hasBias ? 1 : 0, c: gates, ldc: 4 * h)
            GEMM.multiply(transposeB: true, m: b, n: 4 * h, k: h, a: hs + t * b * h, lda: h,
                          b: w.hiddenWeight.value.pointer, ldb: h, beta: 1, c: gates, ldc: 4 * h)
            let step = RecurrentKernels.Step(
                batch: b, hidden: h, gates: gates, hiddenProjection: nil, hiddenBias: nil,
                previousHidden: hs + t * b * h, currentHidden: hs + (t + 1) * b * h,
                previousCell: cs + t * b * h, currentCell: cs + (t + 1) * b * h,
                auxiliary: cellTanhCache[layer].tensor([capacity, b, h]).pointer + t * b * h,
                output: nil, outputStride: 0, lengths: nil, time: t)
            Threads.parallelFor(b, minimumPerThread: rowsPerThread) { rows in
                RecurrentKernels.lstmForward(step, rows: rows)
            }
            top = hiddenCache[layer].tensor([capacity + 1, b, h]).slice(t + 1)
        }
        return top
    }

    /// Backward of the latest step not yet backpropagated.
    ///
    /// - Parameter outputGradient: ∂L/∂(top hidden state of this step) `(B, H)`, not counting
    ///   what flows back from later steps (the layer carries that itself).
    /// - Returns: ∂L/∂input of this step `(B, I)`, owned by the layer (overwritten by the next call).
    public func backwardStep(outputGradient: Tensor) -> Tensor {
        let c = configuration, b = rows, h = c.hiddenSize
        if nextBackwardStep == nil { startBackward() }
        guard let t = nextBackwardStep, t >= 0 else { preconditionFailure("SteppedLSTM.backwardStep past step 0") }
        precondition(outputGradient.count == b * h, "step output gradient must be (\(b), \(h)), got \(outputGradient.shape)")
        nextBackwardStep = t - 1
        var upstream = outputGradient.pointer
        var result = Tensor(zeros: [0])
        for layer in (0..<c.layers).reversed() {
            let i = inputSize(layer)
            let w = weights[layer]
            let (dhIn, dhOut) = carried(layer)
            let dG = gateGradients[layer].tensor([capacity, b, 4 * h]).pointer + t * b * 4 * h
            let hs = hiddenCache[layer].tensor([capacity + 1, b, h]).pointer
            let cs = cellCache[layer].tensor([capacity + 1, b, h]).pointer
            let step = RecurrentKernels.Step(
                batch: b, hidden: h, gates: gateCache[layer].tensor([capacity, b, 4 * h]).pointer + t * b * 4 * h,
                hiddenProjection: nil, hiddenBias: nil,
                previousHidden: hs + t * b * h, currentHidden: hs + (t + 1) * b * h,
                previousCell: cs + t * b * h, currentCell: cs + (t + 1) * b * h,
                auxiliary: cellTanhCache[layer].tensor([capacity, b, h]).pointer + t * b * h,
                output: nil, outputStride: 0, lengths: nil, time: t)
            let gradient = RecurrentKernels.StepGradient(
                hiddenIn: dhIn.pointer, hiddenOut: dhOut.pointer, cell: carriedCell[layer].tensor([b, h]).pointer,
                output: UnsafePointer(upstream), outputStride: h, inputGates: dG, hiddenGates: nil)
            Threads.parallelFor(b, minimumPerThread: rowsPerThread) { rows in
                RecurrentKernels.lstmBackward(step, gradient, rows: rows)
            }
            // ∂L/∂h_{t−1} = dG · W_hh, carried to the previous step (the kernel zeroed dhOut).
            GEMM.multiply(m: b, n: h, k: 4 * h, a: dG, lda: 4 * h, b: w.hiddenWeight.value.pointer, ldb: h,
                          beta: 1, c: dhOut.pointer, ldc: h)
            // What was written is what the previous step reads.
            carriedReadIndex[layer] ^= 1
            let dx = stepInputGradient[layer % 2].tensor([b, i])
            GEMM.multiply(m: b, n: i, k: 4 * h, a: dG, lda: 4 * h, b: w.inputWeight.value.pointer, ldb: i,
                          c: dx.pointer, ldc: i)
            if layer > 0, training {
                let mask = dropoutMasks[layer].tensor([capacity, b, h]).slice(t)
                Vector.multiply(dx.pointer, mask.pointer, into: dx.pointer, count: b * h)
            }
            upstream = dx.pointer
            result = dx
        }
        return result
    }

    // Which of the two carried-gradient workspaces of each layer is read next (0 or 1).
    var carriedReadIndex: [Int] = []

    /// Zeroes the carried gradients before the first backward step.
    func startBackward() {
        let c = configuration, b = rows, h = c.hiddenSize
        carriedReadIndex = [Int](repeating: 0, count: c.layers)
        for layer in 0..<c.layers {
            _ = carriedHidden[layer].0.zeros([b, h])
            _ = carriedHidden[layer].1.zeros([b, h])
            _ = carriedCell[layer].zeros([b, h])
        }
        nextBackwardStep = stepsRun - 1
    }

    /// Ends the backward pass: adds the gradients of every weight and bias over all steps and
    /// returns the gradient with respect to the initial state `(L, B, H)` each (new tensors).
    public func finishBackward() -> RecurrentState {
        let c = configuration, b = rows, h = c.hiddenSize, t = stepsRun
        if nextBackwardStep == nil { startBackward() }
        precondition(nextBackwardStep == -1, "SteppedLSTM.finishBackward before every step was backpropagated")
        nextBackwardStep = nil
        let initial = RecurrentState(zerosFor: RecurrentConfiguration(
            inputSize: c.inputSize, hiddenSize: h, layers: c.layers), batchSize: b)
        for layer in 0..<c.layers {
            let i = inputSize(layer)
            let w = weights[layer]
            initial.hidden.slice(layer).assign(carried(layer).read)
            initial.cell!.slice(layer).assign(carriedCell[layer].tensor([b, h]))
            guard t > 0 else { continue }
            let dG = gateGradients[layer].tensor([capacity, b, 4 * h]).pointer
            GEMM.multiply(transposeA: true, m: 4 * h, n: h, k: t * b, a: dG, lda: 4 * h,
                          b: hiddenCache[layer].tensor([capacity + 1, b, h]).pointer, ldb: h,
                          beta: 1, c: w.hiddenWeight.gradient.pointer, ldc: h)
            GEMM.multiply(transposeA: true, m: 4 * h, n: i, k: t * b, a: dG, lda: 4 * h,
                          b: inputs[layer].tensor([capacity, b, i]).pointer, ldb: i,
                          beta: 1, c: w.inputWeight.gradient.pointer, ldc: i)
            if let bias = w.inputBias {
                Vector.addRowsInParallel(dG, rows: t * b, columns: 4 * h, stride: 4 * h, into: bias.gradient.pointer)
            }
            if let bias = w.hiddenBias {
                Vector.addRowsInParallel(dG, rows: t * b, columns: 4 * h, stride: 4 * h, into: bias.gradient.pointer)
            }
        }
        return initial
    }

    /// The carried ∂L/∂h of `layer`: the buffer read at the next step and the one written.
    func carried(_ layer: Int) -> (read: Tensor, write: Tensor) {
        let b = rows, h = configuration.hiddenSize
        let pair = carriedHidden[layer]
        let first = pair.0.tensor([b, h]), second = pair.1.tensor([b, h])
        return carriedReadIndex[layer] == 0 ? (first, second) : (second, first)
    }
}

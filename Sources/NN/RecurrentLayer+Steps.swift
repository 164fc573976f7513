import Tensor

/// Pointers of one layer's buffers during a step-by-step pass, fixed at `beginSteps`.
struct SteppingLayer {
    var inputSize: Int
    var gates: UnsafeMutablePointer<Float>  // (T, B, G·H)
    var hidden: UnsafeMutablePointer<Float>  // (T+1, B, H)
    var cell: UnsafeMutablePointer<Float>?  // (T+1, B, H)
    var auxiliary: UnsafeMutablePointer<Float>?  // (T, B, H)
    var projection: UnsafeMutablePointer<Float>?  // (B, G·H), GRU
    var inputs: UnsafeMutablePointer<Float>  // (T, B, inputs)
    var mask: UnsafeMutablePointer<Float>?  // (T, B, H), dropout on this layer's output
    var inputGateGradient: UnsafeMutablePointer<Float>  // (T, B, G·H)
    var hiddenGateGradient: UnsafeMutablePointer<Float>  // (T, B, G·H); = inputGateGradient but for GRU
    var hiddenGradientIn: UnsafeMutablePointer<Float>  // (B, H)
    var hiddenGradientOut: UnsafeMutablePointer<Float>  // (B, H)
    var cellGradient: UnsafeMutablePointer<Float>?  // (B, H)
    var inputGradient: UnsafeMutablePointer<Float>  // (B, inputs)
}

/// Bookkeeping of a step-by-step pass.
struct SteppingState {
    var layers: [SteppingLayer]
    var capacity: Int
    var batch: Int
    var forwardSteps = 0
    var backwardSteps = 0
    var dropoutActive: Bool
    var generator: RandomGenerator?
    var inputGradient: Tensor  // (B, I) view of layers[0].inputGradient
    var topHidden: Tensor  // (T+1, B, H) view of the top layer's states
}

/// Step-by-step training of a unidirectional stack, for decoders whose next input depends on
/// their last output (input feeding, scheduled sampling): `beginSteps`, then `forwardStep`
/// once per time step (each caches what backward needs), then `backwardStep` once per step in
/// reverse order, then `finishBackwardSteps`, which adds the weight gradients of all steps with
/// one GEMM each and returns the gradient with respect to the initial state.
///
/// The arithmetic is the sequence path's (same kernels, same GEMMs), so a stepped pass equals
/// `forward`/`backward` over the same inputs. Do not interleave sequence calls on the same layer
/// with a stepped pass: they share buffers.
extension RecurrentLayer {
    /// Starts a stepped pass of at most `maximumSteps` steps over `batchSize` sequences.
    ///
    /// - Parameters:
    ///   - initialState: `(L, B, H)` each, or nil for zeros.
    ///   - training: enables dropout between layers (needs `generator`).
    public func beginSteps(batchSize b: Int, maximumSteps capacity: Int, initialState: RecurrentState? = nil,
                           training: Bool = false, generator: RandomGenerator? = nil) {
        let c = configuration, kind = c.cell
        precondition(!c.bidirectional, "stepping runs unidirectional stacks only")
        precondition(b > 0 && capacity > 0, "stepping needs a batch and at least one step")
        let h = c.hiddenSize, gh = kind.gateCount * h
        if let initialState {
            precondition(initialState.hidden.shape == [c.layers, b, h], "initial state must be \([c.layers, b, h])")
        }
        let dropoutActive = training && c.dropout > 0 && c.layers > 1
        precondition(!dropoutActive || generator != nil, "recurrent dropout in training needs a generator")
        precondition(!training || hiddenWeightDrop == 0, "weight drop is not supported step by step")
        var layers: [SteppingLayer] = []
        var firstInputGradient: Tensor?
        var topHidden: Tensor?
        for layer in 0..<c.layers {
            let buf = buffers[layer]
            let inputs = layer == 0 ? c.inputSize : h
            let dGx = buf.inputGateGradient.tensor([capacity, b, gh]).pointer
            let inputGradient = buf.stepInputGradient.tensor([b, inputs])
            if layer == 0 { firstInputGradient = inputGradient }
            let hidden = buf.hidden.tensor([capacity + 1, b, h])
            topHidden = hidden
            let entry = SteppingLayer(
                inputSize: inputs,
                gates: buf.gates.tensor([capacity, b, gh]).pointer,
                hidden: hidden.pointer,
                cell: kind.hasCellState ? buf.cell.tensor([capacity + 1, b, h]).pointer : nil,
                auxiliary: kind == .rnn ? nil : buf.auxiliary.tensor([capacity, b, h]).pointer,
                projection: kind == .gru ? buf.stepProjection.tensor([b, gh]).pointer : nil,
                inputs: buf.stepInputs.tensor([capacity, b, inputs]).pointer,
                mask: dropoutActive && layer < c.layers - 1 ? buf.stepMask.tensor([capacity, b, h]).pointer : nil,
                inputGateGradient: dGx,
                hiddenGateGradient: kind == .gru ? buf.hiddenGateGradient.tensor([capacity, b, gh]).pointer : dGx,
                hiddenGradientIn: buf.hiddenGradientA.tensor([b, h]).pointer,
                hiddenGradientOut: buf.hiddenGradientB.tensor([b, h]).pointer,
                cellGradient: kind.hasCellState ? buf.cellGradient.tensor([b, h]).pointer : nil,
                inputGradient: inputGradient.pointer)
            copyOrZero(initialState.map { $0.hidden.pointer + layer * b * h }, into: entry.hidden, count: b * h)
            if let cell = entry.cell {
                copyOrZero(initialState?.cell.map { $0.pointer + layer * b * h }, into: cell, count: b * h)
            }
            layers.append(entry)
        }
        stepping = SteppingState(layers: layers, capacity: capacity, batch: b, dropoutActive: dropoutActive,
                                 generator: generator, inputGradient: firstInputGradient!, topHidden: topHidden!)
    }

    /// Runs the next time step.
    ///
    /// - Parameter input: `(B, I)`; copied, so the caller may reuse it.
    /// - Returns: the top layer's output `(B, H)` for this step (a view that stays valid until
    ///   the next `beginSteps`).
    public func forwardStep(_ input: Tensor) -> Tensor {
        guard var state = stepping else { preconditionFailure("forwardStep without beginSteps") }
        let c = configuration, kind = c.cell
        let b = state.batch, h = c.hiddenSize, gh = kind.gateCount * h
        let t = state.forwardSteps
        precondition(t < state.capacity, "more than \(state.capacity) steps")
        precondition(state.backwardSteps == 0, "forwardStep after backwardStep")
        precondition(input.count == b * c.inputSize, "step input must be (\(b), \(c.inputSize)), got \(input.shape)")
        (state.layers[0].inputs + t * b * c.inputSize).update(from: input.pointer, count: b * c.inputSize)
        for layer in 0..<c.layers {
            let s = state.layers[layer]
            let previous = s.hidden + t * b * h
            computeStep(layer: layer, batch: b, input: s.inputs + t * b * s.inputSize, inputSize: s.inputSize,
                        gates: s.gates + t * b * gh, projection: s.projection,
                        previousHidden: previous, currentHidden: previous + b * h,
                        previousCell: s.cell.map { $0 + t * b * h }, currentCell: s.cell.map { $0 + (t + 1) * b * h },
                        auxiliary: s.auxiliary.map { $0 + t * b * h }, time: t)
            if layer < c.layers - 1 {
                let next = state.layers[layer + 1].inputs + t * b * h
                if let mask = s.mask, let generator = state.generator {
                    let maskRow = mask + t * b * h
                    Dropout.fillMask(maskRow, count: b * h, probability: c.dropout, generator: generator)
                    Vector.multiply(previous + b * h, maskRow, into: next, count: b * h)
                } else {
                    next.update(from: previous + b * h, count: b * h)
                }
            }
        }
        state.forwardSteps = t + 1
        stepping = state
        return state.topHidden.slice(t + 1)
    }

    /// The state after the steps run so far (new tensors): what a caller carries on.
    public func stepState() -> RecurrentState {
        guard let state = stepping else { preconditionFailure("stepState without beginSteps") }
        let c = configuration, b = state.batch, h = c.hiddenSize, t = state.forwardSteps
        let result = RecurrentState(zerosFor: c, batchSize: b)
        for (layer, s) in state.layers.enumerated() {
            (result.hidden.pointer + layer * b * h).update(from: s.hidden + t * b * h, count: b * h)
            if let cell = s.cell, let target = result.cell {
                (target.pointer + layer * b * h).update(from: cell + t * b * h, count: b * h)
            }
        }
        return result
    }

    /// Backpropagates the latest step not yet backpropagated (steps go in reverse order).
    ///
    /// - Parameters:
    ///   - outputGradient: ∂L/∂(this step's output) `(B, H)`, or nil for zero.
    ///   - finalStateGradient: on the first call only, ∂L/∂(the state after the last step), or
    ///     nil for zero.
    /// - Returns: ∂L/∂(this step's input) `(B, I)`, owned by the layer (overwritten next call).
    public func backwardStep(outputGradient: Tensor?, finalStateGradient: RecurrentState? = nil) -> Tensor {
        guard var state = stepping else { preconditionFailure("backwardStep without beginSteps") }
        let c = configuration, kind = c.cell
        let b = state.batch, h = c.hiddenSize, gh = kind.gateCount * h
        precondition(state.backwardSteps < state.forwardSteps, "more backward steps than forward steps")
        let t = state.forwardSteps - 1 - state.backwardSteps
        if state.backwardSteps == 0 {
            for (layer, s) in state.layers.enumerated() {
                copyOrZero(finalStateGradient.map { $0.hidden.pointer + layer * b * h }, into: s.hiddenGradientIn, count: b * h)
                if let dc = s.cellGradient {
                    copyOrZero(finalStateGradient?.cell.map { $0.pointer + layer * b * h }, into: dc, count: b * h)
                }
            }
        } else {
            precondition(finalStateGradient == nil, "finalStateGradient belongs to the first backwardStep")
        }
        if let outputGradient {
            precondition(outputGradient.count == b * h, "step output gradient must be (\(b), \(h)), got \(outputGradient.shape)")
        }
        var upstream: UnsafePointer<Float>? = outputGradient.map { UnsafePointer($0.pointer) }
        for layer in (0..<c.layers).reversed() {
            var s = state.layers[layer]
            let w = weights[layer]
            let previous = s.hidden + t * b * h
            let step = RecurrentKernels.Step(
                batch: b, hidden: h, gates: s.gates + t * b * gh, hiddenProjection: nil, hiddenBias: nil,
                previousHidden: previous, currentHidden: previous + b * h,
                previousCell: s.cell.map { $0 + t * b * h }, currentCell: s.cell.map { $0 + (t + 1) * b * h },
                auxiliary: s.auxiliary.map { $0 + t * b * h }, output: nil, outputStride: 0, lengths: nil, time: t)
            let dGx = s.inputGateGradient + t * b * gh, dGh = s.hiddenGateGradient + t * b * gh
            let gradient = RecurrentKernels.StepGradient(
                hiddenIn: s.hiddenGradientIn, hiddenOut: s.hiddenGradientOut, cell: s.cellGradient,
                output: upstream, outputStride: h, inputGates: dGx, hiddenGates: kind == .gru ? dGh : nil)
            Threads.parallelFor(b, minimumPerThread: rowsPerThread) { rows in
                RecurrentLayer.runBackwardKernel(kind, step, gradient, rows: rows)
            }
            GEMM.multiply(m: b, n: h, k: gh, a: dGh, lda: gh, b: w.hiddenWeight.value.pointer, ldb: h,
                          beta: 1, c: s.hiddenGradientOut, ldc: h)
            swap(&s.hiddenGradientIn, &s.hiddenGradientOut)
            state.layers[layer] = s
            GEMM.multiply(m: b, n: s.inputSize, k: gh, a: dGx, lda: gh, b: w.inputWeight.value.pointer,
                          ldb: s.inputSize, c: s.inputGradient, ldc: s.inputSize)
            if layer > 0, let mask = state.layers[layer - 1].mask {
                Vector.multiply(s.inputGradient, mask + t * b * h, into: s.inputGradient, count: b * h)
            }
            upstream = UnsafePointer(s.inputGradient)
        }
        state.backwardSteps += 1
        stepping = state
        return state.inputGradient
    }

    /// Ends the stepped backward pass: adds the weight and bias gradients of all steps and
    /// returns ∂L/∂(initial state) (new tensors).
    @discardableResult
    public func finishBackwardSteps() -> RecurrentState {
        guard let state = stepping else { preconditionFailure("finishBackwardSteps without beginSteps") }
        precondition(state.backwardSteps == state.forwardSteps, "\(state.forwardSteps - state.backwardSteps) steps not backpropagated")
        let c = configuration, kind = c.cell
        let b = state.batch, h = c.hiddenSize, gh = kind.gateCount * h, n = state.forwardSteps * b
        let result = RecurrentState(zerosFor: c, batchSize: b)
        for (layer, s) in state.layers.enumerated() {
            let w = weights[layer]
            GEMM.multiply(transposeA: true, m: gh, n: h, k: n, a: s.hiddenGateGradient, lda: gh, b: s.hidden, ldb: h,
                          beta: 1, c: w.hiddenWeight.gradient.pointer, ldc: h)
            GEMM.multiply(transposeA: true, m: gh, n: s.inputSize, k: n, a: s.inputGateGradient, lda: gh,
                          b: s.inputs, ldb: s.inputSize, beta: 1, c: w.inputWeight.gradient.pointer, ldc: s.inputSize)
            if let bih = w.inputBias {
                Vector.addRowsInParallel(s.inputGateGradient, rows: n, columns: gh, stride: gh, into: bih.gradient.pointer)
            }
            if let bhh = w.hiddenBias {
                Vector.addRowsInParallel(s.hiddenGateGradient, rows: n, columns: gh, stride: gh, into: bhh.gradient.pointer)
            }
            (result.hidden.pointer + layer * b * h).update(from: s.hiddenGradientIn, count: b * h)
            if let dc = s.cellGradient, let target = result.cell {
                (target.pointer + layer * b * h).update(from: dc, count: b * h)
            }
        }
        stepping = nil
        return result
    }
}

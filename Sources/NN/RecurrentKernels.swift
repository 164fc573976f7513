import Tensor

/// The fused elementwise work of one time step of each cell, forward and backward side by side.
/// The matrix products around them (input projection, recurrent projection) are GEMMs done by
/// the caller; these kernels do everything between two GEMMs in one pass over the gates.
///
/// Letters: B batch rows, H hidden size, `g` the gate block of one row. A row is *inactive* at
/// time t when its sequence is shorter than t + 1: its state passes through unchanged, its
/// output is zero, and in backward its gradient passes through to the previous step.
///
/// Formulas are PyTorch's (`torch.nn.LSTM`, `GRU`, `RNN` documentation):
/// - LSTM, gates `i, f, g, o`: `c' = σ(f)·c + σ(i)·tanh(g)`, `h' = σ(o)·tanh(c')`.
/// - GRU, gates `r, z, n`: `n = tanh(x_n + σ(r)·(W_hn h + b_hn))`, `h' = (1 − σ(z))·n + σ(z)·h`.
/// - RNN: `h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`.
enum RecurrentKernels {
    /// Everything one step's kernels read and write. Pointers are to row 0; rows are `H` (or
    /// `gates·H`) apart except `output`/`outputGradient`, which are `outputStride` apart (a
    /// bidirectional output interleaves both directions).
    struct Step {
        var batch: Int
        var hidden: Int
        /// Gate pre-activations `(B, G·H)` in forward, replaced by the activations kept for backward.
        var gates: UnsafeMutablePointer<Float>
        /// GRU only: `W_hh · h` of this step `(B, 3H)`, without bias.
        var hiddenProjection: UnsafeMutablePointer<Float>?
        /// GRU only: `b_hh` `(3H)`.
        var hiddenBias: UnsafePointer<Float>?
        var previousHidden: UnsafeMutablePointer<Float>  // (B, H)
        var currentHidden: UnsafeMutablePointer<Float>  // (B, H)
        /// LSTM only: cell states.
        var previousCell: UnsafeMutablePointer<Float>?  // (B, H)
        var currentCell: UnsafeMutablePointer<Float>?  // (B, H)
        /// LSTM: tanh(c'); GRU: W_hn h + b_hn. `(B, H)`.
        var auxiliary: UnsafeMutablePointer<Float>?
        /// Where h' goes in the layer output (zero for inactive rows); nil to skip.
        var output: UnsafeMutablePointer<Float>?
        var outputStride: Int
        /// Sequence lengths `(B)`, or nil when all rows are active.
        var lengths: UnsafePointer<Int32>?
        var time: Int

        @inline(__always)
        func isActive(_ row: Int) -> Bool {
            guard let lengths else { return true }
            return Int(lengths[row]) > time
        }

        /// An inactive row: state carried unchanged, output zero.
        func passThrough(row b: Int) {
            let h = hidden
            (currentHidden + b * h).update(from: previousHidden + b * h, count: h)
            if let previousCell, let currentCell {
                (currentCell + b * h).update(from: previousCell + b * h, count: h)
            }
            output.map { ($0 + b * outputStride).update(repeating: 0, count: h) }
        }
    }

    /// Backward buffers of one step.
    struct StepGradient {
        /// ∂L/∂h' carried from the later step `(B, H)`.
        var hiddenIn: UnsafeMutablePointer<Float>
        /// Receives the part of ∂L/∂h that does not go through W_hh (`(B, H)`); the caller then
        /// adds `dGh · W_hh` with a GEMM.
        var hiddenOut: UnsafeMutablePointer<Float>
        /// LSTM: ∂L/∂c', replaced in place by ∂L/∂c `(B, H)`.
        var cell: UnsafeMutablePointer<Float>?
        /// ∂L/∂output of this step (rows `outputStride` apart), or nil.
        var output: UnsafePointer<Float>?
        var outputStride: Int
        /// ∂L/∂(input-side pre-activations) `(B, G·H)`.
        var inputGates: UnsafeMutablePointer<Float>
        /// GRU only: ∂L/∂(hidden-side pre-activations) `(B, 3H)`; for LSTM and RNN the two are
        /// the same and `inputGates` serves both.
        var hiddenGates: UnsafeMutablePointer<Float>?

        /// An inactive row: the gradient passes to the previous step unchanged (the cell
        /// gradient stays where it is), the gate gradients are zero.
        func passThrough(row b: Int, hidden h: Int, gateWidth: Int) {
            (hiddenOut + b * h).update(from: hiddenIn + b * h, count: h)
            (inputGates + b * gateWidth).update(repeating: 0, count: gateWidth)
            hiddenGates.map { ($0 + b * gateWidth).update(repeating: 0, count: gateWidth) }
        }
    }

    // MARK: LSTM

    static func lstmForward(_ s: Step, rows: Range<Int>) {
        let h = s.hidden
        for b in rows {
            guard s.isActive(b) else {
                s.passThrough(row: b)
                continue
            }
            let hCur = s.currentHidden + b * h
            let cPrev = s.previousCell! + b * h, cCur = s.currentCell! + b * h
            let out = s.output.map { $0 + b * s.outputStride }
            let g = s.gates + b * 4 * h, tc = s.auxiliary! + b * h
            var j = 0
            while j < h {
                let n = h - j
                let i = Vector.sigmoid(Vector.load(g + j, count: n))
                let f = Vector.sigmoid(Vector.load(g + h + j, count: n))
                let gg = Vector.tanh(Vector.load(g + 2 * h + j, count: n))
                let o = Vector.sigmoid(Vector.load(g + 3 * h + j, count: n))
                let c = f * Vector.load(cPrev + j, count: n) + i * gg
                let t = Vector.tanh(c)
                let hv = o * t
                Vector.store(i, g + j, count: n)
                Vector.store(f, g + h + j, count: n)
                Vector.store(gg, g + 2 * h + j, count: n)
                Vector.store(o, g + 3 * h + j, count: n)
                Vector.store(c, cCur + j, count: n)
                Vector.store(t, tc + j, count: n)
                Vector.store(hv, hCur + j, count: n)
                if let out { Vector.store(hv, out + j, count: n) }
                j += 8
            }
        }
    }

    static func lstmBackward(_ s: Step, _ d: StepGradient, rows: Range<Int>) {
        let h = s.hidden
        let one = Float8(repeating: 1)
        for b in rows {
            let dhIn = d.hiddenIn + b * h, dhOut = d.hiddenOut + b * h, dc = d.cell! + b * h
            let dG = d.inputGates + b * 4 * h
            guard s.isActive(b) else {
                d.passThrough(row: b, hidden: h, gateWidth: 4 * h)
                continue
            }
            let g = s.gates + b * 4 * h, tcRow = s.auxiliary! + b * h, cPrev = s.previousCell! + b * h
            let dy = d.output.map { $0 + b * d.outputStride }
            var j = 0
            while j < h {
                let n = h - j
                var dh = Vector.load(dhIn + j, count: n)
                if let dy { dh += Vector.load(dy + j, count: n) }
                let i = Vector.load(g + j, count: n)
                let f = Vector.load(g + h + j, count: n)
                let gg = Vector.load(g + 2 * h + j, count: n)
                let o = Vector.load(g + 3 * h + j, count: n)
                let tc = Vector.load(tcRow + j, count: n)
                let dcTotal = Vector.load(dc + j, count: n) + dh * o * (one - tc * tc)
                let dPreI = dcTotal * gg * i * (one - i)
                let dPreF = dcTotal * Vector.load(cPrev + j, count: n) * f * (one - f)
                let dPreG = dcTotal * i * (one - gg * gg)
                let dPreO = dh * tc * o * (one - o)
                Vector.store(dPreI, dG + j, count: n)
                Vector.store(dPreF, dG + h + j, count: n)
                Vector.store(dPreG, dG + 2 * h + j, count: n)
                Vector.store(dPreO, dG + 3 * h + j, count: n)
                Vector.store(dcTotal * f, dc + j, count: n)
                Vector.store(Float8(), dhOut + j, count: n)
                j += 8
            }
        }
    }

    // MARK: GRU

    static func gruForward(_ s: Step, rows: Range<Int>) {
        let h = s.hidden
        let one = Float8(repeating: 1)
        for b in rows {
            let hPrev = s.previousHidden + b * h, hCur = s.currentHidden + b * h
            let out = s.output.map { $0 + b * s.outputStride }
            guard s.isActive(b) else {
                s.passThrough(row: b)
                continue
            }
            let g = s.gates + b * 3 * h, gh = s.hiddenProjection! + b * 3 * h, ghn = s.auxiliary! + b * h
            let bias = s.hiddenBias
            var j = 0
            while j < h {
                let n = h - j
                var hr = Vector.load(gh + j, count: n)
                var hz = Vector.load(gh + h + j, count: n)
                var hn = Vector.load(gh + 2 * h + j, count: n)
                if let bias {
                    hr += Vector.load(bias + j, count: n)
                    hz += Vector.load(bias + h + j, count: n)
                    hn += Vector.load(bias + 2 * h + j, count: n)
                }
                let r = Vector.sigmoid(Vector.load(g + j, count: n) + hr)
                let z = Vector.sigmoid(Vector.load(g + h + j, count: n) + hz)
                let nv = Vector.tanh(Vector.load(g + 2 * h + j, count: n) + r * hn)
                let hp = Vector.load(hPrev + j, count: n)
                let hv = (one - z) * nv + z * hp
                Vector.store(r, g + j, count: n)
                Vector.store(z, g + h + j, count: n)
                Vector.store(nv, g + 2 * h + j, count: n)
                Vector.store(hn, ghn + j, count: n)
                Vector.store(hv, hCur + j, count: n)
                if let out { Vector.store(hv, out + j, count: n) }
                j += 8
            }
        }
    }

    static func gruBackward(_ s: Step, _ d: StepGradient, rows: Range<Int>) {
        let h = s.hidden
        let one = Float8(repeating: 1)
        for b in rows {
            let dhIn = d.hiddenIn + b * h, dhOut = d.hiddenOut + b * h
            let dGx = d.inputGates + b * 3 * h, dGh = d.hiddenGates! + b * 3 * h
            guard s.isActive(b) else {
                d.passThrough(row: b, hidden: h, gateWidth: 3 * h)
                continue
            }
            let g = s.gates + b * 3 * h, ghn = s.auxiliary! + b * h, hPrev = s.previousHidden + b * h
            let dy = d.output.map { $0 + b * d.outputStride }
            var j = 0
            while j < h {
                let n = h - j
                var dh = Vector.load(dhIn + j, count: n)
                if let dy { dh += Vector.load(dy + j, count: n) }
                let r = Vector.load(g + j, count: n)
                let z = Vector.load(g + h + j, count: n)
                let nv = Vector.load(g + 2 * h + j, count: n)
                let dPreN = dh * (one - z) * (one - nv * nv)
                let dPreZ = dh * (Vector.load(hPrev + j, count: n) - nv) * z * (one - z)
                let dPreR = dPreN * Vector.load(ghn + j, count: n) * r * (one - r)
                Vector.store(dPreR, dGx + j, count: n)
                Vector.store(dPreZ, dGx + h + j, count: n)
                Vector.store(dPreN, dGx + 2 * h + j, count: n)
                Vector.store(dPreR, dGh + j, count: n)
                Vector.store(dPreZ, dGh + h + j, count: n)
                Vector.store(dPreN * r, dGh + 2 * h + j, count: n)
                Vector.store(dh * z, dhOut + j, count: n)
                j += 8
            }
        }
    }

    // MARK: RNN (tanh)

    static func rnnForward(_ s: Step, rows: Range<Int>) {
        let h = s.hidden
        for b in rows {
            guard s.isActive(b) else {
                s.passThrough(row: b)
                continue
            }
            let hCur = s.currentHidden + b * h
            let out = s.output.map { $0 + b * s.outputStride }
            let g = s.gates + b * h
            var j = 0
            while j < h {
                let n = h - j
                let hv = Vector.tanh(Vector.load(g + j, count: n))
                Vector.store(hv, g + j, count: n)
                Vector.store(hv, hCur + j, count: n)
                if let out { Vector.store(hv, out + j, count: n) }
                j += 8
            }
        }
    }

    static func rnnBackward(_ s: Step, _ d: StepGradient, rows: Range<Int>) {
        let h = s.hidden
        let one = Float8(repeating: 1)
        for b in rows {
            let dhIn = d.hiddenIn + b * h, dhOut = d.hiddenOut + b * h
            let dG = d.inputGates + b * h
            guard s.isActive(b) else {
                d.passThrough(row: b, hidden: h, gateWidth: h)
                continue
            }
            let g = s.gates + b * h
            let dy = d.output.map { $0 + b * d.outputStride }
            var j = 0
            while j < h {
                let n = h - j
                var dh = Vector.load(dhIn + j, count: n)
                if let dy { dh += Vector.load(dy + j, count: n) }
                let hv = Vector.load(g + j, count: n)
                Vector.store(dh * (one - hv * hv), dG + j, count: n)
                Vector.store(Float8(), dhOut + j, count: n)
                j += 8
            }
        }
    }
}

import Tensor

/// Softmax utilities for inference: log-probabilities over a vocabulary and the k best entries.
/// Rows are the last axis; nothing is cached, nothing allocated beyond the returned values.
public enum Softmax {
    /// log Σ exp(x) of one row, shifted by its maximum so it never overflows.
    @inlinable
    public static func logSumExp(_ x: UnsafePointer<Float>, count v: Int) -> Double {
        let m = Vector.max(x, count: v)
        return Double(m) + _log(shiftedExpSum(x, count: v, shift: m))
    }

    /// Σ exp(x − shift) of one row, accumulated in Double across vector lanes.
    @inlinable
    static func shiftedExpSum(_ x: UnsafePointer<Float>, count v: Int, shift m: Float) -> Double {
        let shift = Float8(repeating: m)
        var s0 = Float8(), s1 = Float8()
        var i = 0
        while i + 16 <= v {
            s0 += Vector.exp(Vector.load(x + i) - shift)
            s1 += Vector.exp(Vector.load(x + i + 8) - shift)
            i += 16
        }
        if i + 8 <= v {
            s0 += Vector.exp(Vector.load(x + i) - shift)
            i += 8
        }
        var sum = Double((s0 + s1).sum())
        if i < v {
            let tail = Vector.exp(Vector.loadPartial(x + i, count: v - i) - shift)
            for lane in 0..<(v - i) { sum += Double(tail[lane]) }
        }
        return sum
    }

    /// Writes log-softmax of each row of `logits` `(N…, V)` into `output` (same shape; may be
    /// `logits` itself), as `(x − max) − log Σ exp(x − max)` so large logits lose no precision.
    public static func logSoftmax(_ logits: Tensor, into output: Tensor) {
        forEachRow(logits, output) { x, y, v in logSoftmax(x, into: y, count: v) }
    }

    /// Log-softmax of one row of `v` values into `y` (may be `x`).
    public static func logSoftmax(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count v: Int) {
        let m = Vector.max(x, count: v)
        let shift = Float8(repeating: m), logSum = Float8(repeating: Float(_log(shiftedExpSum(x, count: v, shift: m))))
        Vector.map(x, y, count: v) { ($0 - shift) - logSum }
    }

    /// Writes softmax of each row of `logits` `(N…, V)` into `output` (may be `logits`).
    public static func softmax(_ logits: Tensor, into output: Tensor) {
        forEachRow(logits, output) { x, y, v in
            let m = Vector.max(x, count: v)
            let shift = Float8(repeating: m)
            Vector.map(x, y, count: v) { Vector.exp($0 - shift) }
            let scale = Float8(repeating: Float(1 / Vector.sum(y, count: v)))
            Vector.map(y, y, count: v) { $0 * scale }
        }
    }

    /// Runs `body(inputRow, outputRow, V)` over the rows of two same-shaped tensors, in parallel.
    static func forEachRow(_ input: Tensor, _ output: Tensor,
                           _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) {
        precondition(input.count == output.count && input.shape.last == output.shape.last,
                     "softmax of \(input.shape) into \(output.shape)")
        guard let v = input.shape.last, v > 0 else { return }
        let x = input.pointer, y = output.pointer
        Threads.parallelFor(input.count / v, minimumPerThread: 16) { rows in
            for row in rows { body(x + row * v, y + row * v, v) }
        }
    }

    /// The `k` largest values of a row with their indices, largest first; ties keep the lower
    /// index first.
    public static func topK(_ row: UnsafePointer<Float>, count v: Int, k: Int) -> [(index: Int, value: Float)] {
        let k = min(k, v)
        guard k > 0 else { return [] }
        // A sorted buffer of the best k; a new value enters by insertion. For k ≪ V (top 5 of
        // 10k) nearly every value fails the first comparison against the current k-th best.
        var best: [(index: Int, value: Float)] = []
        best.reserveCapacity(k + 1)
        for i in 0..<v {
            let value = row[i]
            if best.count == k {
                guard value > best[k - 1].value else { continue }
                best.removeLast()
            }
            var position = best.count
            while position > 0 && best[position - 1].value < value { position -= 1 }
            best.insert((i, value), at: position)
        }
        return best
    }

    /// `topK` of row `row` of a `(N, V)` tensor.
    public static func topK(_ tensor: Tensor, row: Int, k: Int) -> [(index: Int, value: Float)] {
        guard let v = tensor.shape.last else { return [] }
        precondition(row >= 0 && (row + 1) * v <= tensor.count, "row \(row) of \(tensor.shape)")
        return topK(tensor.pointer + row * v, count: v, k: k)
    }
}

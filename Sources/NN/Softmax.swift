import Tensor

/// Softmax utilities for inference: log-probabilities over a vocabulary and the k best entries.
/// Rows are the last axis; nothing is cached, nothing allocated beyond the returned values.
public enum Softmax {
    /// log Σ exp(x) of one row, shifted by its maximum so it never overflows.
    @inlinable
    public static func logSumExp(_ x: UnsafePointer<Float>, count v: Int) -> Double {
        let m = Vector.max(x, count: v)
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
        return Double(m) + _log(sum)
    }

    /// Writes log-softmax of each row of `logits` `(N…, V)` into `output` (same shape; may be
    /// `logits` itself).
    public static func logSoftmax(_ logits: Tensor, into output: Tensor) {
        precondition(logits.count == output.count && logits.shape.last == output.shape.last,
                     "logSoftmax \(logits.shape) into \(output.shape)")
        guard let v = logits.shape.last, v > 0 else { return }
        let n = logits.count / v
        let x = logits.pointer, y = output.pointer
        Threads.parallelFor(n, minimumPerThread: 16) { rows in
            for row in rows {
                let lse = Float(logSumExp(x + row * v, count: v))
                let shift = Float8(repeating: lse)
                Vector.map(x + row * v, y + row * v, count: v) { $0 - shift }
            }
        }
    }

    /// Writes softmax of each row of `logits` `(N…, V)` into `output` (may be `logits`).
    public static func softmax(_ logits: Tensor, into output: Tensor) {
        logSoftmax(logits, into: output)
        Vector.map(output.pointer, output.pointer, count: output.count) { Vector.exp($0) }
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

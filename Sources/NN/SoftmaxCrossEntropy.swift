import Tensor

/// How a loss over rows is reduced.
public enum LossReduction: String, Codable, Sendable {
    /// Average over the rows that count (targets equal to the ignore index do not).
    case mean
    /// Sum over the rows.
    case sum
}

/// Softmax followed by cross-entropy against integer targets, fused: one sweep per row computes
/// the log-sum-exp, the loss and the gradient with respect to the logits, written over the
/// logits themselves (the logits are not needed afterwards, and the V-wide rows are the
/// biggest buffers of a language model).
///
/// Matches PyTorch's `F.cross_entropy(logits, targets, ignore_index:, reduction:,
/// label_smoothing:)`: with smoothing ε the per-row loss is
/// `(1 − ε)·(−log p_target) + (ε / V)·Σ_c (−log p_c)` and its gradient `p − (1 − ε)·onehot − ε/V`.
///
/// Dimension letters: N rows (T·B for a language model), V classes.
public final class SoftmaxCrossEntropy {
    /// Target value whose rows add nothing to loss or gradient (padding); nil for none.
    public var ignoreIndex: Int32?
    public var reduction: LossReduction
    /// ε in [0, 1): mass spread uniformly over all classes.
    public var labelSmoothing: Float

    var rowLosses: [Double] = []

    public init(ignoreIndex: Int32? = nil, reduction: LossReduction = .mean, labelSmoothing: Float = 0) {
        precondition(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing \(labelSmoothing) outside [0, 1)")
        self.ignoreIndex = ignoreIndex
        self.reduction = reduction
        self.labelSmoothing = labelSmoothing
    }

    /// The result of one loss evaluation.
    public struct Result: Equatable, Sendable {
        /// The reduced loss.
        public var loss: Double
        /// Σ over counted rows of the per-row loss (equals `loss` for `.sum`).
        public var totalLoss: Double
        /// Rows that counted (targets other than the ignore index).
        public var count: Int
    }

    /// Computes the loss and overwrites `logits` with `gradientScale · ∂loss/∂logits`.
    ///
    /// - Parameters:
    ///   - logits: `(N, V)`; replaced by the gradient.
    ///   - targets: `N` class indices in `0..<V`, or the ignore index.
    ///   - addingBias: a `(V)` bias the logits still lack (`Linear.forward(_:addingBias: false)`);
    ///     it is added to each row in the sweep that finds the row's maximum.
    ///   - gradientScale: multiplies the gradient (e.g. T to train on a loss summed over time
    ///     while reporting the mean); the returned loss is not scaled.
    public func lossAndGradient(logits: Tensor, targets: [Int32], addingBias bias: Tensor? = nil,
                                gradientScale: Float = 1) -> Result {
        let (n, v) = checkShapes(logits, targets)
        let count = countedRows(targets)
        let rowScale = reduction == .mean ? gradientScale / Float(max(count, 1)) : gradientScale
        let epsilon = labelSmoothing
        let base = logits.pointer
        let b = checkBias(bias, v)
        computeRowLosses(n: n, targets: targets, ignored: { row in
            (base + row * v).update(repeating: 0, count: v)
        }, loss: { row, target in
            SoftmaxCrossEntropy.rowLossAndGradient(base + row * v, bias: b, count: v, target: target,
                                                   epsilon: epsilon, scale: rowScale)
        })
        return reduce(n: n, count: count)
    }

    /// The loss only (evaluation). `logits` are left unchanged, except that `addingBias` (see
    /// `lossAndGradient`) is added into the rows it scores.
    public func loss(logits: Tensor, targets: [Int32], addingBias bias: Tensor? = nil) -> Result {
        let (n, v) = checkShapes(logits, targets)
        let count = countedRows(targets)
        let epsilon = labelSmoothing
        let base = logits.pointer
        let b = checkBias(bias, v)
        computeRowLosses(n: n, targets: targets, ignored: { _ in }, loss: { row, target in
            SoftmaxCrossEntropy.rowLoss(base + row * v, bias: b, count: v, target: target, epsilon: epsilon)
        })
        return reduce(n: n, count: count)
    }

    /// Per-row losses of the last call (0 for ignored rows), e.g. to score sentences.
    public func lastRowLosses(count: Int) -> ArraySlice<Double> {
        rowLosses.prefix(count)
    }

    /// Fills `rowLosses[0..<n]`: `loss(row, target)` for counted rows, 0 (after `ignored(row)`)
    /// for ignored ones. Rows are independent, so each thread takes a contiguous block; the
    /// per-row values are summed afterwards in row order, so totals do not depend on threads.
    func computeRowLosses(n: Int, targets: [Int32], ignored: (Int) -> Void, loss: (Int, Int) -> Double) {
        if rowLosses.count < n { rowLosses = [Double](repeating: 0, count: n) }
        let ignore = ignoreIndex ?? -1
        rowLosses.withUnsafeMutableBufferPointer { losses in
            targets.withUnsafeBufferPointer { targets in
                Threads.parallelFor(n, minimumPerThread: 16) { rows in
                    for row in rows {
                        let target = targets[row]
                        if target == ignore {
                            ignored(row)
                            losses[row] = 0
                        } else {
                            losses[row] = loss(row, Int(target))
                        }
                    }
                }
            }
        }
    }

    func checkShapes(_ logits: Tensor, _ targets: [Int32]) -> (Int, Int) {
        precondition(logits.rank >= 1, "logits must have a class axis")
        let v = logits.shape[logits.rank - 1]
        let n = v == 0 ? 0 : logits.count / v
        precondition(targets.count == n, "\(targets.count) targets for \(n) rows of logits \(logits.shape)")
        let ignore = ignoreIndex ?? -1
        for t in targets {
            precondition(t == ignore || (t >= 0 && Int(t) < v), "target \(t) outside 0..<\(v)")
        }
        return (n, v)
    }

    func checkBias(_ bias: Tensor?, _ v: Int) -> UnsafePointer<Float>? {
        guard let bias else { return nil }
        precondition(bias.count == v, "bias of \(bias.count) for \(v) classes")
        return UnsafePointer(bias.pointer)
    }

    func countedRows(_ targets: [Int32]) -> Int {
        guard let ignore = ignoreIndex else { return targets.count }
        return targets.reduce(0) { $0 + ($1 == ignore ? 0 : 1) }
    }

    func reduce(n: Int, count: Int) -> Result {
        var total = 0.0
        for row in 0..<n { total += rowLosses[row] }
        let loss = reduction == .mean ? (count > 0 ? total / Double(count) : 0) : total
        return Result(loss: loss, totalLoss: total, count: count)
    }

    /// Loss of one row; overwrites `x` with `scale · (softmax − (1−ε)·onehot − ε/V)`.
    @inlinable
    static func rowLossAndGradient(_ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, count v: Int,
                                   target: Int, epsilon: Float, scale: Float) -> Double {
        let m = bias.map { Vector.addAndMax($0, into: x, count: v) } ?? Vector.max(x, count: v)
        let xTarget = x[target]
        let sumX = epsilon > 0 ? Vector.sum(x, count: v) : 0
        // Exponentials stored in place while summing.
        let shift = Float8(repeating: m)
        var s0 = Float8(), s1 = Float8()
        var i = 0
        while i + 16 <= v {
            let e0 = Vector.exp(Vector.load(x + i) - shift)
            let e1 = Vector.exp(Vector.load(x + i + 8) - shift)
            Vector.store(e0, x + i); Vector.store(e1, x + i + 8)
            s0 += e0; s1 += e1
            i += 16
        }
        var sum = Double((s0 + s1).sum())
        while i < v {
            let e = Vector.exp(Float8(repeating: x[i] - m))[0]
            x[i] = e
            sum += Double(e)
            i += 1
        }
        let logSumExp = Double(m) + _log(sum)
        let multiplier = Float8(repeating: Float(Double(scale) / sum))
        let offset = Float8(repeating: scale * epsilon / Float(v))
        i = 0
        while i + 8 <= v {
            Vector.store(Vector.load(x + i) * multiplier - offset, x + i)
            i += 8
        }
        while i < v {
            x[i] = x[i] * multiplier[0] - offset[0]
            i += 1
        }
        x[target] -= scale * (1 - epsilon)
        let nll = logSumExp - Double(xTarget)
        guard epsilon > 0 else { return nll }
        let smooth = Double(v) * logSumExp - sumX
        return Double(1 - epsilon) * nll + Double(epsilon) / Double(v) * smooth
    }

    /// Loss of one row, reading only (after adding `bias` into it, when given).
    @inlinable
    static func rowLoss(_ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, count v: Int, target: Int,
                        epsilon: Float) -> Double {
        let m = bias.map { Vector.addAndMax($0, into: x, count: v) } ?? Vector.max(x, count: v)
        let logSumExp = Double(m) + _log(Softmax.shiftedExpSum(x, count: v, shift: m))
        let nll = logSumExp - Double(x[target])
        guard epsilon > 0 else { return nll }
        let smooth = Double(v) * logSumExp - Vector.sum(x, count: v)
        return Double(1 - epsilon) * nll + Double(epsilon) / Double(v) * smooth
    }
}

#if canImport(Glibc)
import Glibc
@usableFromInline func _log(_ x: Double) -> Double { Glibc.log(x) }
#elseif canImport(Darwin)
import Darwin
@usableFromInline func _log(_ x: Double) -> Double { Darwin.log(x) }
#endif

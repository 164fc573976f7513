import Tensor

extension RandomGenerator {
    /// A tensor of `shape` filled uniformly in [−bound, bound): test inputs and loss weights.
    public func uniformTensor(_ shape: [Int], bound: Float = 1) -> Tensor {
        let t = Tensor(zeros: shape)
        fillUniform(t, bound: bound)
        return t
    }
}

/// Σ w ⊙ x in Double: a loss whose gradient with respect to x is w, for gradient checks.
public func weightedSum(_ x: Tensor, _ w: Tensor) -> Double {
    precondition(x.count == w.count, "weighted sum of \(x.shape) with \(w.shape)")
    var total = 0.0
    for i in 0..<x.count { total += Double(x.pointer[i]) * Double(w.pointer[i]) }
    return total
}

// The generator itself lives in Support (the corpus generators and the REPL draw from it too);
// Tensor re-exports it, so `import Tensor` is enough to use it.
@_exported import Support

extension RandomGenerator {
    // MARK: filling tensors

    /// Fills `tensor` with uniform values in [−bound, bound).
    public func fillUniform(_ tensor: Tensor, bound: Float) {
        let p = tensor.pointer
        for i in 0..<tensor.count { p[i] = nextFloat(in: -bound, bound) }
    }

    /// Fills `tensor` with normal values of the given mean and standard deviation.
    public func fillNormal(_ tensor: Tensor, mean: Float = 0, standardDeviation: Float = 1) {
        let p = tensor.pointer
        for i in 0..<tensor.count { p[i] = mean + standardDeviation * nextNormal() }
    }
}

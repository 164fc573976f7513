import Tensor

/// Central finite differences against a hand-written gradient.
///
/// The layers compute in Float32, so ε cannot be tiny: with ε = 1e-2 the truncation error of
/// the central difference is ~ε²·f‴/6 ≈ 2e-5 for these smooth functions, and the rounding error
/// of two Float32 loss evaluations (~1e-6 each, summed in Double) divided by 2ε is ~1e-4. The
/// default band (5e-4 + 1e-2·|g|) sits above both and far below what a wrong index, sign or gate
/// formula produces (errors of the size of the gradient itself).
public struct GradientCheck {
    public var epsilon: Float = 1e-2
    public var tolerance = Tolerance(absolute: 5e-4, relative: 1e-2)
    /// Elements probed per tensor (evenly spread); all of them when the tensor is smaller.
    public var maximumProbes = 16

    public init() {}

    /// Perturbs elements of `tensor` in place (restoring them) and compares
    /// `(loss(x+ε) − loss(x−ε)) / 2ε` with `analytic`. `loss` must recompute from scratch.
    /// Returns nil when all probes agree, else a report.
    public func report(_ tensor: Tensor, analytic: Tensor, name: String, loss: () -> Double) -> String? {
        precondition(tensor.count == analytic.count, "\(name): gradient shape \(analytic.shape) for \(tensor.shape)")
        let n = tensor.count
        let probes = n <= maximumProbes ? Array(0..<n) : (0..<maximumProbes).map { $0 * n / maximumProbes + (n / maximumProbes) / 2 }
        var numeric: [Double] = []
        var expected: [Double] = []
        let p = tensor.pointer
        for i in probes {
            let saved = p[i]
            p[i] = saved + epsilon
            let plus = loss()
            p[i] = saved - epsilon
            let minus = loss()
            p[i] = saved
            numeric.append((plus - minus) / (2 * Double(epsilon)))
            expected.append(Double(analytic.pointer[i]))
        }
        return tolerance.mismatchReport(expected, numeric, name: "\(name) (analytic vs finite difference)")
    }
}

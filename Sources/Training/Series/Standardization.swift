/// `z = (x − mean) / scale`: what the model sees instead of raw values, so that one learning
/// rate and PyTorch's initialisation suit any series' units.
///
/// Fitted on the training part of a series only: statistics that had seen the validation part
/// would leak its level into training.
public struct Standardization: Codable, Equatable, Sendable {
    /// Mean of the values it was fitted on.
    public var mean: Double
    /// Their population standard deviation (divided by n, as numpy's `std`); 1 when they are
    /// all equal, so a flat series still maps to finite values.
    public var scale: Double

    public init(mean: Double, scale: Double) {
        self.mean = mean
        self.scale = scale
    }

    /// Fits mean and standard deviation to `values` (two passes in Double; not empty).
    public init<C: Collection>(fitting values: C) where C.Element == Double {
        precondition(!values.isEmpty, "standardization needs at least one value")
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let deviation = variance.squareRoot()
        self.init(mean: mean, scale: deviation > 0 && deviation.isFinite ? deviation : 1)
    }

    /// The model-side value of `x`.
    @inlinable
    public func standardized(_ x: Double) -> Float {
        Float((x - mean) / scale)
    }

    /// The value in original units of a model-side `z`.
    @inlinable
    public func original(_ z: Float) -> Double {
        mean + scale * Double(z)
    }
}

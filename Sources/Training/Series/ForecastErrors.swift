/// Squared and absolute errors summed over forecast values, in Double and in the order they are
/// added (so totals do not depend on threads).
public struct ForecastErrors: Equatable, Sendable {
    public var squaredSum = 0.0
    public var absoluteSum = 0.0
    public var count = 0

    public init() {}

    @inlinable
    public mutating func add(prediction: Double, actual: Double) {
        let d = prediction - actual
        squaredSum += d * d
        absoluteSum += abs(d)
        count += 1
    }

    /// Mean squared error (NaN when empty).
    public var mse: Double { count > 0 ? squaredSum / Double(count) : .nan }
    /// Mean absolute error (NaN when empty).
    public var mae: Double { count > 0 ? absoluteSum / Double(count) : .nan }
}

/// A model's errors beside those of the naive forecast on the same windows, in original units.
public struct ForecastComparison: Equatable, Sendable {
    /// The model's forecasts.
    public var model = ForecastErrors()
    /// The naive forecast: every one of the H values equals the last value of the window.
    public var naive = ForecastErrors()

    public init() {}

    /// How much lower the model's MAE is than the naive one, as a fraction (0.3 = 30% lower).
    public var maeReduction: Double { 1 - model.mae / naive.mae }
}

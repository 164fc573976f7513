import Foundation
import Tensor

/// The generated series shipped in `corpora/series/`: hourly values with a slow linear trend,
/// a daily and a weekly cycle, and Gaussian noise,
///
///     y(t) = level + trend·t + daily·sin(2πt/24) + weekly·sin(2πt/168 + 1) + noise·ε(t)
///
/// for t = 0 ..< count, ε(t) standard normal from `RandomGenerator(seed:)` (xoshiro256**,
/// Box–Muller), written with two decimals. The same seed gives the same file byte for byte.
///
/// Why this shape: the naive last-value forecast pays for the daily swing at every step (about
/// 1.9 in MAE with these defaults), while a model that has learnt the cycle is left with little
/// more than the noise (MAE ≈ 0.8·noise), so a working forecaster must beat naive clearly.
public struct SyntheticSeries: Codable, Equatable, Sendable {
    /// Number of hourly values.
    public var count = 3000
    /// Seed of the noise.
    public var seed: UInt64 = 1
    /// Value at t = 0 before the cycles and the noise.
    public var level = 20.0
    /// Added per hour.
    public var trend = 0.004
    /// Amplitude of the 24-hour cycle.
    public var daily = 10.0
    /// Amplitude of the 168-hour (weekly) cycle.
    public var weekly = 3.0
    /// Standard deviation of the noise.
    public var noise = 1.0

    public init() {}

    /// The values, unrounded.
    public func values() -> [Double] {
        let generator = RandomGenerator(seed: seed)
        return (0..<count).map { step in
            let t = Double(step)
            let cycles = daily * sin(2 * .pi * t / 24) + weekly * sin(2 * .pi * t / 168 + 1)
            return level + trend * t + cycles + noise * Double(generator.nextNormal())
        }
    }

    /// The CSV text: a header `hour,value`, then one row per hour with the value to two decimals.
    public func csv() -> String {
        var text = "hour,value\n"
        for (hour, value) in values().enumerated() {
            text += "\(hour)," + String(format: "%.2f", value) + "\n"
        }
        return text
    }
}

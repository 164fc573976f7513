/// How the learning rate changes over a run: an optional linear warm-up, then a decay rule.
/// Codable (with its plateau state) so a resumed run continues on the same schedule.
public struct LearningRateSchedule: Codable, Equatable, Sendable {
    /// How the rate decays after warm-up.
    public enum Decay: Codable, Equatable, Sendable {
        /// The base rate throughout.
        case constant
        /// Zaremba et al. (2014): the base rate for the first `epochs` epochs, then divided by
        /// `factor` once more at each following epoch (epoch e > N gets base / factor^(e − N)).
        case afterEpoch(epochs: Int, factor: Double)
        /// Divide by `factor` whenever the validation loss has not improved by more than
        /// `threshold` (relative) for `patience` evaluations in a row.
        case onPlateau(factor: Double, patience: Int, threshold: Double)
    }

    /// The starting rate.
    public var base: Double
    /// Optimizer steps of linear warm-up from base/steps to base (0: none).
    public var warmupSteps: Int = 0
    /// The decay rule.
    public var decay: Decay = .constant

    /// Plateau state: the current divisor, the best loss seen, evaluations without improvement.
    public private(set) var plateauDivisor: Double = 1
    public private(set) var bestLoss: Double?
    public private(set) var evaluationsWithoutImprovement = 0

    public init(base: Double, warmupSteps: Int = 0, decay: Decay = .constant) {
        self.base = base
        self.warmupSteps = warmupSteps
        self.decay = decay
    }

    /// The rate for optimizer step `step` (counted from 1) in epoch `epoch` (counted from 1).
    public func rate(epoch: Int, step: Int) -> Double {
        var rate = base
        if warmupSteps > 0 && step < warmupSteps {
            rate *= Double(max(step, 1)) / Double(warmupSteps)
        }
        switch decay {
        case .constant:
            break
        case let .afterEpoch(epochs, factor):
            let decays = max(epoch - epochs, 0)
            for _ in 0..<decays { rate /= factor }
        case .onPlateau:
            rate /= plateauDivisor
        }
        return rate
    }

    /// Records a validation loss (for `.onPlateau`; ignored otherwise).
    ///
    /// - Returns: whether the rate was just divided.
    @discardableResult
    public mutating func observe(validationLoss loss: Double) -> Bool {
        guard case let .onPlateau(factor, patience, threshold) = decay else { return false }
        if let best = bestLoss, !(loss < best * (1 - threshold)) {
            evaluationsWithoutImprovement += 1
            if evaluationsWithoutImprovement > patience {
                plateauDivisor *= factor
                evaluationsWithoutImprovement = 0
                return true
            }
            return false
        }
        bestLoss = loss
        evaluationsWithoutImprovement = 0
        return false
    }
}

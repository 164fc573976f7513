import Tensor

/// The running mean of a model's parameters over the optimizer steps taken since averaging
/// began (Polyak–Ruppert iterate averaging, as in AWD-LSTM's averaged SGD and PyTorch's
/// `torch.optim.swa_utils.AveragedModel` updated after every step).
///
/// After step k of the averaging, each mean is `a ← a + (θ − a) / k`, so it is θ itself after
/// the first step. The mean is kept beside the parameters, never in them; `withAveraged`
/// lends it to the model (for evaluating or saving it) and puts the trained values back.
/// Shared (tied) parameters are averaged once.
public final class ParameterAverage {
    /// One mean per distinct parameter, in `ParameterRegistry.unique` order.
    public let means: [Tensor]
    /// Steps averaged so far.
    public private(set) var steps = 0
    let registry: ParameterRegistry

    public init(of registry: ParameterRegistry) {
        self.registry = registry
        means = registry.unique.map { Tensor(zeros: $0.parameter.shape) }
    }

    /// Folds the parameters' current values into the mean.
    public func accumulate() {
        steps += 1
        let k = Float(steps)
        for (entry, mean) in zip(registry.unique, means) {
            let theta = entry.parameter.value.pointer, a = mean.pointer
            for i in 0..<mean.count { a[i] += (theta[i] - a[i]) / k }
        }
    }

    /// Runs `body` with the means in place of the parameters' values, then restores the values
    /// (bit for bit, also when `body` throws).
    public func withAveraged<T>(_ body: () throws -> T) rethrows -> T {
        let trained = registry.unique.map { $0.parameter.value.copy() }
        for (entry, mean) in zip(registry.unique, means) { entry.parameter.value.assign(mean) }
        defer {
            for (entry, values) in zip(registry.unique, trained) { entry.parameter.value.assign(values) }
        }
        return try body()
    }

    /// The means under `prefix` + each parameter's name, for a checkpoint.
    public func named(prefix: String) -> [(name: String, tensor: Tensor)] {
        zip(registry.unique, means).map { (prefix + $0.name, $1) }
    }

    /// Reads back what `named(prefix:)` wrote after `steps` averaged steps.
    public func restore(steps: Int, from file: SafeTensorsFile, prefix: String) throws {
        var sources: [Tensor] = []
        for (entry, mean) in zip(registry.unique, means) {
            guard let tensor = file.tensor(named: prefix + entry.name) else {
                throw CheckpointError(path: file.path, cause: "the averaged parameter '\(prefix + entry.name)' is missing")
            }
            guard tensor.shape == mean.shape else {
                throw CheckpointError(path: file.path,
                                      cause: "the averaged parameter '\(prefix + entry.name)' has shape \(tensor.shape), not \(mean.shape)")
            }
            sources.append(tensor)
        }
        for (mean, tensor) in zip(means, sources) { mean.assign(tensor) }
        self.steps = steps
    }
}

import Models
import Tensor

/// Multi-step forecasts with a trained series model.
///
/// The model reads the last N values (standardized as in training) and gives the next H. For K
/// steps it runs autoregressively: its H forecasts are appended to the history as if observed,
/// and the window slides on, until K values exist (the last round may use fewer than H). With
/// no randomness anywhere, the same history always gives the same forecast.
public final class SeriesForecaster {
    public let configuration: SeriesRunConfiguration
    public let model: SequenceRegressor
    let inputSpace = Workspace()  // (N, 1, 1)

    /// Loads a run folder or its `model.safetensors`.
    public init(contentsOf path: String) throws {
        (configuration, model) = try SeriesRunFolder.loadModel(path)
    }

    public init(configuration: SeriesRunConfiguration, model: SequenceRegressor) {
        self.configuration = configuration
        self.model = model
    }

    /// Values the model reads per forecast (N): the least history `forecast` accepts.
    public var window: Int { configuration.training.window }

    /// The next `steps` values after `history` (original units; at least `window` values, of
    /// which the last `window` are read).
    public func forecast<C: Collection>(history: C, steps: Int) -> [Double] where C.Element == Double {
        let n = window, h = configuration.training.horizon
        let scale = configuration.standardization
        precondition(history.count >= n, "a forecast needs \(n) values of history, got \(history.count)")
        var recent = history.suffix(n).map { scale.standardized($0) }
        var result: [Double] = []
        result.reserveCapacity(steps)
        let input = inputSpace.tensor([n, 1, 1])
        while result.count < steps {
            recent.withUnsafeBufferPointer { input.pointer.update(from: $0.baseAddress!, count: n) }
            let output = model.forward(input)
            for k in 0 ..< min(h, steps - result.count) {
                let z = output.pointer[k]
                result.append(scale.original(z))
                recent.removeFirst()
                recent.append(z)
            }
        }
        return result
    }
}

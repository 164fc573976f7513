import Foundation
import Models
import NN
import Support
import Tensor

/// Trains a `SequenceRegressor` to forecast one numeric series: standardization fitted on the
/// training part, sliding windows split by time (`SeriesWindows`), training windows shuffled
/// each epoch by the run's seeded generator, Adam on the standardized loss, and after every
/// epoch the validation errors in original units beside the naive last-value forecast. The
/// parameters of the epoch with the lowest validation loss are kept (`model.safetensors`).
///
/// Dimension letters: N window, B batch, H horizon.
public final class SeriesTrainer {
    public let configuration: SeriesRunConfiguration
    public let windows: SeriesWindows
    public let model: SequenceRegressor
    /// The series in original units (n).
    public let values: [Double]
    /// The series standardized, what the model reads (n).
    let standardized: [Float]
    let generator: RandomGenerator
    let loss: RegressionLoss
    let optimizer: Adam

    /// Batch buffers.
    let inputSpace = Workspace()  // (N, B, 1)
    let targetSpace = Workspace()  // (B, H)
    let gradientSpace = Workspace()  // (B, H)

    /// One finished epoch.
    public struct Epoch: Sendable {
        public var epoch: Int
        /// Optimizer steps so far.
        public var step: Int
        /// Mean training loss over the epoch's batches (standardized units, training mode).
        public var trainLoss: Double
        /// Errors of the training forecasts made during the epoch (before each update), in
        /// original units: what Keras reports as the epoch's training metrics.
        public var train: ForecastErrors
        /// The model after the epoch against the naive forecast on the validation windows.
        public var valid: ForecastComparison
        /// Seconds spent in training batches (forward, backward, update).
        public var trainSeconds: Double
        /// Processor seconds of the whole process (all threads) during those batches: a figure
        /// less disturbed than wall time by other jobs on the machine, for one thread.
        public var trainCPUSeconds: Double
        /// Seconds for the whole epoch: batches, validation and writing files.
        public var seconds: Double
        /// Whether this epoch's validation loss is the best so far (its parameters were saved).
        public var isBest: Bool
        /// Whether the epoch was cut short by an interrupt.
        public var interrupted: Bool
    }

    /// The result of `train`.
    public struct Summary: Sendable {
        public var epochs: [Epoch]
        /// The epoch whose parameters the model now holds and `model.safetensors` stores.
        public var bestEpoch: Int
        /// The best model on the training windows (evaluation mode) and on the validation windows.
        public var train: ForecastComparison
        public var valid: ForecastComparison
        public var interrupted: Bool
        /// Σ of the epochs' `trainSeconds` and `trainCPUSeconds`.
        public var trainSeconds: Double
        public var trainCPUSeconds: Double
    }

    /// Sets up a run on `column`'s values.
    ///
    /// - Parameters:
    ///   - csvPath: recorded in the configuration, as given.
    ///   - model: the model's shape; input and output sizes are set here (1 and the horizon).
    public init(column: NumericColumn, csvPath: String, model modelConfiguration: SequenceRegressorConfiguration,
                options: SeriesTrainingOptions) throws {
        if let problem = options.problem { throw SeriesSetupError(problem) }
        var modelConfiguration = modelConfiguration
        modelConfiguration.inputSize = 1
        modelConfiguration.outputSize = options.horizon
        if let problem = modelConfiguration.problem { throw SeriesSetupError(problem) }
        if let problem = MemoryBudget.trainingProblem(parameters: modelConfiguration.parameterCount) {
            throw SeriesSetupError("this model cannot be trained on this machine: \(problem)")
        }
        let windows = try SeriesWindows(count: column.values.count, window: options.window, horizon: options.horizon,
                                        validFraction: options.validFraction)
        let standardization = Standardization(fitting: column.values[..<windows.trainEnd])
        configuration = SeriesRunConfiguration(
            data: SeriesDataDescription(csv: csvPath, column: column.name, columnNumber: column.index + 1,
                                        values: column.values.count, trainValues: windows.trainEnd),
            standardization: standardization, model: modelConfiguration, training: options)
        self.windows = windows
        values = column.values
        standardized = column.values.map { standardization.standardized($0) }
        generator = RandomGenerator(seed: options.seed)
        model = SequenceRegressor(configuration: modelConfiguration, generator: generator)
        loss = options.loss.makeLoss()
        optimizer = Adam(parameters: model.registry, learningRate: options.learningRate)
    }

    // MARK: evaluation

    /// The current model (evaluation mode) and the naive forecast on the windows `starts`, in
    /// original units, `batchSize` windows per forward pass.
    public func evaluate(starts: Range<Int>, batchSize: Int = 256) -> ForecastComparison {
        var result = ForecastComparison()
        let n = windows.window, h = windows.horizon
        let scale = configuration.standardization
        var first = starts.lowerBound
        while first < starts.upperBound {
            let batch = first ..< min(first + batchSize, starts.upperBound)
            let input = inputSpace.tensor([n, batch.count, 1]), target = targetSpace.tensor([batch.count, h])
            windows.fill(starts: batch, from: standardized, input: input, target: target)
            let prediction = model.forward(input)
            for (column, start) in batch.enumerated() {
                let last = values[start + n - 1]
                for k in 0..<h {
                    let actual = values[start + n + k]
                    result.model.add(prediction: scale.original(prediction.pointer[column * h + k]), actual: actual)
                    result.naive.add(prediction: last, actual: actual)
                }
            }
            first = batch.upperBound
        }
        return result
    }

    /// The validation loss that picks the best epoch: MSE or MAE, as the training loss.
    func selectionLoss(_ errors: ForecastErrors) -> Double {
        configuration.training.loss == .l1 ? errors.mae : errors.mse
    }

    // MARK: training

    /// Trains for the configured epochs (or until `Interrupt.requested`), writing the run folder
    /// as it goes: `config.json` first, then after each epoch `metrics.jsonl` and `curves.svg`,
    /// and `model.safetensors` whenever validation improves. Ends with the best parameters
    /// loaded into `model`.
    ///
    /// - Parameters:
    ///   - folder: the run folder (created when missing).
    ///   - progress: live progress within epochs, or nil.
    ///   - onEpoch: called after each epoch, e.g. to print a line.
    public func train(folder: String, progress: ProgressReporter? = nil,
                      onEpoch: (Epoch) -> Void = { _ in }) throws -> Summary {
        let options = configuration.training
        try SeriesRunFolder.create(folder)
        try AtomicFile.write(try configuration.json(), to: SeriesRunFolder.folderPath(folder, SeriesRunFolder.configuration))
        let log = MetricsLog(path: SeriesRunFolder.folderPath(folder, SeriesRunFolder.metrics))
        let modelPath = SeriesRunFolder.folderPath(folder, SeriesRunFolder.model)
        let curvesPath = SeriesRunFolder.folderPath(folder, SeriesRunFolder.curves)

        var order = Array(windows.trainStarts)
        let batchesPerEpoch = (order.count + options.batchSize - 1) / options.batchSize
        var epochs: [Epoch] = []
        var best: (epoch: Int, loss: Double, parameters: [Tensor])?
        var interrupted = false
        let runStart = Date()

        for epoch in 1...options.epochs {
            let epochStart = Date()
            shuffle(&order)
            var errors = ForecastErrors()
            var lossSum = 0.0
            var batches = 0
            var trainSeconds = 0.0, trainCPUSeconds = 0.0
            for batchStart in stride(from: 0, to: order.count, by: options.batchSize) {
                let batch = order[batchStart ..< min(batchStart + options.batchSize, order.count)]
                let batchTime = Date(), batchCPU = SeriesTrainer.processorSeconds()
                lossSum += trainBatch(batch, errors: &errors)
                trainSeconds += Date().timeIntervalSince(batchTime)
                trainCPUSeconds += SeriesTrainer.processorSeconds() - batchCPU
                batches += 1
                if let progress {
                    let done = Double(epoch - 1) + Double(batches) / Double(batchesPerEpoch)
                    let elapsed = Date().timeIntervalSince(runStart)
                    let remaining = elapsed / done * (Double(options.epochs) - done)
                    progress.update(fraction: done / Double(options.epochs), status: String(
                        format: "epoch %d/%d  loss %.4f  %@ windows/s  ETA %@", epoch, options.epochs,
                        lossSum / Double(batches), ProgressReporter.rate(Double(errors.count / windows.horizon) / max(trainSeconds, 1e-9)),
                        ProgressReporter.clock(remaining)))
                }
                if Interrupt.requested {
                    interrupted = true
                    break
                }
            }
            let valid = evaluate(starts: windows.validStarts)
            let validLoss = selectionLoss(valid.model)
            let isBest = validLoss.isFinite && validLoss < (best?.loss ?? .infinity)
            if isBest {
                best = (epoch, validLoss, model.registry.unique.map { $0.parameter.value.copy() })
                try SeriesRunFolder.writeModel(model.registry, configuration: configuration, epoch: epoch, to: modelPath)
            }
            let scale = configuration.standardization.scale
            var record = Epoch(
                epoch: epoch, step: optimizer.stepCount, trainLoss: lossSum / Double(max(batches, 1)),
                train: ForecastErrors(), valid: valid, trainSeconds: trainSeconds, trainCPUSeconds: trainCPUSeconds, seconds: 0,
                isBest: isBest, interrupted: interrupted)
            // Training errors were summed on standardized values; one scale converts them.
            record.train.count = errors.count
            record.train.squaredSum = errors.squaredSum * scale * scale
            record.train.absoluteSum = errors.absoluteSum * scale
            log.append(MetricsLog.Record(kind: "epoch", epoch: epoch, step: optimizer.stepCount, values: [
                "train_loss": record.trainLoss, "train_mse": record.train.mse, "train_mae": record.train.mae,
                "valid_mse": valid.model.mse, "valid_mae": valid.model.mae,
                "naive_valid_mse": valid.naive.mse, "naive_valid_mae": valid.naive.mae,
                "learning_rate": Double("\(optimizer.learningRate)") ?? .nan, "train_seconds": trainSeconds,
                "train_cpu_seconds": trainCPUSeconds,
            ]))
            try log.flush()
            try AtomicFile.write(SeriesCharts.trainingCurves(log.records, title: "series \(configuration.data.csv)"),
                                 to: curvesPath)
            record.seconds = Date().timeIntervalSince(epochStart)
            epochs.append(record)
            onEpoch(record)
            if interrupted { break }
        }
        progress?.finish()

        guard let best else {
            throw SeriesSetupError("training diverged: the validation loss was never finite; try a lower learning rate")
        }
        for (entry, saved) in zip(model.registry.unique, best.parameters) {
            entry.parameter.value.assign(saved)
        }
        let summary = Summary(epochs: epochs, bestEpoch: best.epoch, train: evaluate(starts: windows.trainStarts),
                              valid: evaluate(starts: windows.validStarts), interrupted: interrupted,
                              trainSeconds: epochs.reduce(0) { $0 + $1.trainSeconds },
                              trainCPUSeconds: epochs.reduce(0) { $0 + $1.trainCPUSeconds })
        log.append(MetricsLog.Record(kind: "final", epoch: best.epoch, step: optimizer.stepCount, values: [
            "train_mse": summary.train.model.mse, "train_mae": summary.train.model.mae,
            "naive_train_mse": summary.train.naive.mse, "naive_train_mae": summary.train.naive.mae,
            "valid_mse": summary.valid.model.mse, "valid_mae": summary.valid.model.mae,
            "naive_valid_mse": summary.valid.naive.mse, "naive_valid_mae": summary.valid.naive.mae,
            "train_seconds": summary.trainSeconds, "train_cpu_seconds": summary.trainCPUSeconds,
        ]))
        try log.flush()
        return summary
    }

    /// Forward, loss, backward and one Adam step on the windows `batch`; adds the batch's
    /// standardized errors to `errors` and returns the batch loss.
    func trainBatch(_ batch: ArraySlice<Int>, errors: inout ForecastErrors) -> Double {
        let n = windows.window, h = windows.horizon, b = batch.count
        let input = inputSpace.tensor([n, b, 1]), target = targetSpace.tensor([b, h])
        windows.fill(starts: batch, from: standardized, input: input, target: target)
        model.registry.zeroGradients()
        let prediction = model.forward(input, training: true, generator: generator)
        for i in 0..<(b * h) {
            errors.add(prediction: Double(prediction.pointer[i]), actual: Double(target.pointer[i]))
        }
        let gradient = gradientSpace.tensor([b, h])
        let value = loss.lossAndGradient(prediction: prediction, target: target, gradient: gradient)
        model.backward(outputGradient: gradient)
        if let limit = configuration.training.clipNorm {
            model.registry.clipGradientNorm(maxNorm: limit)
        }
        optimizer.step()
        return value
    }

    /// User + system processor time of the process so far.
    static func processorSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Fisher–Yates with the run's generator.
    func shuffle(_ order: inout [Int]) {
        guard order.count > 1 else { return }
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, generator.nextInt(below: i + 1))
        }
    }
}

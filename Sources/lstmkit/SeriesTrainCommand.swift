import ArgumentParser
import Foundation
import Models
import NN
import Support
import Tensor
import Training

/// `lstmkit series train`: the Keras-style forecaster (LSTM over windows of past values, a
/// linear head, MSE, Adam) on one CSV column.
struct SeriesTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an LSTM to forecast a numeric CSV column from its last N values.",
        discussion: """
            The last --valid share of the series is the validation part; standardization uses the \
            training part only. Errors are reported in the column's units, beside the naive \
            forecast (the window's last value). The run folder gets config.json, model.safetensors \
            (the epoch with the best validation loss), metrics.jsonl and curves.svg. Ctrl-C stops \
            after the current batch and keeps the best model so far.
            """
    )

    @OptionGroup var input: SeriesInputOptions

    @Option(help: ArgumentHelp("Past values the model reads per forecast.", valueName: "N"))
    var window: Int

    @Option(help: ArgumentHelp("Values forecast at once (one output unit each).", valueName: "H"))
    var horizon = 1

    @Option(help: "Memory cells per LSTM layer (and direction).")
    var hidden = 128

    @Option(help: "Stacked recurrent layers.")
    var layers = 1

    @Flag(help: "Read each window in both directions (BiLSTM).")
    var bidirectional = false

    @Option(help: ArgumentHelp("Recurrent cell.", valueName: "lstm|gru|rnn"))
    var cell: RecurrentCellKind = .lstm

    @Option(help: "Dropout between recurrent layers (with --layers 2 or more).")
    var dropout: Float = 0

    @Option(help: "Passes over the training windows.")
    var epochs = 20

    @Option(name: .customLong("batch-size"), help: "Windows per optimizer step.")
    var batchSize = 32

    @Option(help: "Adam's learning rate.")
    var lr: Float = 1e-3

    @Option(help: ArgumentHelp("Share of the series, at its end, kept for validation.", valueName: "FRACTION"))
    var valid = 0.2

    @Option(help: ArgumentHelp("Training loss on standardized values.", valueName: "mse|l1"))
    var loss: RegressionLossKind = .mse

    @Option(help: ArgumentHelp("Clip the global gradient norm to this value (default: no clipping).", valueName: "NORM"))
    var clip: Double?

    @Option(help: "Seed for initialisation, shuffling and dropout.")
    var seed: UInt64 = 1

    // One thread by default: a forecaster's matrices are small (a batch of 32 windows), and while
    // another job holds a core, a two-thread run waits at every per-step barrier (measured five to
    // ten times slower than one thread on this 2-core machine under load).
    @Option(help: "Threads (0: all cores). The same seed and thread count give the same run, bit for bit.")
    var threads = 1

    @Option(help: ArgumentHelp("The run folder.", valueName: "DIR"))
    var out = "runs/series"

    var options: SeriesTrainingOptions {
        var options = SeriesTrainingOptions()
        options.window = window
        options.horizon = horizon
        options.epochs = epochs
        options.batchSize = batchSize
        options.learningRate = lr
        options.validFraction = valid
        options.loss = loss
        options.clipNorm = clip
        options.seed = seed
        options.threads = threads
        return options
    }

    var model: SequenceRegressorConfiguration {
        SequenceRegressorConfiguration(cell: cell, hiddenSize: hidden, layers: layers, bidirectional: bidirectional,
                                       dropout: dropout, outputSize: horizon)
    }

    func validate() throws {
        if let problem = options.problem ?? model.problem ?? MemoryBudget.trainingProblem(parameters: model.parameterCount) {
            throw ValidationError(problem.prefix(1).uppercased() + problem.dropFirst() + ".")
        }
    }

    func run() throws {
        Threads.setCount(threads)
        let column = try input.read()
        let trainer: SeriesTrainer
        do {
            trainer = try SeriesTrainer(column: column, csvPath: input.csv, model: model, options: options)
        } catch let error as SeriesSetupError {
            throw SeriesDataError(path: column.path, cause: error.message)
        }
        let w = trainer.windows
        let m = trainer.configuration.model
        print("series   \(column.path), \(column.label): \(grouped(w.count)) values; training part \(grouped(w.trainEnd)), validation part \(grouped(w.count - w.trainEnd))")
        print("windows  \(w.window) values in, \(w.horizon) out: \(grouped(w.trainStarts.count)) training, \(grouped(w.validStarts.count)) validation windows")
        let encoder = "\(m.bidirectional ? "bidirectional " : "")\(m.cell.rawValue.uppercased()) \(m.layers)×\(m.hiddenSize)"
        print("model    \(encoder) → Linear(\(m.recurrent.outputSize)→\(m.outputSize)), \(grouped(trainer.model.registry.scalarCount)) parameters; Adam lr \(lr), batch \(batchSize), \(epochs) epochs, \(Threads.count) thread\(Threads.count == 1 ? "" : "s")")
        fflush(stdout)

        // A live bar on a terminal; when piped, the epoch lines alone (no plain progress lines).
        let progress = ProgressReporter(plainEvery: Int.max)
        Interrupt.install()
        defer { Interrupt.uninstall() }
        let summary = try trainer.train(folder: out, progress: progress) { epoch in
            let line = String(
                format: "epoch %3d  loss %.4f  train MSE %@ MAE %@  valid MSE %@ MAE %@  (naive MAE %@)  %.1fs%@%@",
                epoch.epoch, epoch.trainLoss, seriesNumber(epoch.train.mse), seriesNumber(epoch.train.mae),
                seriesNumber(epoch.valid.model.mse), seriesNumber(epoch.valid.model.mae),
                seriesNumber(epoch.valid.naive.mae), epoch.seconds, epoch.isBest ? "  *" : "",
                epoch.interrupted ? "  (interrupted)" : "")
            progress.line(line)
        }

        print("")
        if summary.interrupted { print("interrupted: kept the best epoch so far") }
        print("best epoch \(summary.bestEpoch) of \(summary.epochs.count), errors in the column's units:")
        print("           model MSE  model MAE  naive MSE  naive MAE")
        for (name, part) in [("train", summary.train), ("valid", summary.valid)] {
            let cells = [part.model.mse, part.model.mae, part.naive.mse, part.naive.mae]
                .map { seriesNumber($0).leftPadded(10) }.joined(separator: " ")
            print("  \(name)  \(cells)")
        }
        let reduction = summary.valid.maeReduction
        print(String(format: "valid MAE %.1f%% %@ than the naive last-value forecast", abs(reduction) * 100,
                     reduction >= 0 ? "lower" : "higher"))
        print(String(format: "trained in %.1f s (%.2f s per epoch in batches)", summary.trainSeconds,
                     summary.trainSeconds / Double(max(summary.epochs.count, 1))))
        print("run      \(out)/: \(SeriesRunFolder.configuration) \(SeriesRunFolder.model) \(SeriesRunFolder.metrics) \(SeriesRunFolder.curves)")
    }
}

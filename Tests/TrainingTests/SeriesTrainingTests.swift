import Foundation
import XCTest
import Models
import Tensor
import Training

/// A tiny forecaster trained end to end: the run folder, reproducibility, the kept best model,
/// and the autoregressive forecast.
final class SeriesTrainingTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        Threads.setCount(1)
        folder = NSTemporaryDirectory() + "lstmkit-series-run-\(UUID().uuidString)"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func makeTrainer(horizon: Int = 1, seed: UInt64 = 3) throws -> SeriesTrainer {
        var series = SyntheticSeries()
        series.count = 160
        let column = NumericColumn(path: "mem", name: "value", index: 1, values: series.values())
        var options = SeriesTrainingOptions()
        options.window = 6
        options.horizon = horizon
        options.epochs = 2
        options.batchSize = 16
        options.learningRate = 0.01
        options.seed = seed
        return try SeriesTrainer(column: column, csvPath: "mem.csv", model: SequenceRegressorConfiguration(hiddenSize: 5),
                                 options: options)
    }

    func testRunFolderHoldsConfigurationBestModelMetricsAndCurves() throws {
        let trainer = try makeTrainer()
        var seen: [Int] = []
        let summary = try trainer.train(folder: folder) { seen.append($0.epoch) }
        XCTAssertEqual(seen, [1, 2])
        XCTAssertFalse(summary.interrupted)
        XCTAssertTrue(summary.valid.model.mse.isFinite)
        XCTAssertEqual(summary.valid.naive.count, trainer.windows.validStarts.count)

        let config = try String(contentsOfFile: folder + "/config.json", encoding: .utf8)
        XCTAssertEqual(try SeriesRunConfiguration.parse(config, path: "config.json"), trainer.configuration)

        let log = try MetricsLog.load(path: folder + "/metrics.jsonl")
        XCTAssertEqual(log.records.map(\.kind), ["epoch", "epoch", "final"])
        XCTAssertEqual(log.records[2].epoch, summary.bestEpoch)
        XCTAssertEqual(log.records[2].values["valid_mse"] ?? .nan, summary.valid.model.mse, accuracy: 1e-12)
        let best = summary.epochs[summary.bestEpoch - 1]
        XCTAssertTrue(best.isBest)
        XCTAssertEqual(best.valid, summary.valid)
        XCTAssertTrue(try String(contentsOfFile: folder + "/curves.svg", encoding: .utf8).contains("<svg"))

        // model.safetensors holds the parameters the trainer ends with (the best epoch's).
        let (loaded, model) = try SeriesRunFolder.loadModel(folder)
        XCTAssertEqual(loaded, trainer.configuration)
        for (a, b) in zip(model.registry.entries, trainer.model.registry.entries) {
            XCTAssertEqual(a.parameter.value.scalars, b.parameter.value.scalars, a.name)
        }
    }

    func testSameSeedSameRunBitForBit() throws {
        let a = try makeTrainer(), b = try makeTrainer(), c = try makeTrainer(seed: 4)
        let ra = try a.train(folder: folder + "/a"), rb = try b.train(folder: folder + "/b")
        _ = try c.train(folder: folder + "/c")
        XCTAssertEqual(ra.epochs.map(\.trainLoss), rb.epochs.map(\.trainLoss))
        XCTAssertEqual(a.model.registry.entries.map(\.parameter.value.scalars), b.model.registry.entries.map(\.parameter.value.scalars))
        XCTAssertNotEqual(a.model.registry.entries.map(\.parameter.value.scalars), c.model.registry.entries.map(\.parameter.value.scalars))
    }

    func testAutoregressiveForecastFeedsItsOutputsBack() throws {
        let trainer = try makeTrainer(horizon: 2)
        _ = try trainer.train(folder: folder)
        let forecaster = try SeriesForecaster(contentsOf: folder + "/model.safetensors")
        let history = trainer.values[..<100]
        let forecast = forecaster.forecast(history: history, steps: 5)
        XCTAssertEqual(forecast.count, 5)
        // Only the last window counts, and nothing is random.
        XCTAssertEqual(forecaster.forecast(history: trainer.values[90..<100], steps: 5), forecast)

        // By hand: two values per model call, each pair appended to the window.
        let scale = trainer.configuration.standardization
        var window = Array(history.suffix(6))
        var expected: [Double] = []
        while expected.count < 5 {
            let input = Tensor(shape: [6, 1, 1], scalars: window.map { scale.standardized($0) })
            let output = trainer.model.forward(input)
            for k in 0..<2 where expected.count < 5 {
                let value = scale.original(output.pointer[k])
                expected.append(value)
                window.removeFirst()
                window.append(value)
            }
        }
        for (a, e) in zip(forecast, expected) { XCTAssertEqual(a, e, accuracy: 1e-4 * max(1, abs(e))) }
    }

    func testInterruptEndsTheEpochAfterOneBatchAndKeepsAModel() throws {
        let trainer = try makeTrainer()
        Interrupt.install()
        defer { Interrupt.uninstall() }
        raise(SIGINT)
        XCTAssertTrue(Interrupt.requested)
        let summary = try trainer.train(folder: folder)
        XCTAssertTrue(summary.interrupted)
        XCTAssertEqual(summary.epochs.count, 1)
        XCTAssertTrue(summary.epochs[0].interrupted)
        XCTAssertEqual(summary.epochs[0].step, 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/model.safetensors"))
    }

    /// A configuration whose sizes its weights cannot hold is refused before the model is built.
    func testLoadingRefusesAConfigurationLargerThanItsWeights() throws {
        let trainer = try makeTrainer()
        var large = trainer.configuration
        large.model.hiddenSize = 3000
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/model.safetensors"
        try SeriesRunFolder.writeModel(trainer.model.registry, configuration: large, epoch: 1, to: path)
        let held = trainer.model.registry.scalarCount
        XCTAssertThrowsError(try SeriesRunFolder.loadModel(path)) { error in
            XCTAssertEqual("\(error)", "cannot load \(path): the configuration describes a model of "
                           + "\(Int(large.model.parameterCount)) parameters, more than the \(held) this file holds; "
                           + "the two do not belong together")
        }
    }

    func testLoadingRejectsOtherFilesInOneSentence() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        XCTAssertThrowsError(try SeriesRunFolder.loadModel(folder + "/nothing")) { error in
            XCTAssertEqual("\(error)", "cannot load \(self.folder)/nothing: no such file or folder")
        }
        XCTAssertThrowsError(try SeriesRunConfiguration.parse("{\"kind\": \"lm\"}", path: "c.json")) { error in
            XCTAssertEqual("\(error)", "cannot load c.json: the configuration is not a series run's (missing 'data')")
        }
    }
}

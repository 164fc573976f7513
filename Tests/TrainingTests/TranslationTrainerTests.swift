import Foundation
import XCTest
import Models
import NN
import Tensor
import TestSupport
@testable import Training

/// The translation trainer on a slice of the shipped toy corpus with a tiny model: a resumed
/// run equals an uninterrupted one bit for bit, the time limit validates a partial epoch, data
/// errors name their files, and the bucketing keeps lengths together.
final class TranslationTrainerTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        Threads.setCount(1)
        folder = NSTemporaryDirectory() + "lstmkit-translate-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("corpora/toy-en-fr").path
        for (split, lines) in [("train", 80), ("valid", 12)] {
            for language in ["en", "fr"] {
                let text = try String(contentsOfFile: "\(corpus)/\(split).\(language)", encoding: .utf8)
                let head = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(lines).joined(separator: "\n") + "\n"
                try head.write(toFile: "\(folder)/\(split).\(language)", atomically: true, encoding: .utf8)
            }
        }
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func configuration(epochs: Int = 2) -> TranslationConfiguration {
        var training = TranslationTrainingOptions()
        training.epochs = epochs
        training.batchSize = 16
        training.learningRate = 0.01
        training.minCount = 1
        training.teacherForcing = 0.8
        training.labelSmoothing = 0.1
        let model = TranslatorConfiguration(sourceVocabularySize: 0, targetVocabularySize: 0, embeddingSize: 8,
                                            encoderHiddenSize: 6, decoderHiddenSize: 10, layers: 2, dropout: 0.2)
        return TranslationConfiguration(sourceLanguage: "en", targetLanguage: "fr", trainPrefix: "\(folder)/train",
                                        validPrefix: "\(folder)/valid", model: model, training: training)
    }

    func quietReporter() -> ProgressReporter { ProgressReporter(mode: .plain(every: 1_000_000), sink: { _ in }) }

    func testResumedRunEqualsTheUninterruptedOneBitForBit() throws {
        let whole = TranslationRunFolder(path: folder + "/whole")
        let straight = try TranslationTrainer.start(folder: whole, configuration: configuration(), reporter: quietReporter(), say: { _ in })
        let summary = try straight.run(shouldStop: { false })
        XCTAssertEqual(summary.stop, .finished)
        XCTAssertEqual(summary.steps, 10)

        let parts = TranslationRunFolder(path: folder + "/parts")
        var batches = 0
        let first = try TranslationTrainer.start(folder: parts, configuration: configuration(), reporter: quietReporter(), say: { _ in })
        // Stop in the middle of epoch 1, then again at the end of epoch 1's last batch.
        XCTAssertEqual(try first.run(shouldStop: { batches += 1; return batches == 3 }).stop, .interrupted)
        let second = try TranslationTrainer.resume(folder: parts, reporter: quietReporter(), say: { _ in })
        XCTAssertEqual(second.epoch, 1)
        XCTAssertEqual(second.batchIndex, 3)
        batches = 0
        XCTAssertEqual(try second.run(shouldStop: { batches += 1; return batches == 2 }).stop, .interrupted)
        let third = try TranslationTrainer.resume(folder: parts, reporter: quietReporter(), say: { _ in })
        XCTAssertEqual(try third.run(shouldStop: { false }).stop, .finished)

        for file in ["last.safetensors", "model.safetensors"] {
            let a = try SafeTensorsFile(contentsOf: whole.path + "/" + file), b = try SafeTensorsFile(contentsOf: parts.path + "/" + file)
            XCTAssertEqual(a.names, b.names)
            for name in a.names {
                XCTAssertEqual(a.tensor(named: name)?.scalars, b.tensor(named: name)?.scalars, "\(file) \(name)")
            }
        }
        let records = { (path: String) -> [[String: Double]] in
            try MetricsLog.load(path: path).records.filter { $0.kind == "epoch" }.map {
                $0.values.filter { ["train_loss", "valid_loss", "valid_bleu", "lr"].contains($0.key) }
            }
        }
        XCTAssertEqual(try records(whole.metricsPath), try records(parts.metricsPath))
        XCTAssertEqual(try records(whole.metricsPath).count, 2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: parts.curvesPath))
        XCTAssertEqual(try parts.loadConfiguration(), try whole.loadConfiguration())
        // The saved best model translates.
        let engine = try TranslationEngine(folder: parts)
        let results = try engine.translate(["the cat eats.", ""], decoding: TranslationDecoding())
        // (Two epochs on a tiny corpus may well translate to nothing but <eos>: only the
        // decoding's shape is asserted here; the toy demo checks translations.)
        XCTAssertEqual(results.count, 2)
        XCTAssertEqual(results[0].sourceTokens, ["the", "cat", "eats", "."])
        XCTAssertFalse(results[0].candidates.isEmpty)
        XCTAssertEqual(results[1].text, "")
    }

    func testTimeLimitValidatesThePartialEpoch() throws {
        var options = configuration(epochs: 5)
        options.training.maxMinutes = 1e-9
        let run = TranslationRunFolder(path: folder + "/timed")
        var lines: [String] = []
        let trainer = try TranslationTrainer.start(folder: run, configuration: options, reporter: quietReporter(), say: { lines.append($0) })
        let summary = try trainer.run(shouldStop: { false })
        XCTAssertEqual(summary.stop, .timeLimit)
        XCTAssertEqual(summary.steps, 1)
        XCTAssertEqual(summary.epochsValidated, 1)
        XCTAssertTrue(lines.contains { $0.contains("(partial)") }, "\(lines)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.bestModelPath))
        // Resuming continues epoch 1 at batch 1; a processor-time budget stops the same way.
        let resumed = try TranslationTrainer.resume(folder: run, maxMinutes: 60, maxCPUMinutes: 1e-9,
                                                    reporter: quietReporter(), say: { _ in })
        XCTAssertEqual(resumed.epoch, 1)
        XCTAssertEqual(resumed.batchIndex, 1)
        let again = try resumed.run(shouldStop: { false })
        XCTAssertEqual(again.stop, .timeLimit)
        XCTAssertEqual(again.steps, 2)
        XCTAssertGreaterThan(again.cpuSeconds, 0)
        let cpu = try MetricsLog.load(path: run.metricsPath).records.filter { $0.kind == "epoch" }.compactMap { $0.values["cpu_minutes"] }
        XCTAssertEqual(cpu.count, 2)
        XCTAssertLessThanOrEqual(cpu[0], cpu[1])
    }

    func testDataErrorsNameTheFiles() throws {
        try "one\ntwo\nthree\n".write(toFile: "\(folder)/bad.en", atomically: true, encoding: .utf8)
        try "un\ndeux\n".write(toFile: "\(folder)/bad.fr", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ParallelCorpus(sourcePath: "\(folder)/bad.en", targetPath: "\(folder)/bad.fr",
                                                sourceOptions: .init(locale: "en"), targetOptions: .init(locale: "fr"))) { error in
            XCTAssertEqual("\(error)", "\(folder)/bad.en has 3 lines but \(folder)/bad.fr has 2: the two sides of a parallel corpus must be line-aligned")
        }
        let run = TranslationRunFolder(path: folder + "/twice")
        _ = try TranslationTrainer.start(folder: run, configuration: configuration(), reporter: quietReporter(), say: { _ in })
        XCTAssertThrowsError(try TranslationTrainer.start(folder: run, configuration: configuration(), reporter: quietReporter(), say: { _ in })) {
            XCTAssertTrue("\($0)".contains("already holds a training run"))
        }
        XCTAssertThrowsError(try TranslationTrainer.resume(folder: run, reporter: quietReporter(), say: { _ in })) {
            XCTAssertTrue("\($0)".contains("last.safetensors is missing"), "\($0)")
        }
    }

    /// A `config.json` whose sizes its weights cannot hold is refused before the model is built,
    /// for translating and for resuming alike.
    func testAConfigurationTooLargeForItsWeightsIsRefusedBeforeBuilding() throws {
        var options = configuration(epochs: 5)
        options.training.maxMinutes = 1e-9
        let run = TranslationRunFolder(path: folder + "/damaged")
        _ = try TranslationTrainer.start(folder: run, configuration: options, reporter: quietReporter(), say: { _ in }).run(shouldStop: { false })
        XCTAssertNoThrow(try run.loadModel(run.loadConfiguration(), checkpoint: .best))
        let text = try String(contentsOfFile: run.configurationPath, encoding: .utf8)
        XCTAssertTrue(text.contains("\"decoderHiddenSize\" : 10"))
        let attempts = [("load", { _ = try run.loadModel(run.loadConfiguration(), checkpoint: .best) }),
                        ("resume", { _ = try TranslationTrainer.resume(folder: run, reporter: self.quietReporter(), say: { _ in }) })]
            as [(String, () throws -> Void)]
        // Sizes that fit in memory but not in the weights file.
        try text.replacingOccurrences(of: "\"decoderHiddenSize\" : 10", with: "\"decoderHiddenSize\" : 3000")
            .write(toFile: run.configurationPath, atomically: true, encoding: .utf8)
        let count = Int(try run.loadConfiguration().model.minimumParameterCount)
        for (what, attempt) in attempts {
            XCTAssertThrowsError(try attempt(), what) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix(run.configurationPath + " describes a model of at least \(count) parameters, more than the "), message)
                XCTAssertTrue(message.hasSuffix("; the two files do not belong together"), message)
            }
        }
        // Sizes no machine's memory holds are refused as an invalid configuration, whatever the weights.
        try text.replacingOccurrences(of: "\"decoderHiddenSize\" : 10", with: "\"decoderHiddenSize\" : 2000000000")
            .write(toFile: run.configurationPath, atomically: true, encoding: .utf8)
        for (what, attempt) in attempts {
            XCTAssertThrowsError(try attempt(), what) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("invalid translator configuration: the model would have at least 6.8e+19 parameters, about 272 EB to use"), message)
                XCTAssertFalse(message.contains("\n"), message)
            }
        }
    }

    func testBatchesGroupSimilarLengthsAndCoverEveryPairOnce() {
        let generator = RandomGenerator(seed: 3)
        let sources = (0..<1000).map { _ in [Int](repeating: 4, count: 1 + generator.nextInt(below: 40)) }
        let batcher = TranslationBatcher(sources: sources, targets: sources, batchSize: 8)
        let batches = batcher.epochBatches(seed: 1, epoch: 1)
        XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<1000))
        XCTAssertEqual(batches, batcher.epochBatches(seed: 1, epoch: 1))
        XCTAssertNotEqual(batches, batcher.epochBatches(seed: 1, epoch: 2))
        // Within a batch the source lengths span little: 1000 pairs in one pool of 800 and one of 200.
        let spread = batches.map { b in b.map { sources[$0].count }.max()! - b.map { sources[$0].count }.min()! }
        XCTAssertLessThanOrEqual(spread.max()!, 2)
        XCTAssertEqual(batcher.sortedBatches().flatMap { $0 }.map { sources[$0].count }, sources.map(\.count).sorted())
    }

    func testAlignmentHeatMap() {
        let map = AlignmentHeatMap.render(source: ["le", "chat", "."], target: ["the", "cat"],
                                          attention: [[0.9, 0.1, 0], [0.2, 0.6, 0.2], [0, 0, 1]])
        XCTAssertEqual(map, """
                le chat .
            the ██ ░░░░
            cat ░░ ▓▓▓▓ ░
            """)
    }
}

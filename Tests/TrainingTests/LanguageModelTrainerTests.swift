import Foundation
import Models
import Tensor
import Text
import XCTest
@testable import Training

final class LanguageModelTrainerTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "lstmkit-lm-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try TinyAgreementCorpus.write(to: folder)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func configuration(epochs: Int = 2) throws -> (LanguageModelRunConfiguration, LanguageModelCorpus) {
        let source = try CorpusSource.resolve(corpus: folder)
        let corpus = try LanguageModelCorpus(source: source, tokenizer: TokenizerOptions())
        var t = TrainingSettings()
        t.batchSize = 4
        t.bptt = 6
        t.epochs = epochs
        t.learningRate = 10
        t.clipNorm = 1
        t.schedule = .init(base: 10, decay: .afterEpoch(epochs: 1, factor: 2))
        t.logEvery = 10
        t.checkpointSeconds = 0
        let model = LanguageModelConfiguration(vocabularySize: corpus.vocabulary.count, embeddingSize: 16, hiddenSize: 16,
                                               layers: 1, dropout: 0.1)
        return (LanguageModelRunConfiguration(model: model, tokenizer: TokenizerOptions(), training: t, corpus: source), corpus)
    }

    func quietTrainer(_ c: LanguageModelRunConfiguration, _ corpus: LanguageModelCorpus, out: String,
                      sink: @escaping (String) -> Void = { _ in }) throws -> LanguageModelTrainer {
        try LanguageModelTrainer(configuration: c, corpus: corpus, folder: out,
                                 progress: ProgressReporter(mode: .plain(every: 1000), sink: sink), say: { _ in })
    }

    func testTrainingLearnsAndWritesTheRunFolder() throws {
        let (c, corpus) = try configuration(epochs: 3)
        XCTAssertEqual(corpus.vocabulary.count, 4 + 14)  // specials + the, ., 6 nouns, 6 verbs
        let run = folder + "/run"
        let summary = try quietTrainer(c, corpus, out: run).run()
        XCTAssertFalse(summary.interrupted)
        let valid = try XCTUnwrap(summary.bestValidPerplexity)
        XCTAssertLessThan(valid, 4, "a 14-word language this regular must be learned well below uniform perplexity")
        XCTAssertNotNil(summary.testPerplexity)
        for file in ["config.json", "vocab.tsv", "model.safetensors", "last.safetensors", "metrics.jsonl", "curves.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/" + file), file)
        }
        let log = try MetricsLog.load(path: run + "/metrics.jsonl")
        XCTAssertEqual(log.records.filter { $0.kind == "epoch" }.map(\.epoch), [1, 2, 3])
        XCTAssertEqual(log.records.filter { $0.kind == "test" }.count, 1)
        XCTAssertEqual(log.records.filter { $0.kind == "epoch" }.map { $0.values["lr"] }, [10, 5, 2.5])
        let svg = try String(contentsOfFile: run + "/curves.svg", encoding: .utf8)
        XCTAssertTrue(svg.contains("Perplexity by epoch") && svg.contains("valid"))

        // The saved model predicts agreement: after "the dogs" comes a plural verb.
        let trained = try TrainedLanguageModel(folder: run)
        var state = try trained.makeState()
        try trained.feed(try trained.tokenize("the dogs").map(\.id), into: &state)
        let p = try trained.nextWordLogProbabilities(state)
        let plural = ["run", "sleep", "sing"].map { p[trained.vocabulary.id(for: $0)] }.map { exp(Double($0)) }.reduce(0, +)
        XCTAssertGreaterThan(plural, 0.8)

        // A finished run refuses to resume; a second run into the same folder is refused.
        XCTAssertThrowsError(try LanguageModelTrainer(resuming: run, progress: ProgressReporter(mode: .plain(every: 1000), sink: { _ in })).run()) {
            XCTAssertEqual($0 as? TrainingError, .finished(folder: run))
        }
        XCTAssertThrowsError(try quietTrainer(c, corpus, out: run)) {
            XCTAssertEqual($0 as? TrainingError, .runExists(folder: run))
        }

        // --resume with --epochs: fewer than done is refused and changes nothing; more trains on.
        let quiet = ProgressReporter(mode: .plain(every: 1000), sink: { _ in })
        XCTAssertThrowsError(try LanguageModelTrainer(resuming: run, epochs: 3, progress: quiet, say: { _ in }).run()) {
            XCTAssertEqual($0 as? TrainingError, .finished(folder: run))
        }
        XCTAssertThrowsError(try LanguageModelTrainer(resuming: run, epochs: 2, progress: quiet, say: { _ in })) {
            XCTAssertEqual($0 as? TrainingError, .tooFewEpochs(folder: run, asked: 2, done: 3))
        }
        XCTAssertEqual(try LanguageModelRunConfiguration.read(folder: run).training.epochs, 3)
        let more = try LanguageModelTrainer(resuming: run, epochs: 4, progress: quiet, say: { _ in }).run()
        XCTAssertEqual(more.epochsDone, 4)
        XCTAssertEqual(try LanguageModelRunConfiguration.read(folder: run).training.epochs, 4)
        let extended = try MetricsLog.load(path: run + "/metrics.jsonl")
        XCTAssertEqual(extended.records.filter { $0.kind == "epoch" }.map(\.epoch), [1, 2, 3, 4])
        XCTAssertEqual(extended.records.filter { $0.kind == "test" }.map(\.epoch), [4])
        XCTAssertEqual(extended.records.filter { $0.kind == "epoch" }.last?.values["lr"], 1.25)
    }

    /// Ctrl-C in the middle of an epoch, then --resume: the final model equals an uninterrupted
    /// run's, bit for bit.
    func testInterruptedAndResumedRunEqualsUninterruptedRun() throws {
        try checkInterruptedAndResumedRunEqualsUninterruptedRun(averageFrom: nil)
    }

    /// The same with weights averaged over epoch 2, where the interruption falls: the average
    /// so far travels in `last.safetensors`.
    func testInterruptedAndResumedAveragingRunEqualsUninterruptedRun() throws {
        try checkInterruptedAndResumedRunEqualsUninterruptedRun(averageFrom: 2)
    }

    func checkInterruptedAndResumedRunEqualsUninterruptedRun(averageFrom: Int?) throws {
        var (c, corpus) = try configuration(epochs: 2)
        c.training.averageFrom = averageFrom
        let straight = folder + "/straight", broken = folder + "/broken"
        _ = try quietTrainer(c, corpus, out: straight).run()

        var updates = 0
        let trainer = try LanguageModelTrainer(
            configuration: c, corpus: corpus, folder: broken,
            progress: ProgressReporter(mode: .plain(every: 1), sink: { line in
                updates += 1
                if updates == 60 { raise(SIGINT) }  // mid-epoch 2 (50 batches per epoch)
            }), say: { _ in })
        let first = try trainer.run()
        XCTAssertTrue(first.interrupted)
        let resumed = try LanguageModelTrainer(resuming: broken, progress: ProgressReporter(mode: .plain(every: 1000), sink: { _ in }),
                                               say: { _ in })
        XCTAssertEqual(resumed.epoch, 2)
        XCTAssertGreaterThan(resumed.nextBatch, 0)
        let second = try resumed.run()
        XCTAssertFalse(second.interrupted)
        for file in ["model.safetensors", "last.safetensors"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: straight + "/" + file))
            let b = try Data(contentsOf: URL(fileURLWithPath: broken + "/" + file))
            XCTAssertEqual(a, b, "\(file) differs between the straight and the resumed run")
        }
        let logA = try MetricsLog.load(path: straight + "/metrics.jsonl").records.map { [$0.kind, "\($0.epoch)", "\($0.step)"] }
        let logB = try MetricsLog.load(path: broken + "/metrics.jsonl").records.map { [$0.kind, "\($0.epoch)", "\($0.step)"] }
        XCTAssertEqual(logA, logB)
    }

    /// With --average-from 2, the average in the checkpoint is the mean of the weights after
    /// every step of epoch 2, epoch 2 is validated both ways, and the model kept is the better.
    func testAveragingKeepsTheMeanOfEveryStepsWeights() throws {
        var (c, corpus) = try configuration(epochs: 2)
        c.training.averageFrom = 2
        let run = folder + "/avg"
        var sums: [String: [Double]] = [:], snapshots = 0, lastStep = 0
        var trainer: LanguageModelTrainer?
        trainer = try LanguageModelTrainer(
            configuration: c, corpus: corpus, folder: run,
            progress: ProgressReporter(mode: .plain(every: 1), sink: { _ in
                guard let t = trainer, t.step > lastStep else { return }
                lastStep = t.step
                guard t.epoch == 2 else { return }
                snapshots += 1
                for entry in t.task.parameters.unique {
                    let values = entry.parameter.value.scalars.map(Double.init)
                    sums[entry.name] = zip(sums[entry.name] ?? Array(repeating: 0, count: values.count), values).map(+)
                }
            }), say: { _ in })
        let summary = try XCTUnwrap(trainer).run()
        let batches = try XCTUnwrap(trainer).task.batchCount
        XCTAssertEqual(snapshots, batches, "one update seen per step of epoch 2")

        let last = try SafeTensorsFile(contentsOf: run + "/last.safetensors")
        XCTAssertEqual(last.metadata["train.averaged_steps"], String(batches))
        var largest = 0.0
        for (name, sum) in sums {
            let mean = try XCTUnwrap(last.tensor(named: "train.average." + name), name).scalars
            XCTAssertEqual(mean.count, sum.count)
            for (m, s) in zip(mean, sum) { largest = max(largest, abs(Double(m) - s / Double(batches))) }
        }
        XCTAssertLessThan(largest, 1e-5, "the running mean equals the mean of the snapshots")
        // Averaging differs from the last weights (they moved during the epoch).
        let trained = try XCTUnwrap(last.tensor(named: "decoder.weight")).scalars
        XCTAssertNotEqual(trained, try XCTUnwrap(last.tensor(named: "train.average.decoder.weight")).scalars)

        let epochs = try MetricsLog.load(path: run + "/metrics.jsonl").records.filter { $0.kind == "epoch" }
        XCTAssertNil(epochs[0].values["valid_ppl_averaged"])
        XCTAssertNil(epochs[0].values["averaged_steps"])
        let second = epochs[1].values
        XCTAssertEqual(second["averaged_steps"], Double(batches))
        let trainedPPL = try XCTUnwrap(second["valid_ppl"]), averagedPPL = try XCTUnwrap(second["valid_ppl_averaged"])
        XCTAssertNotEqual(trainedPPL, averagedPPL)
        // The better of the two (or epoch 1's) is the best model, and its file says which it is.
        let bestPPL = try XCTUnwrap(summary.bestValidPerplexity)
        XCTAssertEqual(bestPPL, min(try XCTUnwrap(epochs[0].values["valid_ppl"]), trainedPPL, averagedPPL), accuracy: 1e-9)
        let best = try SafeTensorsFile(contentsOf: run + "/model.safetensors")
        let bestDecoder = try XCTUnwrap(best.tensor(named: "decoder.weight")).scalars
        if abs(bestPPL - averagedPPL) < 1e-9 {
            XCTAssertEqual(best.metadata["averaged_steps"], String(batches))
            XCTAssertEqual(bestDecoder, try XCTUnwrap(last.tensor(named: "train.average.decoder.weight")).scalars)
        } else {
            XCTAssertNil(best.metadata["averaged_steps"])
        }
        let svg = try String(contentsOfFile: run + "/curves.svg", encoding: .utf8)
        XCTAssertTrue(svg.contains("valid, averaged weights"))

        // Averaging only watches: the trained weights equal those of the same run without it.
        var plainConfiguration = c
        plainConfiguration.training.averageFrom = nil
        _ = try quietTrainer(plainConfiguration, corpus, out: folder + "/plain").run()
        let plain = try SafeTensorsFile(contentsOf: folder + "/plain/last.safetensors")
        XCTAssertFalse(plain.names.contains { $0.hasPrefix("train.average.") })
        for name in plain.names {
            XCTAssertEqual(try XCTUnwrap(last.tensor(named: name), name).scalars, try XCTUnwrap(plain.tensor(named: name)).scalars, name)
        }
        let plainEpochs = try MetricsLog.load(path: folder + "/plain/metrics.jsonl").records.filter { $0.kind == "epoch" }
        XCTAssertEqual(plainEpochs.map { $0.values["valid_ppl"] }, epochs.map { $0.values["valid_ppl"] })
    }

    /// Under a plateau schedule too, averaging only watches: the rates and trained weights of a
    /// run that averages from epoch 2 of 4 are those of the same run without averaging.
    func testAveragingLeavesAPlateauScheduleAlone() throws {
        var (c, corpus) = try configuration(epochs: 4)
        c.training.schedule = .init(base: 10, decay: .onPlateau(factor: 4, patience: 0, threshold: 0))
        c.training.learningRate = 10
        _ = try quietTrainer(c, corpus, out: folder + "/plain").run()
        c.training.averageFrom = 2
        _ = try quietTrainer(c, corpus, out: folder + "/avg").run()
        let logs = try ["plain", "avg"].map { try MetricsLog.load(path: folder + "/\($0)/metrics.jsonl").records.filter { $0.kind == "epoch" } }
        XCTAssertEqual(logs[0].map { $0.values["lr"] }, logs[1].map { $0.values["lr"] })
        XCTAssertEqual(logs[0].map { $0.values["valid_ppl"] }, logs[1].map { $0.values["valid_ppl"] })
        XCTAssertEqual(logs[1].compactMap { $0.values["averaged_steps"] }.count, 3)
        let a = try SafeTensorsFile(contentsOf: folder + "/plain/last.safetensors")
        let b = try SafeTensorsFile(contentsOf: folder + "/avg/last.safetensors")
        for name in a.names { XCTAssertEqual(a.tensor(named: name)?.scalars, b.tensor(named: name)?.scalars, name) }
    }

    /// --average-from on --resume: allowed for an epoch not yet started, refused once the
    /// averaging (or its epoch) has begun; recorded in config.json.
    func testResumeMaySetAveragingForAnEpochNotYetStarted() throws {
        let (c, corpus) = try configuration(epochs: 3)
        let run = folder + "/late"
        var updates = 0
        let first = try LanguageModelTrainer(
            configuration: c, corpus: corpus, folder: run,
            progress: ProgressReporter(mode: .plain(every: 1), sink: { _ in
                updates += 1
                if updates == 60 { raise(SIGINT) }  // mid-epoch 2
            }), say: { _ in })
        XCTAssertTrue(try first.run().interrupted)
        let quiet = ProgressReporter(mode: .plain(every: 1000), sink: { _ in })
        XCTAssertThrowsError(try LanguageModelTrainer(resuming: run, averageFrom: 2, progress: quiet, say: { _ in })) {
            XCTAssertEqual($0 as? TrainingError, .averagingStarted(folder: run, asked: 2, earliest: 3, averaging: false))
            XCTAssertEqual("\($0)", "--average-from 2 with --resume \(run) must name an epoch not yet started (3 or later)")
        }
        XCTAssertThrowsError(try LanguageModelTrainer(resuming: run, averageFrom: 4, progress: quiet, say: { _ in })) {
            XCTAssertEqual("\($0)", "--average-from 4 is later than the last epoch (3); nothing would be averaged")
        }
        XCTAssertNil(try LanguageModelRunConfiguration.read(folder: run).training.averageFrom, "a refused change is not recorded")
        let resumed = try LanguageModelTrainer(resuming: run, averageFrom: 3, progress: quiet, say: { _ in })
        XCTAssertTrue(resumed.notes.contains("\(run): weights averaged from epoch 3"))
        XCTAssertEqual(try LanguageModelRunConfiguration.read(folder: run).training.averageFrom, 3)
        let summary = try resumed.run()
        XCTAssertEqual(summary.epochsDone, 3)
        let epochs = try MetricsLog.load(path: run + "/metrics.jsonl").records.filter { $0.kind == "epoch" }
        XCTAssertEqual(epochs.map { $0.values["averaged_steps"] }, [nil, nil, Double(resumed.task.batchCount)])
        // Once averaging has begun it cannot move.
        XCTAssertThrowsError(try LanguageModelTrainer(resuming: run, epochs: 4, averageFrom: 4, progress: quiet, say: { _ in })) {
            XCTAssertEqual($0 as? TrainingError, .averagingStarted(folder: run, asked: 4, earliest: 4, averaging: true))
        }
        XCTAssertEqual(try LanguageModelRunConfiguration.read(folder: run).training.epochs, 3, "nothing recorded")
        // A finished run without averaging: setting it without more epochs is refused, unrecorded.
        let plain = folder + "/plain"
        _ = try quietTrainer(c, corpus, out: plain).run()
        XCTAssertThrowsError(try LanguageModelTrainer(resuming: plain, averageFrom: 4, progress: quiet, say: { _ in })) {
            XCTAssertEqual($0 as? TrainingError, .finished(folder: plain))
        }
        XCTAssertNil(try LanguageModelRunConfiguration.read(folder: plain).training.averageFrom)
    }

    func testDivergenceStopsNamingTheStepAndSkipCountsBatches() throws {
        var (c, corpus) = try configuration(epochs: 1)
        c.training.learningRate = 1e22
        c.training.schedule = .init(base: 1e22)
        c.training.clipNorm = nil
        XCTAssertThrowsError(try quietTrainer(c, corpus, out: folder + "/nan").run()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("training diverged at step "), text)
            XCTAssertTrue(text.contains("--on-nan skip"), text)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/nan/model.safetensors"))
        c.training.onNaN = .skip
        let summary = try quietTrainer(c, corpus, out: folder + "/skip").run()
        XCTAssertGreaterThan(summary.skippedBatches, 0)
        // Skipped batches leave no trace in the weights: the saved model loads (finite values).
        XCTAssertNoThrow(try TrainedLanguageModel(folder: folder + "/skip"))
        let log = try String(contentsOfFile: folder + "/skip/metrics.jsonl", encoding: .utf8)
        let epochRecord = try XCTUnwrap(log.split(separator: "\n").last { $0.contains("\"epoch\"") && $0.contains("skipped") })
        XCTAssertTrue(epochRecord.contains("\"skipped\":\(summary.skippedBatches)"), String(epochRecord))
    }

    /// A run that diverges after checkpoints exist (the rate raised to 1e30 when a finished
    /// one-epoch run is extended to two): training stops at the first step of the new epoch and
    /// both checkpoints stay byte for byte as they were, and load.
    func testDivergenceKeepsTheLastGoodState() throws {
        let (c, corpus) = try configuration(epochs: 1)
        let run = folder + "/diverged"
        _ = try quietTrainer(c, corpus, out: run).run()
        var extended = try LanguageModelRunConfiguration.read(folder: run)
        extended.training.epochs = 2
        try extended.write(to: run + "/config.json")
        let last = try Data(contentsOf: URL(fileURLWithPath: run + "/last.safetensors"))
        let best = try Data(contentsOf: URL(fileURLWithPath: run + "/model.safetensors"))
        let stepsDone = Int(try SafeTensorsFile(contentsOf: run + "/last.safetensors").metadata["train.step"] ?? "")
        let trainer = try LanguageModelTrainer(resuming: run, progress: ProgressReporter(mode: .plain(every: 1000), sink: { _ in }),
                                               say: { _ in })
        trainer.schedule = .init(base: 1e30)
        XCTAssertThrowsError(try trainer.run()) { error in
            guard case let .diverged(step, epoch, batch, what, checkpoint) = error as? TrainingError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(step, (stepsDone ?? -1) + 1)
            XCTAssertEqual(epoch, 2)
            XCTAssertEqual(batch, 1)
            XCTAssertEqual(what, "the update made the weights non-finite")
            XCTAssertEqual(checkpoint, run + "/last.safetensors")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: run + "/last.safetensors")), last)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: run + "/model.safetensors")), best)
        XCTAssertNoThrow(try TrainedLanguageModel(folder: run))
        XCTAssertNoThrow(try TrainedLanguageModel(folder: run, weights: "last.safetensors"))
    }

    /// A run killed before its first checkpoint (only config.json and vocab.tsv written) resumes
    /// by starting over, and ends with the same files as a run never stopped.
    func testResumeBeforeTheFirstCheckpointStartsOver() throws {
        let (c, corpus) = try configuration(epochs: 1)
        let run = folder + "/early"
        _ = try quietTrainer(c, corpus, out: run).run()
        let last = try Data(contentsOf: URL(fileURLWithPath: run + "/last.safetensors"))
        let best = try Data(contentsOf: URL(fileURLWithPath: run + "/model.safetensors"))
        for name in ["last.safetensors", "model.safetensors", "metrics.jsonl", "curves.svg"] {
            try FileManager.default.removeItem(atPath: run + "/" + name)
        }
        var lines: [String] = []
        let trainer = try LanguageModelTrainer(resuming: run, progress: ProgressReporter(mode: .plain(every: 1000), sink: { lines.append($0) }),
                                               say: { _ in })
        _ = try trainer.run()
        XCTAssertTrue(lines.contains { $0.contains("has no checkpoint yet: starting the run from its beginning") }, "\(lines)")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: run + "/last.safetensors")), last)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: run + "/model.safetensors")), best)
    }

    func testCorpusErrors() throws {
        XCTAssertThrowsError(try CorpusSource.resolve(corpus: folder + "/nope")) {
            XCTAssertEqual("\($0)", "\(folder)/nope does not exist")
        }
        let empty = folder + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        XCTAssertThrowsError(try CorpusSource.resolve(corpus: empty)) {
            XCTAssertTrue("\($0)".contains("holds neither train.txt"))
        }
        try "a b\n".write(toFile: empty + "/train.txt", atomically: true, encoding: .utf8)
        let source = try CorpusSource.resolve(corpus: empty)
        let corpus = try LanguageModelCorpus(source: source, tokenizer: TokenizerOptions())
        var (c, _) = try configuration()
        c.corpus = source
        XCTAssertThrowsError(try quietTrainer(c, corpus, out: folder + "/short")) {
            XCTAssertEqual($0 as? CorpusError, .tooShort(path: source.train, tokens: 3, batchSize: 4))
        }
        // One file alone is split 90/5/5 by lines.
        let single = try CorpusSource.resolve(corpus: folder + "/train.txt")
        XCTAssertTrue(single.splitSingleFile)
        let split = try LanguageModelCorpus(source: single, tokenizer: TokenizerOptions())
        XCTAssertEqual(split.train.count, 216 * 5)
        XCTAssertEqual(split.valid.count, 12 * 5)
        XCTAssertEqual(split.test.count, 12 * 5)
    }

    func testRunFolderProblemsAreOneSentence() throws {
        let run = folder + "/broken-run"
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        XCTAssertThrowsError(try TrainedLanguageModel(folder: run)) {
            XCTAssertEqual("\($0)", "\(run) is not a usable run folder: it has no readable config.json")
        }
        try "{\"format\": 99, \"kind\": \"language-model\"}".write(toFile: run + "/config.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TrainedLanguageModel(folder: run)) {
            XCTAssertEqual($0 as? TrainingError, .newerFormat(folder: run, format: 99))
        }
        try "{\"format\": 1, \"kind\": \"language-model\"}".write(toFile: run + "/config.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TrainedLanguageModel(folder: run)) {
            XCTAssertTrue("\($0)".contains("config.json is incomplete"), "\($0)")
        }
    }
}

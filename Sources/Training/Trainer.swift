import Foundation
import Models
import NN
import Support
import Tensor
import Text

/// Trains the model of a `TrainingTask` on a corpus and keeps its run folder:
///
/// | file | what |
/// | --- | --- |
/// | `config.json` | the task's `RunConfiguration`: model, tokenizer, training settings, corpus |
/// | `vocab.tsv` | the vocabulary |
/// | `model.safetensors` | parameters with the best validation loss so far |
/// | `last.safetensors` | parameters, optimizer state, generator, data position and the task's own state: what `--resume` continues from |
/// | `metrics.jsonl` | one record per log step, per epoch, and the test result |
/// | `curves.svg` | perplexity per epoch and loss over steps |
///
/// With `averageFrom`, every step from the start of that epoch on folds the weights into a
/// `ParameterAverage`. Each epoch's validation then measures both the trained and the averaged
/// weights, and the better of the two is what competes for `model.safetensors` (whose metadata
/// says when it holds an average); `last.safetensors` carries the average, so a resumed run
/// continues it.
///
/// Every file is written atomically. A resumed run with the same thread count ends with the
/// same parameters, bit for bit, as an uninterrupted one: everything that decides the next
/// update (parameters, optimizer moments, generator, task state, position, schedule) is in
/// `last.safetensors`, and the metrics log is cut back to what that checkpoint had seen.
public final class Trainer<Task: TrainingTask> {
    public struct Summary {
        public var epochsDone: Int
        public var bestValidPerplexity: Double?
        public var testPerplexity: Double?
        public var interrupted: Bool
        public var skippedBatches: Int
    }

    public let folder: String
    public let task: Task
    let optimizer: Optimizer
    var generator: RandomGenerator
    var schedule: LearningRateSchedule
    let metrics: MetricsLog
    let progress: ProgressReporter
    /// Where results meant for the user (not progress) go; standard output by default.
    let say: (String) -> Void

    // Position and running state, all saved in `last.safetensors`.
    var epoch = 1                 // the epoch in progress (1-based)
    var nextBatch = 0             // the next batch of that epoch
    var step = 0                  // optimizer steps taken
    var epochLoss = 0.0           // Σ loss of this epoch's batches so far
    var epochCount = 0            // targets of this epoch so far
    var bestValidLoss: Double?
    var skipped = 0
    /// The running mean of the weights, when the settings ask for one (its steps are saved too).
    var average: ParameterAverage?
    /// Lines to show when the run starts (resume notes).
    var notes: [String] = []

    public var configuration: Task.Configuration { task.configuration }
    public var corpus: LanguageModelCorpus { task.corpus }
    var training: TrainingSettings { task.configuration.training }

    var paths: (config: String, vocab: String, best: String, last: String, metrics: String, curves: String) {
        (folder + "/config.json", folder + "/vocab.tsv", folder + "/model.safetensors",
         folder + "/last.safetensors", folder + "/metrics.jsonl", folder + "/curves.svg")
    }

    /// Starts a new run in `folder` (created if needed; refused if it already holds a run).
    public convenience init(configuration: Task.Configuration, corpus: LanguageModelCorpus, folder: String,
                            progress: ProgressReporter = ProgressReporter(), say: @escaping (String) -> Void = { print($0) }) throws {
        if let problem = configuration.modelProblem { throw TrainingError.setting(problem) }
        try configuration.checkTrainable(folder: folder)
        // Read before the model is allocated, so that its own memory does not count against it.
        let memoryNote = MemoryBudget.availabilityNote(parameters: configuration.modelParameterCount,
                                                       bytesPerParameter: configuration.training.trainingBytesPerParameter)
        let generator = RandomGenerator(seed: configuration.training.seed)
        let task = try Task(configuration: configuration, corpus: corpus, generator: generator)
        if FileManager.default.fileExists(atPath: folder + "/config.json") {
            throw TrainingError.runExists(folder: folder)
        }
        try Folder.create(folder)
        AtomicFile.removeLeftovers(in: folder)
        self.init(task: task, generator: generator, folder: folder, metrics: MetricsLog(path: folder + "/metrics.jsonl"),
                  progress: progress, say: say)
        if let memoryNote { notes.append(memoryNote) }
        // The vocabulary first: a folder with config.json is then always resumable, even when
        // the process dies right after writing it.
        try corpus.vocabulary.save(to: paths.vocab)
        try configuration.write(to: paths.config)
    }

    /// Continues the run in `folder` from its `last.safetensors`.
    ///
    /// - Parameter epochs: when given, the run's planned epoch count becomes this (recorded in
    ///   its `config.json`): a finished run trains on, an unfinished one may stop earlier. It
    ///   must leave at least the epoch in progress to do. Averaging planned to start after the
    ///   new last epoch is dropped, unless `averageFrom` is given.
    /// - Parameter averageFrom: when given, the epoch from which the weights are averaged
    ///   (recorded in `config.json`); it must not have started, nor may an average under way change.
    public convenience init(resuming folder: String, epochs: Int? = nil, averageFrom: Int? = nil,
                            progress: ProgressReporter = ProgressReporter(),
                            say: @escaping (String) -> Void = { print($0) }) throws {
        var configuration = try Task.Configuration.read(folder: folder)
        let plannedEpochs = configuration.training.epochs
        let plannedAverage = configuration.training.averageFrom
        if let epochs { configuration.training.epochs = epochs }
        if let averageFrom { configuration.training.averageFrom = averageFrom }
        // A shortened plan that ends before the planned average starts drops the average (it
        // cannot have started: the epochs done are fewer than the new count).
        let averageDropped = averageFrom == nil ? configuration.training.dropAverageAfterLastEpoch() : nil
        let vocabulary: Vocabulary
        do { vocabulary = try Vocabulary(contentsOf: folder + "/vocab.tsv") } catch {
            throw TrainingError.notARun(folder: folder, cause: "\(error)")
        }
        AtomicFile.removeLeftovers(in: folder)
        // Nothing is built before the configuration is checked as a loader checks it: sizes,
        // vocabulary, and weights that can hold the model (last.safetensors, else model.safetensors).
        try configuration.checkModel(vocabulary: vocabulary, folder: folder)
        let lastPath = folder + "/last.safetensors", bestPath = folder + "/model.safetensors"
        let last = FileManager.default.fileExists(atPath: lastPath) ? try SafeTensorsFile(contentsOf: lastPath) : nil
        if let weights = try last ?? (FileManager.default.fileExists(atPath: bestPath) ? SafeTensorsFile(contentsOf: bestPath) : nil) {
            try configuration.checkWeights(weights, folder: folder)
        }
        try configuration.checkTrainable(folder: folder)
        // Read before the model is allocated, so that its own memory does not count against it.
        let memoryNote = MemoryBudget.availabilityNote(parameters: configuration.modelParameterCount,
                                                       bytesPerParameter: configuration.training.trainingBytesPerParameter)
        let corpus = try LanguageModelCorpus(source: configuration.corpus, tokenizer: configuration.tokenizer,
                                             vocabulary: vocabulary)
        let generator = RandomGenerator(seed: configuration.training.seed)
        let task = try Task(configuration: configuration, corpus: corpus, generator: generator)
        let metricsPath = folder + "/metrics.jsonl"
        let metrics = FileManager.default.fileExists(atPath: metricsPath) ? try MetricsLog.load(path: metricsPath)
                                                                          : MetricsLog(path: metricsPath)
        self.init(task: task, generator: generator, folder: folder, metrics: metrics, progress: progress, say: say)
        if let memoryNote { notes.append(memoryNote) }
        if let last {
            try restore(from: last)
        } else {
            // Stopped before its first checkpoint: nothing learnt can be kept, so the run starts
            // over from its configuration (same seed: the same result as if never stopped).
            metrics.keepFirst(0)
            notes.append("\(folder) has no checkpoint yet: starting the run from its beginning")
        }
        let newEpochs = epochs.map { $0 != plannedEpochs } ?? false
        let newAverage = averageFrom.map { $0 != plannedAverage } ?? false
        if newEpochs, let epochs, epochs < epoch {
            throw TrainingError.tooFewEpochs(folder: folder, asked: epochs, done: epoch - 1)
        }
        if newAverage, let averageFrom {
            // Every step of an averaged epoch is averaged, so a started average has steps.
            let averaging = (average?.steps ?? 0) > 0
            let earliest = nextBatch > 0 ? epoch + 1 : epoch
            if averaging || averageFrom < earliest {
                throw TrainingError.averagingStarted(folder: folder, asked: averageFrom, earliest: earliest, averaging: averaging)
            }
            // Nothing is recorded for a run that cannot go on.
            guard epoch <= configuration.training.epochs else { throw TrainingError.finished(folder: folder) }
        }
        if newEpochs || newAverage {
            if let problem = configuration.training.problem { throw TrainingError.setting(problem) }
            try configuration.write(to: paths.config)
        }
        if newEpochs, let epochs { notes.append("\(folder): \(epochs) epochs planned (was \(plannedEpochs))") }
        if let averageDropped {
            notes.append("\(folder): weights not averaged (the plan averaged from epoch \(averageDropped), after the last)")
        }
        if newAverage, let averageFrom {
            notes.append("\(folder): weights averaged from epoch \(averageFrom)"
                + (plannedAverage.map { " (was \($0))" } ?? ""))
        }
        // A preset run shortened before its average and now planned past it again trains on
        // without averaging; say so, with the flag that brings the average back.
        let t = configuration.training
        if averageDropped == nil, let name = configuration.preset, let preset = configuration.presetTraining,
           let from = t.averageLeftOut(of: preset) {
            let earliest = max(from, nextBatch > 0 ? epoch + 1 : epoch)
            if earliest <= t.epochs {
                notes.append("\(folder): weights not averaged, though --preset \(name) averages from epoch \(from)"
                    + " (the run was planned shorter); to average them, stop and resume with --average-from \(earliest)")
            }
        }
    }

    init(task: Task, generator: RandomGenerator, folder: String, metrics: MetricsLog, progress: ProgressReporter,
         say: @escaping (String) -> Void) {
        self.task = task
        self.generator = generator
        self.folder = folder
        self.metrics = metrics
        self.progress = progress
        self.say = say
        let t = task.configuration.training
        optimizer = Self.makeOptimizer(t, parameters: task.parameters)
        schedule = t.schedule
        average = t.averageFrom.map { _ in ParameterAverage(of: task.parameters) }
    }

    static func makeOptimizer(_ t: TrainingSettings, parameters: ParameterRegistry) -> Optimizer {
        switch t.optimizer {
        case .sgd:
            return SGD(parameters: parameters, learningRate: Float(t.learningRate), momentum: Float(t.momentum),
                       weightDecay: Float(t.weightDecay))
        case .adam:
            return Adam(parameters: parameters, learningRate: Float(t.learningRate), weightDecay: Float(t.weightDecay))
        case .adamw:
            return Adam.adamW(parameters: parameters, learningRate: Float(t.learningRate), weightDecay: Float(t.weightDecay))
        }
    }

    // MARK: the loop

    /// Trains until the last epoch ends (then evaluates the best model on the test text) or
    /// until Ctrl-C (then saves a resumable state and evaluates the validation text).
    public func run() throws -> Summary {
        let t = training
        guard epoch <= t.epochs else { throw TrainingError.finished(folder: folder) }
        for note in notes { progress.line(note) }
        Interrupt.install()
        defer { Interrupt.uninstall() }
        let batches = task.batchCount
        let targetsPerBatch = Double(task.targetCount) / Double(max(batches, 1))
        var lastCheckpoint = Date()
        while epoch <= t.epochs {
            task.startEpoch(epoch)
            let rate = schedule.rate(epoch: epoch, step: step + 1)
            let epochStart = Date()
            var windowLoss = 0.0, windowCount = 0, windowStart = Date(), windowTokens = 0
            var epochTokens = 0
            while nextBatch < batches {
                if Interrupt.requested { return try stopOnInterrupt() }
                task.parameters.zeroGradients()
                let r = task.trainStep(batch: nextBatch, generator: generator)
                let norm = t.clipNorm.map { task.parameters.clipGradientNorm(maxNorm: $0) }
                    ?? task.parameters.gradientNorm()
                if !r.totalLoss.isFinite || !norm.isFinite {
                    let what = !r.totalLoss.isFinite ? "the loss is \(r.totalLoss)" : "the gradient norm is \(norm)"
                    switch t.onNaN {
                    case .stop:
                        let checkpoint = FileManager.default.fileExists(atPath: paths.last) ? paths.last : nil
                        throw TrainingError.diverged(step: step + 1, epoch: epoch, batch: nextBatch + 1, what: what,
                                                     checkpoint: checkpoint)
                    case .skip:
                        skipped += 1
                        progress.line("skipped batch \(nextBatch + 1) of epoch \(epoch): \(what)")
                        nextBatch += 1
                        continue
                    }
                }
                // Finite gradients can still overflow the weights (a huge rate): under --on-nan
                // skip the state before the update is kept in memory to go back to.
                let before = t.onNaN == .skip ? snapshot() : nil
                optimizer.learningRate = Float(rate)
                optimizer.step()
                if !task.parameters.valuesAreFinite() {
                    let what = "the update made the weights non-finite"
                    guard let before else {
                        let checkpoint = FileManager.default.fileExists(atPath: paths.last) ? paths.last : nil
                        throw TrainingError.diverged(step: step + 1, epoch: epoch, batch: nextBatch + 1, what: what,
                                                     checkpoint: checkpoint)
                    }
                    try task.parameters.load(from: before, allowingExtra: true)
                    try optimizer.loadState(from: before)
                    skipped += 1
                    progress.line("skipped batch \(nextBatch + 1) of epoch \(epoch): \(what)")
                    nextBatch += 1
                    continue
                }
                step += 1
                task.acceptStep()
                if let average, let from = t.averageFrom, epoch >= from { average.accumulate() }
                nextBatch += 1
                epochLoss += r.totalLoss
                epochCount += r.count
                windowLoss += r.totalLoss
                windowCount += r.count
                windowTokens += r.count
                epochTokens += r.count

                let elapsed = Date().timeIntervalSince(epochStart)
                let speed = Double(epochTokens) / max(elapsed, 1e-9)
                let remaining = Double(batches - nextBatch) * targetsPerBatch / max(speed, 1e-9)
                let loss = windowLoss / Double(max(windowCount, 1))
                progress.update(
                    fraction: Double(nextBatch) / Double(batches),
                    status: "epoch \(epoch)/\(t.epochs)  \(ProgressReporter.rate(speed)) tok/s  loss "
                        + String(format: "%.3f  ppl %.1f  lr %@  ETA %@", loss, exp(loss), Self.number(rate),
                                 ProgressReporter.clock(remaining)))
                if step % t.logEvery == 0 {
                    let seconds = Date().timeIntervalSince(windowStart)
                    metrics.append(.init(kind: "step", epoch: epoch, step: step, values: [
                        "loss": loss, "ppl": exp(loss), "lr": rate,
                        "tokens_per_s": Double(windowTokens) / max(seconds, 1e-9),
                    ]))
                    windowLoss = 0; windowCount = 0; windowTokens = 0; windowStart = Date()
                }
                if t.checkpointSeconds > 0 && Date().timeIntervalSince(lastCheckpoint) >= t.checkpointSeconds {
                    try saveLast()
                    lastCheckpoint = Date()
                }
            }
            // End of epoch: evaluate, keep the best, checkpoint.
            let trainLoss = epochLoss / Double(max(epochCount, 1))
            let averaged = average.flatMap { $0.steps > 0 ? $0 : nil }
            let trained = task.validate(progress: evaluationProgress("valid"))
            let mean = averaged.flatMap { a in a.withAveraged { task.validate(progress: evaluationProgress("valid, averaged weights")) } }
            // The model judged and kept: the averaged weights when they do better on the
            // validation text than the trained ones, else the trained ones.
            var keptAverage = false
            if let mean, let trained { keptAverage = mean.meanLoss < trained.meanLoss }
            var improved = false
            if let trained {
                let valid = keptAverage ? mean ?? trained : trained
                if bestValidLoss.map({ valid.meanLoss < $0 }) ?? true {
                    bestValidLoss = valid.meanLoss
                    improved = true
                    try saveBest(validPerplexity: valid.perplexity, averaged: keptAverage ? averaged : nil)
                }
                // The schedule follows the trained weights, so averaging never changes training.
                schedule.observe(validationLoss: trained.meanLoss)
            } else if bestValidLoss == nil || epoch == t.epochs {
                // No validation text: the latest model is the one, averaged when averaging.
                try saveBest(validPerplexity: nil, averaged: averaged)
            }
            let seconds = Date().timeIntervalSince(epochStart)
            var values: [String: Double] = ["train_ppl": exp(trainLoss), "lr": rate, "seconds": seconds,
                                            "skipped": Double(skipped)]
            if let trained {
                values["valid_ppl"] = trained.perplexity
                if let accuracy = trained.accuracy { values["valid_acc"] = accuracy }
            }
            if let averaged {
                values["averaged_steps"] = Double(averaged.steps)
                if let mean {
                    values["valid_ppl_averaged"] = mean.perplexity
                    if let accuracy = mean.accuracy { values["valid_acc_averaged"] = accuracy }
                }
            }
            metrics.append(.init(kind: "epoch", epoch: epoch, step: step, values: values))
            let best = improved ? " (best)" : ""
            progress.line(String(format: "epoch %d/%d  train ppl %.2f", epoch, t.epochs, exp(trainLoss))
                + (trained.map { "  " + Self.describe($0, "valid") + (keptAverage ? "" : best) } ?? "")
                + (averaged.map { a in
                    "  averaged over \(a.steps) steps" + (mean.map { ": " + Self.describe($0, "valid") + (keptAverage ? best : "") } ?? "")
                } ?? "")
                + "  lr \(Self.number(rate))  \(ProgressReporter.clock(seconds))")
            epoch += 1
            nextBatch = 0
            epochLoss = 0
            epochCount = 0
            task.endEpoch()
            try saveLast()
            lastCheckpoint = Date()
        }
        progress.finish()
        let test = try testBest()
        return Summary(epochsDone: t.epochs, bestValidPerplexity: bestValidLoss.map { exp($0) },
                       testPerplexity: test, interrupted: false, skippedBatches: skipped)
    }

    /// The parameters and optimizer state as they are now, in memory.
    func snapshot() -> SafeTensorsFile {
        let (tensors, metadata) = optimizer.state()
        return SafeTensorsFile(snapshotOf: task.parameters.namedValues + tensors, metadata: metadata,
                               path: "the state before step \(step + 1)")
    }

    /// Ctrl-C: the batch in flight has finished; save, evaluate, say how to go on.
    func stopOnInterrupt() throws -> Summary {
        try saveLast()
        progress.finish()
        let valid = task.validate(progress: nil)
        say("interrupted in epoch \(epoch) at batch \(nextBatch) of \(task.batchCount)"
            + (valid.map { "; " + Self.describe($0, "valid") + " now" } ?? "")
            + "; continue with: lstmkit train --resume \(folder)")
        return Summary(epochsDone: epoch - 1, bestValidPerplexity: bestValidLoss.map { exp($0) },
                       testPerplexity: nil, interrupted: true, skippedBatches: skipped)
    }

    /// Evaluates `model.safetensors` on the test text (if any) and logs it.
    func testBest() throws -> Double? {
        guard let r = try task.test(weights: paths.best, progress: evaluationProgress("test")) else {
            say("no test text: test perplexity not measured")
            return nil
        }
        progress.finish()
        var values = ["test_ppl": r.perplexity]
        if let accuracy = r.accuracy { values["test_acc"] = accuracy }
        metrics.append(.init(kind: "test", epoch: epoch - 1, step: step, values: values))
        try metrics.flush()
        say(String(format: "test perplexity %.2f", r.perplexity)
            + (r.accuracy.map { String(format: ", accuracy %.2f%%", 100 * $0) } ?? "")
            + " (\(r.count) tokens, best model: \(paths.best))")
        return r.perplexity
    }

    /// `"valid ppl 123.45"`, with the accuracy when measured.
    static func describe(_ r: Evaluation, _ part: String) -> String {
        String(format: "%@ ppl %.2f", part, r.perplexity) + (r.accuracy.map { String(format: "  acc %.2f%%", 100 * $0) } ?? "")
    }

    /// A live bar while evaluating; nothing when progress goes to a log (the epoch line follows).
    func evaluationProgress(_ part: String) -> ((Double) -> Void)? {
        guard progress.mode == .live else { return nil }
        return { self.progress.update(fraction: $0, status: "evaluating \(part)") }
    }

    // MARK: checkpoints

    /// Writes the model's weights as `model.safetensors`: the trained ones, or those of
    /// `averaged` (its step count then in the metadata).
    func saveBest(validPerplexity: Double?, averaged: ParameterAverage? = nil) throws {
        var metadata = ["format": String(RunFolder.currentFormat), "kind": Task.Configuration.kind,
                        "epoch": String(epoch), "step": String(step)]
        if let validPerplexity { metadata["valid_ppl"] = String(validPerplexity) }
        guard let averaged else { return try task.parameters.write(to: paths.best, metadata: metadata) }
        metadata["averaged_steps"] = String(averaged.steps)
        try averaged.withAveraged { try task.parameters.write(to: paths.best, metadata: metadata) }
    }

    /// Writes the metrics and curves first, then `last.safetensors` naming how many metrics
    /// records it has seen, so a crash between the two never leaves the checkpoint ahead of
    /// the log.
    func saveLast() throws {
        try metrics.flush()
        try writeCurves()
        var tensors = task.parameters.namedValues
        let (optimizerTensors, optimizerMetadata) = optimizer.state()
        tensors += optimizerTensors
        tensors += task.checkpointState()
        var metadata = optimizerMetadata
        if let average, average.steps > 0 {
            tensors += average.named(prefix: Self.averagePrefix)
            metadata["train.averaged_steps"] = String(average.steps)
        }
        metadata["format"] = String(RunFolder.currentFormat)
        metadata["train.epoch"] = String(epoch)
        metadata["train.next_chunk"] = String(nextBatch)
        metadata["train.step"] = String(step)
        metadata["train.generator"] = generator.stateText
        metadata["train.epoch_loss"] = Self.exact(epochLoss)
        metadata["train.epoch_count"] = String(epochCount)
        metadata["train.best_valid_loss"] = bestValidLoss.map(Self.exact) ?? "none"
        metadata["train.skipped"] = String(skipped)
        metadata["train.metrics_records"] = String(metrics.records.count)
        metadata["train.threads"] = String(Threads.count)
        metadata["train.corpus_tokens"] = String(corpus.train.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys  // the same state must give the same bytes
        metadata["train.schedule"] = String(decoding: try encoder.encode(schedule), as: UTF8.self)
        try SafeTensorsFile.write(tensors, metadata: metadata, to: paths.last)
    }

    func restore(from file: SafeTensorsFile) throws {
        func field(_ key: String) throws -> String {
            guard let value = file.metadata[key] else {
                throw TrainingError.notARun(folder: folder, cause: "last.safetensors lacks '\(key)'")
            }
            return value
        }
        func integer(_ key: String) throws -> Int {
            guard let value = Int(try field(key)), value >= 0 else {
                throw TrainingError.notARun(folder: folder, cause: "last.safetensors has a bad '\(key)'")
            }
            return value
        }
        if let format = Int(file.metadata["format"] ?? ""), format > RunFolder.currentFormat {
            throw TrainingError.newerFormat(folder: folder, format: format)
        }
        let tokens = try integer("train.corpus_tokens")
        guard tokens == corpus.train.count else {
            throw TrainingError.corpusChanged(folder: folder, detail: "\(tokens) training tokens then, \(corpus.train.count) now")
        }
        try task.parameters.load(from: file, allowingExtra: true)
        try optimizer.loadState(from: file)
        try task.restoreState(from: file)
        guard let restored = RandomGenerator(stateText: try field("train.generator")),
              let epochLoss = Double(try field("train.epoch_loss")),
              let schedule = try? JSONDecoder().decode(LearningRateSchedule.self, from: Data(try field("train.schedule").utf8))
        else { throw TrainingError.notARun(folder: folder, cause: "last.safetensors has unreadable training state") }
        generator = restored
        self.schedule = schedule
        self.epochLoss = epochLoss
        epoch = try integer("train.epoch")
        nextBatch = try integer("train.next_chunk")
        step = try integer("train.step")
        epochCount = try integer("train.epoch_count")
        skipped = try integer("train.skipped")
        if let text = file.metadata["train.averaged_steps"] {
            guard let steps = Int(text), steps > 0 else {
                throw TrainingError.notARun(folder: folder, cause: "last.safetensors has a bad 'train.averaged_steps'")
            }
            guard let average else {
                throw TrainingError.notARun(folder: folder,
                                            cause: "last.safetensors holds averaged weights but config.json sets no averaging")
            }
            try average.restore(steps: steps, from: file, prefix: Self.averagePrefix)
        }
        let best = try field("train.best_valid_loss")
        bestValidLoss = best == "none" ? nil : Double(best)
        guard nextBatch <= task.batchCount else {
            throw TrainingError.corpusChanged(folder: folder, detail: "the checkpoint is at batch \(nextBatch) of \(task.batchCount)")
        }
        let records = try integer("train.metrics_records")
        metrics.keepFirst(records)
        if let threads = Int(file.metadata["train.threads"] ?? ""), threads != Threads.count {
            notes.append("note: the run used \(threads) thread\(threads == 1 ? "" : "s") and resumes with \(Threads.count); "
                + "results will not be bit-identical to an uninterrupted run")
        }
        notes.append("resuming \(folder) at epoch \(epoch), batch \(nextBatch + 1) of \(task.batchCount) (step \(step))")
    }

    // MARK: files

    func writeCurves() throws {
        let epochs = metrics.records.filter { $0.kind == "epoch" }
        let steps = metrics.records.filter { $0.kind == "step" }
        func points(_ records: [MetricsLog.Record], _ key: String, x: (MetricsLog.Record) -> Double) -> [(x: Double, y: Double)] {
            records.compactMap { r in r.values[key].map { (x(r), $0) } }
        }
        let perplexity = LineChart(
            title: "Perplexity by epoch", xLabel: "epoch", yLabel: "perplexity", logY: true, integerX: true,
            series: [
                .init(name: "train", points: points(epochs, "train_ppl") { Double($0.epoch) }, color: "#1f77b4", markers: true),
                .init(name: "valid", points: points(epochs, "valid_ppl") { Double($0.epoch) }, color: "#d62728",
                      dashed: true, markers: true),
            ])
        let loss = LineChart(
            title: "Training loss", xLabel: "optimizer step", yLabel: "cross-entropy (nats)",
            series: [.init(name: "train loss (mean over \(training.logEvery) batches)",
                           points: points(steps, "loss") { Double($0.step) }, color: "#2ca02c")])
        var charts = [perplexity, loss]
        let averagedPerplexity = points(epochs, "valid_ppl_averaged") { Double($0.epoch) }
        if !averagedPerplexity.isEmpty {
            charts[0].series.append(.init(name: "valid, averaged weights", points: averagedPerplexity, color: "#9467bd",
                                          dashed: true, markers: true))
        }
        let accuracy = points(epochs, "valid_acc") { Double($0.epoch) }
        if !accuracy.isEmpty {
            var series: [LineChart.Series] = [.init(name: "valid", points: accuracy, color: "#d62728", markers: true)]
            let averaged = points(epochs, "valid_acc_averaged") { Double($0.epoch) }
            if !averaged.isEmpty {
                series.append(.init(name: "valid, averaged weights", points: averaged, color: "#9467bd", markers: true))
            }
            charts.append(LineChart(title: "Validation accuracy by epoch", xLabel: "epoch", yLabel: "accuracy@1",
                                    integerX: true, series: series))
        }
        try AtomicFile.write(LineChart.document(charts), to: paths.curves)
    }

    /// Where `last.safetensors` keeps the averaged weights.
    static var averagePrefix: String { "train.average." }

    /// A Double written so that reading it back gives the same bits.
    static func exact(_ value: Double) -> String { "\(value)" }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e6 ? String(Int(value)) : String(format: "%.4g", value)
    }
}

import Foundation
import Models
import NN
import Support
import Tensor
import Text

/// Why training stopped early with an error; one sentence.
public enum TranslationTrainingError: Error, CustomStringConvertible, Equatable, Sendable {
    case diverged(epoch: Int, step: Int)

    public var description: String {
        switch self {
        case let .diverged(epoch, step):
            return "training diverged at epoch \(epoch), step \(step): the loss or a gradient is not finite; "
                + "lower the learning rate (--lr) or the clipping norm (--clip)"
        }
    }
}

/// How a training run ended.
public struct TranslationTrainingSummary: Sendable {
    public enum Stop: String, Sendable {
        /// Every epoch ran.
        case finished
        /// `maxMinutes` or `maxCPUMinutes` passed; the last epoch may be partial.
        case timeLimit
        /// `shouldStop` (Ctrl-C) asked; `last.safetensors` holds the position to resume from.
        case interrupted
    }

    public var stop: Stop
    /// Epochs validated (a partial last one included).
    public var epochsValidated: Int
    public var steps: Int
    public var bestBLEU: Double?
    public var bestEpoch: Int?
    /// Training and validation time over all sessions of the run.
    public var elapsedSeconds: Double
    /// Processor time (all threads) over all sessions of the run.
    public var cpuSeconds: Double
}

/// Trains a `Translator` on a parallel corpus: teacher forcing (ratio configurable), Adam,
/// global-norm clipping, optional label smoothing; after each epoch the validation perplexity
/// and BLEU (greedy or beam decoding, detokenized, sacreBLEU's score), the learning rate halved
/// when the validation loss stalls, `model.safetensors` kept for the best BLEU, and
/// `last.safetensors` written with everything a resumed run needs to continue bit for bit
/// (same thread count): parameters, Adam's moments, the random generator, the epoch and batch
/// position, the schedule, and the partial epoch's loss sums.
public final class TranslationTrainer {
    public let folder: TranslationRunFolder
    public let configuration: TranslationConfiguration
    public let model: Translator
    public let engine: TranslationEngine
    public let train: TranslationBatcher
    public let valid: TranslationBatcher
    let validSources: [[String]]
    let validReferences: [String]
    let optimizer: Adam
    var schedule: LearningRateSchedule
    let generator: RandomGenerator
    let reporter: ProgressReporter
    let metrics: MetricsLog
    let say: (String) -> Void

    // Position and running totals (saved in last.safetensors).
    var epoch = 1
    var batchIndex = 0
    var step = 0
    var bestBLEU: Double?
    var bestEpoch: Int?
    var elapsedBefore = 0.0
    var cpuBefore = 0.0
    var epochLoss = 0.0
    var epochTokens = 0

    var options: TranslationTrainingOptions { configuration.training }

    init(folder: TranslationRunFolder, configuration: TranslationConfiguration, model: Translator,
         vocabularies: (source: Vocabulary, target: Vocabulary), trainCorpus: ParallelCorpus,
         validCorpus: ParallelCorpus, generator: RandomGenerator, metrics: MetricsLog,
         reporter: ProgressReporter, say: @escaping (String) -> Void) throws {
        self.folder = folder
        self.configuration = configuration
        self.model = model
        engine = try TranslationEngine(configuration: configuration, model: model, sourceVocabulary: vocabularies.source,
                                       targetVocabulary: vocabularies.target)
        let keep = trainCorpus.sources.indices.filter {
            trainCorpus.sources[$0].count <= configuration.training.maxLength
                && trainCorpus.targets[$0].count <= configuration.training.maxLength
        }
        train = TranslationBatcher(sources: keep.map { vocabularies.source.ids(for: trainCorpus.sources[$0]) },
                                   targets: keep.map { vocabularies.target.ids(for: trainCorpus.targets[$0]) },
                                   batchSize: configuration.training.batchSize)
        valid = TranslationBatcher(sources: validCorpus.sources.map { vocabularies.source.ids(for: $0) },
                                   targets: validCorpus.targets.map { vocabularies.target.ids(for: $0) },
                                   batchSize: configuration.training.batchSize)
        validSources = validCorpus.sources
        validReferences = validCorpus.targetLines
        optimizer = Adam(parameters: model.registry, learningRate: Float(configuration.training.learningRate))
        schedule = LearningRateSchedule(
            base: configuration.training.learningRate,
            decay: configuration.training.decayFactor > 1
                ? .onPlateau(factor: configuration.training.decayFactor, patience: configuration.training.decayPatience, threshold: 0)
                : .constant)
        self.generator = generator
        self.metrics = metrics
        self.reporter = reporter
        self.say = say
        let left = trainCorpus.count - keep.count
        say("train   \(train.count) pairs (\(grouped(train.targetTokenCount)) target tokens)"
            + (left > 0 ? ", \(left) longer than \(configuration.training.maxLength) tokens left out" : "")
            + (trainCorpus.skippedEmpty > 0 ? ", \(trainCorpus.skippedEmpty) with an empty side skipped" : ""))
        say("valid   \(valid.count) pairs")
        say("model   \(grouped(model.registry.scalarCount)) parameters; vocabularies \(vocabularies.source.count) (\(configuration.sourceLanguage)) → \(vocabularies.target.count) (\(configuration.targetLanguage))")
    }

    /// A new run in `folder`: reads the corpora, builds the vocabularies from the training
    /// text, writes `config.json` and the vocabularies, and initialises the model.
    public static func start(folder: TranslationRunFolder, configuration: TranslationConfiguration,
                             reporter: ProgressReporter, say: @escaping (String) -> Void) throws -> TranslationTrainer {
        var configuration = configuration
        let (trainCorpus, validCorpus) = try readCorpora(configuration)
        var sourceCounts = VocabularyBuilder(), targetCounts = VocabularyBuilder()
        for tokens in trainCorpus.sources { sourceCounts.add(contentsOf: tokens) }
        for tokens in trainCorpus.targets { targetCounts.add(contentsOf: tokens) }
        let minimum = configuration.training.minCount
        let vocabularies = (source: try sourceCounts.build(minimumCount: minimum),
                            target: try targetCounts.build(minimumCount: minimum))
        configuration.model.sourceVocabularySize = vocabularies.source.count
        configuration.model.targetVocabularySize = vocabularies.target.count
        try configuration.model.validate()
        try checkTrainable(configuration, folder: folder, say: say)
        try folder.create()
        try folder.save(configuration)
        try vocabularies.source.save(to: folder.sourceVocabularyPath)
        try vocabularies.target.save(to: folder.targetVocabularyPath)
        let generator = RandomGenerator(seed: configuration.training.seed)
        let model = try Translator(configuration: configuration.model, generator: generator)
        say(String(format: "vocab   coverage of the training text: %.2f%% (%@), %.2f%% (%@)",
                   sourceCounts.coverage(of: vocabularies.source) * 100, configuration.sourceLanguage,
                   targetCounts.coverage(of: vocabularies.target) * 100, configuration.targetLanguage))
        return try TranslationTrainer(
            folder: folder, configuration: configuration, model: model, vocabularies: vocabularies,
            trainCorpus: trainCorpus, validCorpus: validCorpus, generator: generator,
            metrics: MetricsLog(path: folder.metricsPath), reporter: reporter, say: say)
    }

    /// Continues the run in `folder` from `last.safetensors`. `epochs` and `maxMinutes`, when
    /// given, replace the configured ones (to extend a finished run); nothing else changes.
    public static func resume(folder: TranslationRunFolder, epochs: Int? = nil, maxMinutes: Double? = nil,
                              maxCPUMinutes: Double? = nil, reporter: ProgressReporter,
                              say: @escaping (String) -> Void) throws -> TranslationTrainer {
        var configuration = try folder.loadConfiguration()
        if let epochs { configuration.training.epochs = epochs }
        if let maxMinutes { configuration.training.maxMinutes = maxMinutes }
        if let maxCPUMinutes { configuration.training.maxCPUMinutes = maxCPUMinutes }
        let vocabularies = try folder.loadVocabularies()
        let (trainCorpus, validCorpus) = try readCorpora(configuration)
        guard FileManager.default.fileExists(atPath: folder.lastCheckpointPath) else {
            throw TranslationRunError.missing(path: folder.lastCheckpointPath, what: "there is no saved position to resume from")
        }
        let file = try SafeTensorsFile(contentsOf: folder.lastCheckpointPath)
        let model = try folder.model(configuration, weights: file, allowingExtra: true)
        try checkTrainable(configuration, folder: folder, say: say)
        let generator = try checkpointGenerator(file)
        let metrics = FileManager.default.fileExists(atPath: folder.metricsPath)
            ? try MetricsLog.load(path: folder.metricsPath) : MetricsLog(path: folder.metricsPath)
        let trainer = try TranslationTrainer(
            folder: folder, configuration: configuration, model: model, vocabularies: vocabularies,
            trainCorpus: trainCorpus, validCorpus: validCorpus, generator: generator, metrics: metrics,
            reporter: reporter, say: say)
        try trainer.optimizer.loadState(from: file)
        try trainer.restorePosition(from: file)
        metrics.truncate(afterStep: trainer.step)
        say("resume  epoch \(trainer.epoch), batch \(trainer.batchIndex) of \(trainer.train.epochBatches(seed: configuration.training.seed, epoch: trainer.epoch).count), step \(trainer.step)")
        return trainer
    }

    /// Refuses a model too large to train in this machine's memory, before it is built; says so
    /// (through `say`) when it fits the machine but not the memory available now.
    static func checkTrainable(_ configuration: TranslationConfiguration, folder: TranslationRunFolder,
                               say: (String) -> Void) throws {
        let count = configuration.model.minimumParameterCount
        if let problem = MemoryBudget.trainingProblem(parameters: count, lowerBound: true) {
            throw TrainingError.setting("\(folder.path) cannot be trained on this machine: \(problem)")
        }
        if let note = MemoryBudget.availabilityNote(parameters: count, bytesPerParameter: MemoryBudget.bytesToTrain) { say(note) }
    }

    static func readCorpora(_ configuration: TranslationConfiguration) throws -> (ParallelCorpus, ParallelCorpus) {
        func read(_ prefix: String) throws -> ParallelCorpus {
            let paths = ParallelCorpus.paths(prefix: prefix, source: configuration.sourceLanguage, target: configuration.targetLanguage)
            return try ParallelCorpus(sourcePath: paths.source, targetPath: paths.target,
                                      sourceOptions: configuration.sourceTokenizer, targetOptions: configuration.targetTokenizer)
        }
        return (try read(configuration.trainPrefix), try read(configuration.validPrefix))
    }

    // MARK: the loop

    /// Trains until the configured epochs are done, the time limit passes, or `shouldStop`
    /// returns true (checked after every batch; Ctrl-C by default).
    public func run(shouldStop: () -> Bool = { Interrupt.requested }) throws -> TranslationTrainingSummary {
        let criterion = SoftmaxCrossEntropy(ignoreIndex: Int32(Vocabulary.padID), labelSmoothing: options.labelSmoothing)
        let sessionStart = Date(), sessionCPU = ProcessTime.seconds()
        var elapsed: Double { elapsedBefore + Date().timeIntervalSince(sessionStart) }
        var cpu: Double { cpuBefore + ProcessTime.seconds() - sessionCPU }
        var validated = 0
        while epoch <= options.epochs {
            let batches = train.epochBatches(seed: options.seed, epoch: epoch)
            let epochStart = Date()
            let firstBatch = batchIndex
            var timedTokens = 0
            var timeUp = false
            while batchIndex < batches.count {
                let batch = train.batch(batches[batchIndex])
                optimizer.learningRate = Float(schedule.rate(epoch: epoch, step: step + 1))
                model.registry.zeroGradients()
                let result = model.trainingStep(batch, criterion: criterion, teacherForcing: options.teacherForcing,
                                                generator: generator)
                // One pass over the gradients: clipping measures the norm, which is also the
                // finiteness check (a NaN or infinity anywhere makes it non-finite).
                let norm = options.clipNorm > 0
                    ? model.registry.clipGradientNorm(maxNorm: options.clipNorm) : model.registry.gradientNorm()
                guard result.loss.isFinite, norm.isFinite else {
                    throw TranslationTrainingError.diverged(epoch: epoch, step: step + 1)
                }
                optimizer.step()
                step += 1
                batchIndex += 1
                epochLoss += result.totalLoss
                epochTokens += result.count
                timedTokens += batch.targetTokenCount
                let seconds = Date().timeIntervalSince(epochStart)
                let rate = Double(timedTokens) / max(seconds, 1e-9)
                let remaining = Double(batches.count - batchIndex) * seconds / Double(batchIndex - firstBatch)
                reporter.update(fraction: Double(batchIndex) / Double(batches.count), status: String(
                    format: "epoch %d/%d  %@ tok/s  loss %.3f  lr %.2g  ETA %@", epoch, options.epochs,
                    ProgressReporter.rate(rate), epochLoss / Double(max(epochTokens, 1)),
                    Double(optimizer.learningRate), ProgressReporter.clock(remaining)))
                if step % 100 == 0 {
                    metrics.append(.init(kind: "step", epoch: epoch, step: step, values: [
                        "train_loss": result.loss, "tokens_per_second": rate, "lr": Double(optimizer.learningRate)]))
                }
                if shouldStop() {
                    reporter.finish()
                    try saveLast(elapsed: elapsed, cpu: cpu)
                    try metrics.flush()
                    say("stopped at epoch \(epoch), batch \(batchIndex) of \(batches.count): resume with --resume")
                    return summary(.interrupted, validated: validated, elapsed: elapsed, cpu: cpu)
                }
                if let limit = options.maxMinutes, elapsed >= limit * 60 { timeUp = true }
                if let limit = options.maxCPUMinutes, cpu >= limit * 60 { timeUp = true }
                if timeUp { break }
            }
            reporter.finish()
            let complete = batchIndex >= batches.count
            let epochSeconds = Date().timeIntervalSince(epochStart)
            let rate = Double(timedTokens) / max(epochSeconds, 1e-9)
            let trainLoss = epochLoss / Double(max(epochTokens, 1))
            let (validLoss, bleu) = try validate()
            validated += 1
            let lr = Double(optimizer.learningRate)
            let improved = bestBLEU.map { bleu.score > $0 } ?? true
            if improved {
                bestBLEU = bleu.score
                bestEpoch = epoch
                try model.registry.write(to: folder.bestModelPath, metadata: [
                    "epoch": String(epoch), "step": String(step), "valid_bleu": String(bleu.score),
                    "valid_ppl": String(exp(validLoss)), "partial_epoch": complete ? "false" : "true"])
            }
            var halved = false
            if complete { halved = schedule.observe(validationLoss: validLoss) }
            metrics.append(.init(kind: "epoch", epoch: epoch, step: step, values: [
                "train_loss": trainLoss, "train_ppl": exp(trainLoss), "valid_loss": validLoss, "valid_ppl": exp(validLoss),
                "valid_bleu": bleu.score, "lr": lr, "epoch_seconds": epochSeconds, "tokens_per_second": rate,
                "elapsed_minutes": elapsed / 60, "cpu_minutes": cpu / 60, "partial": complete ? 0 : 1]))
            say(String(format: "epoch %2d%@  train loss %.3f  valid ppl %.2f  BLEU %.2f  lr %.2g  %@  %@ tok/s  (run %@, cpu %@)%@%@",
                       epoch, complete ? "" : " (partial)", trainLoss, exp(validLoss), bleu.score, lr,
                       ProgressReporter.clock(epochSeconds), ProgressReporter.rate(rate),
                       ProgressReporter.clock(elapsed), ProgressReporter.clock(cpu),
                       improved ? "  best" : "", halved ? "  (learning rate divided)" : ""))
            if complete {
                epoch += 1
                batchIndex = 0
                epochLoss = 0
                epochTokens = 0
            }
            try saveLast(elapsed: elapsed, cpu: cpu)
            try metrics.flush()
            try writeCurves()
            if timeUp {
                return summary(.timeLimit, validated: validated, elapsed: elapsed, cpu: cpu)
            }
        }
        return summary(.finished, validated: validated, elapsed: elapsed, cpu: cpu)
    }

    func summary(_ stop: TranslationTrainingSummary.Stop, validated: Int, elapsed: Double, cpu: Double)
        -> TranslationTrainingSummary {
        TranslationTrainingSummary(stop: stop, epochsValidated: validated, steps: step, bestBLEU: bestBLEU,
                                   bestEpoch: bestEpoch, elapsedSeconds: elapsed, cpuSeconds: cpu)
    }


    /// Validation perplexity's log (mean token cross-entropy, unsmoothed) and BLEU of the
    /// decoded validation sources against the reference lines.
    public func validate() throws -> (loss: Double, bleu: BLEUScore) {
        let criterion = SoftmaxCrossEntropy(ignoreIndex: Int32(Vocabulary.padID))
        var total = 0.0, count = 0
        for indices in valid.sortedBatches() {
            let result = model.evaluate(valid.batch(indices), criterion: criterion)
            total += result.totalLoss
            count += result.count
        }
        var decoding = TranslationDecoding()
        decoding.beamSize = options.validationBeam
        let hypotheses = try engine.translate(tokenized: validSources, decoding: decoding).map(\.text)
        let bleu = try BLEU().corpusScore(hypotheses: hypotheses, references: [validReferences])
        return (total / Double(max(count, 1)), bleu)
    }

    // MARK: checkpoints

    static let positionKeys = (epoch: "translate.epoch", batch: "translate.batch", step: "translate.step",
                               generator: "translate.generator", schedule: "translate.schedule",
                               bestBLEU: "translate.best_bleu", bestEpoch: "translate.best_epoch",
                               elapsed: "translate.elapsed_seconds", cpu: "translate.cpu_seconds", epochLoss: "translate.epoch_loss",
                               epochTokens: "translate.epoch_tokens", threads: "translate.threads")

    /// Writes `last.safetensors`: parameters, optimizer state and the position.
    func saveLast(elapsed: Double, cpu: Double) throws {
        let k = Self.positionKeys
        let (optimizerTensors, optimizerMetadata) = optimizer.state()
        var metadata = optimizerMetadata
        metadata[k.epoch] = String(epoch)
        metadata[k.batch] = String(batchIndex)
        metadata[k.step] = String(step)
        metadata[k.generator] = generator.stateText
        metadata[k.schedule] = String(decoding: try JSONEncoder().encode(schedule), as: UTF8.self)
        if let bestBLEU { metadata[k.bestBLEU] = String(bestBLEU) }
        if let bestEpoch { metadata[k.bestEpoch] = String(bestEpoch) }
        metadata[k.elapsed] = String(elapsed)
        metadata[k.cpu] = String(cpu)
        // Hexadecimal bits, so the resumed sum continues exactly.
        metadata[k.epochLoss] = String(epochLoss.bitPattern, radix: 16)
        metadata[k.epochTokens] = String(epochTokens)
        metadata[k.threads] = String(Threads.count)
        try SafeTensorsFile.write(model.registry.namedValues + optimizerTensors, metadata: metadata,
                                  to: folder.lastCheckpointPath)
    }

    static func checkpointGenerator(_ file: SafeTensorsFile) throws -> RandomGenerator {
        guard let text = file.metadata[positionKeys.generator], let generator = RandomGenerator(stateText: text) else {
            throw TranslationRunError.malformedCheckpoint(path: file.path, cause: "the random generator state is missing")
        }
        return generator
    }

    func restorePosition(from file: SafeTensorsFile) throws {
        let k = Self.positionKeys, m = file.metadata
        func integer(_ key: String) throws -> Int {
            guard let text = m[key], let value = Int(text), value >= 0 else {
                throw TranslationRunError.malformedCheckpoint(path: file.path, cause: "'\(key)' is missing or not a count")
            }
            return value
        }
        epoch = max(1, try integer(k.epoch))
        batchIndex = try integer(k.batch)
        step = try integer(k.step)
        epochTokens = try integer(k.epochTokens)
        guard let lossBits = m[k.epochLoss].flatMap({ UInt64($0, radix: 16) }),
              let scheduleText = m[k.schedule],
              let restored = try? JSONDecoder().decode(LearningRateSchedule.self, from: Data(scheduleText.utf8)) else {
            throw TranslationRunError.malformedCheckpoint(path: file.path, cause: "the loss sums or the schedule are missing")
        }
        epochLoss = Double(bitPattern: lossBits)
        schedule = restored
        bestBLEU = m[k.bestBLEU].flatMap(Double.init)
        bestEpoch = m[k.bestEpoch].flatMap { Int($0) }
        elapsedBefore = m[k.elapsed].flatMap(Double.init) ?? 0
        cpuBefore = m[k.cpu].flatMap(Double.init) ?? 0
        if let saved = m[k.threads].flatMap({ Int($0) }), saved != Threads.count {
            say("note    the run was saved with \(saved) threads and continues with \(Threads.count): results will differ from an uninterrupted run by rounding")
        }
    }

    /// `curves.svg`: perplexity (train and validation) and validation BLEU per epoch.
    func writeCurves() throws {
        let epochs = metrics.records.filter { $0.kind == "epoch" }
        func series(_ key: String) -> [(x: Double, y: Double)] {
            epochs.map { (Double($0.epoch), $0.values[key] ?? .nan) }
        }
        let perplexity = LineChart(title: "Perplexity", xLabel: "epoch", yLabel: "perplexity", logY: true, series: [
            .init(name: "train", points: series("train_ppl"), color: "#1f77b4", markers: true),
            .init(name: "valid", points: series("valid_ppl"), color: "#d62728", markers: true),
        ])
        let bleu = LineChart(title: "Validation BLEU", xLabel: "epoch", yLabel: "BLEU", series: [
            .init(name: "valid BLEU", points: series("valid_bleu"), color: "#2ca02c", markers: true),
        ])
        try AtomicFile.write(LineChart.document([perplexity, bleu]), to: folder.curvesPath)
    }
}

/// 12345 → "12,345".
func grouped(_ value: Int) -> String {
    let digits = String(value)
    var result = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { result += "," }
        result.append(c)
    }
    return result
}

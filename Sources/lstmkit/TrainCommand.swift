import ArgumentParser
import Foundation
import Models
import NN
import Tensor
import Text
import Training

extension RecurrentCellKind: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension NaNPolicy: ExpressibleByArgument {}

/// `lstmkit train`: train a word-level language model on a corpus.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a word-level LSTM language model on a text corpus.",
        discussion: """
            The corpus is a folder with train.txt, valid.txt and test.txt (PTB's ptb.*.txt names \
            work too), or one text file (split 90/5/5 by lines), or --train/--valid/--test. Every \
            line ends with <eos>. Without a preset the model is PyTorch's word_language_model \
            default: 2×200 LSTM, dropout 0.2, SGD lr 20 with clip 0.25 on the time-averaged loss, \
            bptt 35, batch 20, lr ÷4 when validation stops improving, 40 epochs.
            Presets zaremba-small|medium|large set Zaremba et al. (2014)'s PTB configurations; a \
            flag that contradicts the preset is an error (--epochs may change, and --cell gru|rnn \
            trains the baselines with the same recipe).
            The run folder receives config.json, vocab.tsv, model.safetensors (best valid), \
            last.safetensors (resumable state), metrics.jsonl and curves.svg. Ctrl-C saves and \
            stops cleanly; --resume continues bit for bit (same --threads).
            """
    )

    @Option(help: ArgumentHelp("Corpus folder or single text file.", valueName: "PATH"))
    var corpus: String?
    @Option(help: ArgumentHelp("Training text (instead of --corpus).", valueName: "FILE"))
    var train: String?
    @Option(help: ArgumentHelp("Validation text.", valueName: "FILE"))
    var valid: String?
    @Option(help: ArgumentHelp("Test text.", valueName: "FILE"))
    var test: String?
    @Option(help: ArgumentHelp("Run folder (default runs/<corpus name>).", valueName: "FOLDER"))
    var out: String?
    @Option(help: ArgumentHelp("Continue the run in this folder where it stopped.", valueName: "FOLDER"))
    var resume: String?
    @Option(help: ArgumentHelp("zaremba-small, zaremba-medium or zaremba-large.", valueName: "NAME"))
    var preset: String?

    @Option(help: ArgumentHelp("Use this vocabulary file instead of building one from the training text.", valueName: "FILE"))
    var vocab: String?
    @Option(name: .customLong("min-count"), help: "Vocabulary: leave out tokens seen fewer times (default 1).")
    var minCount: Int?
    @Option(name: .customLong("max-size"), help: "Vocabulary: at most this many entries, specials included.")
    var maxSize: Int?

    @Option(help: "Recurrent cell: lstm, gru or rnn (default lstm).")
    var cell: RecurrentCellKind?
    @Option(help: "Recurrent layers (default 2).")
    var layers: Int?
    @Option(help: "Hidden units per layer (default 200).")
    var hidden: Int?
    @Option(help: "Embedding size (default: the hidden size).")
    var embedding: Int?
    @Option(help: "Dropout on embeddings, between layers and before the output (default 0.2).")
    var dropout: Float?
    @Flag(name: .customLong("tie-weights"), help: "Share the embedding matrix with the output layer.")
    var tieWeights = false

    @Option(name: .customLong("batch-size"), help: "Columns the token stream is cut into (default 20).")
    var batchSize: Int?
    @Option(help: "Truncated-BPTT steps per chunk (default 35).")
    var bptt: Int?
    @Option(help: "Passes over the training text (default 40).")
    var epochs: Int?
    @Option(help: "sgd, adam or adamw (default sgd).")
    var optimizer: OptimizerKind?
    @Option(help: "Learning rate, for the loss averaged over time steps and batch (default 20 for SGD, 0.001 for Adam).")
    var lr: Double?
    @Option(help: "SGD momentum (default 0).")
    var momentum: Double?
    @Option(name: .customLong("weight-decay"), help: "L2 weight decay (default 0).")
    var weightDecay: Double?
    @Option(help: "Clip the global gradient norm to this (default 0.25; 0 turns clipping off).")
    var clip: Double?
    @Option(help: ArgumentHelp("plateau: ÷factor when validation stops improving (default); step: ÷factor each epoch after --decay-after; constant.", valueName: "plateau|step|constant"))
    var schedule: String?
    @Option(name: .customLong("decay-factor"), help: "Divisor of the learning rate when it decays (default 4 for plateau, 2 for step).")
    var decayFactor: Double?
    @Option(name: .customLong("decay-after"), help: "step schedule: epochs at the full rate (default 4).")
    var decayAfter: Int?
    @Option(help: "Optimizer steps of linear learning-rate warm-up (default 0).")
    var warmup: Int?
    @Option(name: .customLong("init-range"), help: "Initialise every weight uniformly in ±this (default 0.1; 0 keeps PyTorch's per-layer defaults).")
    var initRange: Float?
    @Option(name: .customLong("eval-batch-size"), help: "Columns when evaluating valid and test text (default 10).")
    var evalBatchSize: Int?
    @Option(help: "Random seed (default 1).")
    var seed: UInt64?
    @Option(help: "Threads for matrix products (default: all cores). Resume with the same count for bit-identical results.")
    var threads: Int?
    @Option(name: .customLong("log-every"), help: "Log a metrics record (and a progress line when not on a terminal) every N batches (default 200).")
    var logEvery: Int?
    @Option(name: .customLong("checkpoint-every"), help: "Seconds between resumable checkpoints within an epoch (default 300; 0: epoch ends only).")
    var checkpointEvery: Double?
    @Option(name: .customLong("on-nan"), help: "stop (default) or skip a batch whose loss or gradients are not finite.")
    var onNaN: NaNPolicy?

    /// Hyperparameter flags the user gave, with their values, for preset and resume checks.
    var givenHyperparameters: [(flag: String, value: String)] {
        var given: [(String, String)] = []
        func note<T>(_ flag: String, _ value: T?) { if let value { given.append((flag, "\(value)")) } }
        note("--cell", cell); note("--layers", layers); note("--hidden", hidden); note("--embedding", embedding)
        note("--dropout", dropout); note("--batch-size", batchSize); note("--bptt", bptt)
        note("--optimizer", optimizer); note("--lr", lr); note("--momentum", momentum)
        note("--weight-decay", weightDecay); note("--clip", clip); note("--schedule", schedule)
        note("--decay-factor", decayFactor); note("--decay-after", decayAfter); note("--warmup", warmup)
        note("--init-range", initRange)
        if tieWeights { given.append(("--tie-weights", "true")) }
        return given
    }

    func validate() throws {
        if let resume {
            var extra = givenHyperparameters.map(\.flag)
            for (flag, value) in [("--corpus", corpus), ("--train", train), ("--valid", valid), ("--test", test),
                                  ("--out", out), ("--preset", preset), ("--vocab", vocab)] where value != nil {
                extra.append(flag)
            }
            if epochs != nil { extra.append("--epochs") }
            if seed != nil { extra.append("--seed") }
            guard extra.isEmpty else {
                throw ValidationError("--resume \(resume) continues the run with its own settings; drop \(extra.joined(separator: ", ")).")
            }
            return
        }
        guard (corpus == nil) != (train == nil) else {
            throw ValidationError(corpus == nil ? "Give the text to train on: --corpus PATH or --train FILE."
                                                : "Give either --corpus or --train/--valid/--test, not both.")
        }
        if corpus != nil && (valid != nil || test != nil) {
            throw ValidationError("--valid and --test go with --train; with --corpus the folder supplies them.")
        }
        if let preset {
            guard let p = LanguageModelPreset.named(preset) else {
                throw ValidationError("Unknown preset '\(preset)'; choose \(LanguageModelPreset.all.map(\.name).joined(separator: ", ")).")
            }
            let implied = Self.flagValues(of: p)
            // --cell is free: the baselines train with the same recipe.
            for (flag, value) in givenHyperparameters where flag != "--cell" && implied[flag] != value {
                throw ValidationError("\(flag) \(value) contradicts --preset \(preset) (which sets \(implied[flag] ?? "it otherwise")); drop one of them.")
            }
        }
        if let threads, threads < 0 { throw ValidationError("--threads must be 0 (all cores) or more, not \(threads).") }
        if let minCount, minCount < 1 { throw ValidationError("--min-count must be at least 1, not \(minCount).") }
        if let maxSize, maxSize < 5 { throw ValidationError("--max-size must leave room for the 4 specials and a word, not \(maxSize).") }
        let (model, training) = try settings(preset: preset.flatMap(LanguageModelPreset.named), overlay: nil)
        if let problem = training.problem { throw ValidationError(problem.prefix(1).uppercased() + problem.dropFirst() + ".") }
        var probe = model
        probe.vocabularySize = 10
        if let problem = probe.problem { throw ValidationError(problem.prefix(1).uppercased() + problem.dropFirst() + ".") }
    }

    /// The model (vocabulary size still 0) and training settings from the defaults, the preset
    /// and the flags. With `overlay`, the preset's values are taken as if every hyperparameter
    /// flag were absent except those the preset itself sets (to compare against the flags).
    func settings(preset: LanguageModelPreset?, overlay: LanguageModelPreset?) throws
        -> (model: LanguageModelConfiguration, training: LanguageModelTrainingSettings) {
        let base = overlay ?? preset
        var t = base?.training ?? LanguageModelTrainingSettings()
        let flags = overlay == nil
        let opt = (flags ? optimizer : nil) ?? t.optimizer
        if flags, let optimizer, optimizer != t.optimizer, lr == nil {
            t.learningRate = optimizer == .sgd ? 20 : 0.001
        }
        t.optimizer = opt
        if flags {
            if let batchSize { t.batchSize = batchSize }
            if let bptt { t.bptt = bptt }
            if let lr { t.learningRate = lr }
            if let momentum { t.momentum = momentum }
            if let weightDecay { t.weightDecay = weightDecay }
            if let clip { t.clipNorm = clip == 0 ? nil : clip }
            if let initRange { t.initRange = initRange == 0 ? nil : initRange }
        }
        if let epochs { t.epochs = epochs }
        if let evalBatchSize { t.evalBatchSize = evalBatchSize }
        if let seed { t.seed = seed }
        if let logEvery { t.logEvery = logEvery }
        if let checkpointEvery { t.checkpointSeconds = checkpointEvery }
        if let onNaN { t.onNaN = onNaN }
        // The schedule: the preset's, or the flags', rebuilt on the final learning rate.
        var decay = t.schedule.decay
        if flags, let schedule {
            switch schedule {
            case "plateau": decay = .onPlateau(factor: decayFactor ?? 4, patience: 0, threshold: 0)
            case "step": decay = .afterEpoch(epochs: decayAfter ?? 4, factor: decayFactor ?? 2)
            case "constant": decay = .constant
            default: throw ValidationError("--schedule takes plateau, step or constant, not '\(schedule)'.")
            }
        } else if flags, decayFactor != nil || decayAfter != nil {
            switch decay {
            case let .onPlateau(f, p, th): decay = .onPlateau(factor: decayFactor ?? f, patience: p, threshold: th)
            case let .afterEpoch(e, f): decay = .afterEpoch(epochs: decayAfter ?? e, factor: decayFactor ?? f)
            case .constant: throw ValidationError("--decay-factor and --decay-after need --schedule plateau or step.")
            }
        }
        if case let .onPlateau(f, _, _) = decay, !(f > 1) { throw ValidationError("--decay-factor must be above 1, not \(f).") }
        if case let .afterEpoch(e, f) = decay, !(f > 1) || e < 0 {
            throw ValidationError("--decay-factor must be above 1 and --decay-after 0 or more.")
        }
        t.schedule = LearningRateSchedule(base: t.learningRate, warmupSteps: (flags ? warmup : nil) ?? t.schedule.warmupSteps, decay: decay)
        if t.schedule.warmupSteps < 0 { throw ValidationError("--warmup must be 0 or more.") }

        let hiddenSize = (flags ? hidden : nil) ?? base?.hiddenSize ?? 200
        let model = LanguageModelConfiguration(
            vocabularySize: 0,
            embeddingSize: (flags ? embedding : nil) ?? hiddenSize,
            hiddenSize: hiddenSize,
            layers: (flags ? layers : nil) ?? base?.layers ?? 2,
            cell: (flags ? cell : nil) ?? .lstm,
            dropout: (flags ? dropout : nil) ?? base?.dropout ?? 0.2,
            tieWeights: flags ? tieWeights : false)
        return (model, t)
    }

    func run() throws {
        Threads.setCount(threads)
        let progress = ProgressReporter(plainEvery: logEvery ?? 200)
        let trainer: LanguageModelTrainer
        if let resume {
            trainer = try LanguageModelTrainer(resuming: resume, progress: progress)
        } else {
            let presetValue = preset.flatMap(LanguageModelPreset.named)
            var (model, training) = try settings(preset: presetValue, overlay: nil)
            let source = try corpus.map(CorpusSource.resolve(corpus:))
                ?? CorpusSource(train: train!, valid: valid, test: test, splitSingleFile: valid == nil && test == nil)
            var tokenizerOptions = TokenizerOptions()
            tokenizerOptions = tokenizerFlags.options
            let given = try vocab.map { try Vocabulary(contentsOf: $0) }
            let folder = out ?? "runs/" + Self.runName(source)
            if FileManager.default.fileExists(atPath: folder + "/config.json") { throw TrainingError.runExists(folder: folder) }
            let data = try LanguageModelCorpus(source: source, tokenizer: tokenizerOptions, vocabulary: given,
                                               minimumCount: minCount ?? 1, maximumSize: maxSize, lossy: tokenizerFlags.lossy)
            model.vocabularySize = data.vocabulary.count
            if let problem = model.problem { throw ValidationError(problem) }
            training.schedule.base = training.learningRate
            let configuration = LanguageModelRunConfiguration(model: model, tokenizer: tokenizerOptions, training: training,
                                                              corpus: source, preset: preset)
            trainer = try LanguageModelTrainer(configuration: configuration, corpus: data, folder: folder, progress: progress)
            progress.line(data.note)
            progress.line(String(format: "%d training tokens, %d valid, %d test; vocabulary %d (covers %.2f%% of train)",
                                 data.train.count, data.valid.count, data.test.count, data.vocabulary.count,
                                 data.trainCoverage * 100))
            progress.line("model: \(model.layers)×\(model.hiddenSize) \(model.cell.rawValue.uppercased()), embedding \(model.embeddingSize), "
                + "dropout \(model.dropout)\(model.tieWeights ? ", tied" : ""), \(trainer.model.parameters.scalarCount) parameters; "
                + "\(training.optimizer.rawValue) lr \(training.learningRate), batch \(training.batchSize), bptt \(training.bptt), "
                + "\(training.epochs) epochs, \(Threads.count) threads → \(folder)")
        }
        let summary = try trainer.run()
        if !summary.interrupted {
            print("run folder \(trainer.folder): model.safetensors (best valid"
                + (summary.bestValidPerplexity.map { String(format: " ppl %.2f", $0) } ?? "") + "), curves.svg, metrics.jsonl")
        }
    }

    @OptionGroup var tokenizerFlags: TokenizerFlags

    /// The value each hyperparameter flag would need to agree with `preset`, spelled as the flag's
    /// own type prints it.
    static func flagValues(of preset: LanguageModelPreset) -> [String: String] {
        let t = preset.training
        var values: [String: String] = [
            "--layers": "\(preset.layers)", "--hidden": "\(preset.hiddenSize)",
            "--embedding": "\(preset.hiddenSize)", "--dropout": "\(preset.dropout)", "--batch-size": "\(t.batchSize)",
            "--bptt": "\(t.bptt)", "--optimizer": "\(t.optimizer)", "--lr": "\(t.learningRate)",
            "--momentum": "\(t.momentum)", "--weight-decay": "\(t.weightDecay)", "--clip": "\(t.clipNorm ?? 0)",
            "--warmup": "\(t.schedule.warmupSteps)", "--init-range": "\(t.initRange ?? 0)",
        ]
        if case let .afterEpoch(epochs, factor) = t.schedule.decay {
            values["--schedule"] = "step"
            values["--decay-after"] = "\(epochs)"
            values["--decay-factor"] = "\(factor)"
        }
        return values
    }

    static func runName(_ source: CorpusSource) -> String {
        let url = URL(fileURLWithPath: source.train)
        let name = source.splitSingleFile ? url.deletingPathExtension().lastPathComponent : url.deletingLastPathComponent().lastPathComponent
        return name.isEmpty ? "lm" : name
    }
}

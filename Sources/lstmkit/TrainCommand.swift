import ArgumentParser
import Foundation
import Models
import Support
import NN
import Tensor
import Text
import Training

extension RecurrentCellKind: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension NaNPolicy: ExpressibleByArgument {}

/// What `train` trains.
enum TrainingTaskKind: String, ExpressibleByArgument, CaseIterable {
    /// A next-word language model.
    case lm
    /// A fill-in-the-blank model reading both sides (forward and backward LSTMs).
    case cloze
}

/// `lstmkit train`: train a word-level language model on a corpus.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a word-level LSTM language model (or a BiLSTM fill-in-the-blank model) on a text corpus.",
        discussion: """
            The corpus is a folder with train.txt, valid.txt and test.txt (PTB's ptb.*.txt names \
            work too), or one text file (split 90/5/5 by lines), or --train/--valid/--test. Every \
            line ends with <eos>. Without a preset the model is PyTorch's word_language_model \
            default: 2×200 LSTM, dropout 0.2, SGD lr 20 with clip 0.25 on the time-averaged loss, \
            bptt 35, batch 20, lr ÷4 when validation stops improving, 40 epochs.
            Presets zaremba-small|medium|large set Zaremba et al. (2014)'s PTB configurations; a \
            flag that contradicts the preset is an error (--epochs and --average-from may change, and --cell gru|rnn \
            trains the baselines with the same recipe).
            The run folder receives config.json, vocab.tsv, model.safetensors (best valid), \
            last.safetensors (resumable state), metrics.jsonl and curves.svg. Ctrl-C saves and \
            stops cleanly; --resume continues bit for bit (same --threads); --resume with --epochs N \
            changes the plan to N epochs, so a finished run can train on (an average planned to start \
            after epoch N is dropped). --average-from E keeps a \
            running mean of the weights over every step from epoch E on (Polyak averaging, as in \
            AWD-LSTM): each epoch validates both the trained and the averaged weights and \
            model.safetensors keeps the better; a resumed run may set it for an epoch not yet started.
            --task cloze trains a fill-in-the-blank model instead: a forward and a backward LSTM \
            stack, each word predicted from the words left and right of it, every line of the \
            corpus one sentence, --batch-size sentences per batch. Its defaults are the preset \
            cloze-small: 2×200 LSTM each way, embedding 200, a 200-wide tanh projection, dropout \
            0.3, 10% of positions trained without right context (--left-only-rate), weights \
            initialised in ±0.1, Adam lr 0.004 with clip 1, batch 32, lr ÷2 when validation stops improving, 20 epochs. \
            --preset cloze-tied spends about the same parameters differently: 2×300 each way, the \
            output layer tied to the 200-wide embedding, dropout 0.2, weight drop 0.25, lr held at \
            0.004 with the weights averaged from epoch 9 (left out when --epochs ends before it), \
            24 epochs.
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
    @Option(help: ArgumentHelp("lm (a next-word language model, the default) or cloze (fill in the blank from both sides).",
                               valueName: "lm|cloze"))
    var task: TrainingTaskKind?
    @Option(help: ArgumentHelp("zaremba-small, zaremba-medium or zaremba-large; cloze-small or cloze-tied with --task cloze.", valueName: "NAME"))
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
    @Flag(name: .customLong("tie-weights"), help: "Share the embedding matrix with the output layer (cloze: the projection, or 2 × hidden without one, must be as wide as the embedding).")
    var tieWeights = false
    @Option(name: .customLong("weight-drop"), help: "Share of each recurrent layer's hidden-to-hidden weights dropped per training batch (DropConnect, as in AWD-LSTM; LSTM, GRU or RNN; default 0).")
    var weightDrop: Float?
    @Option(name: .customLong("embedding-dropout"), help: "Share of word types whose embeddings are dropped per training batch, every occurrence at once (AWD-LSTM's embedding dropout; default 0).")
    var embeddingDropout: Float?
    @Option(help: "Cloze: width of the tanh layer between the two directions' states and the output (default 200; 0: none).")
    var projection: Int?
    @Option(name: .customLong("left-only-rate"), help: "Cloze: share of training positions that see no right context, so the REPL can predict the next word (default 0.1).")
    var leftOnlyRate: Float?

    @Option(name: .customLong("batch-size"), help: "Columns the token stream is cut into (default 20); cloze: sentences per batch (default 32).")
    var batchSize: Int?
    @Option(help: "Truncated-BPTT steps per chunk (default 35).")
    var bptt: Int?
    @Option(help: "Passes over the training text (default 40; a preset's own, cloze-small 20, cloze-tied 24); with --resume, the new total.")
    var epochs: Int?
    @Option(name: .customLong("average-from"), help: ArgumentHelp(
        "From this epoch on, also validate a running mean of the weights over every step and keep it when better; with --resume, an epoch not yet started.",
        valueName: "EPOCH"))
    var averageFrom: Int?
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
        note("--init-range", initRange); note("--projection", projection); note("--left-only-rate", leftOnlyRate)
        note("--weight-drop", weightDrop); note("--embedding-dropout", embeddingDropout)
        if tieWeights { given.append(("--tie-weights", "true")) }
        return given
    }

    func validate() throws {
        if let averageFrom, averageFrom < 1 {
            throw ValidationError("--average-from must be an epoch, 1 or more, not \(averageFrom).")
        }
        if let resume {
            var extra = givenHyperparameters.map(\.flag)
            for (flag, value) in [("--corpus", corpus), ("--train", train), ("--valid", valid), ("--test", test),
                                  ("--out", out), ("--preset", preset), ("--vocab", vocab)] where value != nil {
                extra.append(flag)
            }
            if seed != nil { extra.append("--seed") }
            if task != nil { extra.append("--task") }
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
        let kind = task ?? .lm
        switch kind {
        case .lm:
            for (flag, given) in [("--projection", projection != nil), ("--left-only-rate", leftOnlyRate != nil)] where given {
                throw ValidationError("\(flag) applies to cloze models only (--task cloze).")
            }
        case .cloze:
            if bptt != nil {
                throw ValidationError("--bptt applies to language models only; a cloze model reads whole sentences.")
            }
        }
        if let preset {
            guard let defaults = Defaults.preset(preset, task: kind) else {
                if kind == .lm && ClozeModelPreset.named(preset) != nil {
                    throw ValidationError("--preset \(preset) is for cloze models; add --task cloze.")
                }
                let names = kind == .lm ? LanguageModelPreset.all.map(\.name) : ClozeModelPreset.all.map(\.name)
                throw ValidationError("Unknown \(kind == .lm ? "" : "cloze ")preset '\(preset)'; choose \(names.joined(separator: ", ")).")
            }
            let implied = defaults.flagValues
            // --cell is free: the baselines train with the same recipe.
            for (flag, value) in givenHyperparameters where flag != "--cell" && implied[flag] != value {
                throw ValidationError("\(flag) \(value) contradicts --preset \(preset) (which sets \(implied[flag] ?? "it otherwise")); drop one of them.")
            }
        }
        if let threads, threads < 0 { throw ValidationError("--threads must be 0 (all cores) or more, not \(threads).") }
        if let minCount, minCount < 1 { throw ValidationError("--min-count must be at least 1, not \(minCount).") }
        if let maxSize, maxSize < 5 { throw ValidationError("--max-size must leave room for the 4 specials and a word, not \(maxSize).") }
        let chosen = try settings()
        if let problem = chosen.training.problem { throw ValidationError(problem.prefix(1).uppercased() + problem.dropFirst() + ".") }
        // Sizes are checked with a small vocabulary here (the corpus is not read yet), and again
        // with the corpus's when the run starts.
        let sizeProblem: String?, count: Double
        switch kind {
        case .lm:
            let model = chosen.languageModel(vocabularySize: 10)
            (sizeProblem, count) = (model.problem, model.parameterCount)
        case .cloze:
            let model = chosen.clozeModel(vocabularySize: 10)
            (sizeProblem, count) = (model.problem, model.parameterCount)
        }
        if let problem = sizeProblem ?? MemoryBudget.trainingProblem(parameters: count,
                                                                     bytesPerParameter: chosen.training.trainingBytesPerParameter) { throw ValidationError(problem.prefix(1).uppercased() + problem.dropFirst() + ".") }
    }

    /// The default settings of a task, or those of a preset; the flags go on top (`settings()`).
    struct Defaults {
        var training: TrainingSettings
        var layers: Int
        var hidden: Int
        var dropout: Float
        var projection: Int? = nil
        var leftOnlyRate: Float = 0
        var weightDrop: Float = 0
        var embeddingDropout: Float = 0
        /// The embedding size when it is not the hidden size.
        var embedding: Int? = nil
        var tieWeights = false

        /// PyTorch's word_language_model defaults; cloze-small for a cloze model.
        static func plain(task: TrainingTaskKind) -> Defaults {
            switch task {
            case .lm: return Defaults(training: TrainingSettings(), layers: 2, hidden: 200, dropout: 0.2)
            case .cloze: return Defaults(ClozeModelPreset.small)
            }
        }

        static func preset(_ name: String, task: TrainingTaskKind) -> Defaults? {
            switch task {
            case .lm: return LanguageModelPreset.named(name).map(Defaults.init)
            case .cloze: return ClozeModelPreset.named(name).map(Defaults.init)
            }
        }

        init(training: TrainingSettings, layers: Int, hidden: Int, dropout: Float) {
            self.training = training
            self.layers = layers
            self.hidden = hidden
            self.dropout = dropout
        }

        init(_ p: LanguageModelPreset) {
            self.init(training: p.training, layers: p.layers, hidden: p.hiddenSize, dropout: p.dropout)
        }

        init(_ p: ClozeModelPreset) {
            self.init(training: p.training, layers: p.model.layers, hidden: p.model.hiddenSize, dropout: p.model.dropout)
            projection = p.model.projectionSize
            leftOnlyRate = p.model.leftOnlyRate
            embedding = p.model.embeddingSize == p.model.hiddenSize ? nil : p.model.embeddingSize
            tieWeights = p.model.tieWeights
            weightDrop = p.model.weightDrop
            embeddingDropout = p.model.embeddingDropout
        }

        /// The value each hyperparameter flag would need to agree with these settings, spelled as
        /// the flag's own type prints it.
        var flagValues: [String: String] {
            let t = training
            var values: [String: String] = [
                "--cell": "\(RecurrentCellKind.lstm)", "--layers": "\(layers)", "--hidden": "\(hidden)",
                "--embedding": "\(embedding ?? hidden)", "--tie-weights": "\(tieWeights)", "--dropout": "\(dropout)", "--batch-size": "\(t.batchSize)",
                "--bptt": "\(t.bptt)", "--optimizer": "\(t.optimizer)", "--lr": "\(t.learningRate)",
                "--momentum": "\(t.momentum)", "--weight-decay": "\(t.weightDecay)", "--clip": "\(t.clipNorm ?? 0)",
                "--warmup": "\(t.schedule.warmupSteps)", "--init-range": "\(t.initRange ?? 0)",
                "--projection": "\(projection ?? 0)", "--left-only-rate": "\(leftOnlyRate)",
                "--weight-drop": "\(weightDrop)", "--embedding-dropout": "\(embeddingDropout)",
            ]
            switch t.schedule.decay {
            case let .afterEpoch(epochs, factor):
                values["--schedule"] = "step"
                values["--decay-after"] = "\(epochs)"
                values["--decay-factor"] = "\(factor)"
            case let .onPlateau(factor, _, _):
                values["--schedule"] = "plateau"
                values["--decay-factor"] = "\(factor)"
            case .constant:
                values["--schedule"] = "constant"
            }
            return values
        }
    }

    /// What the defaults (or the preset) and the flags decide together.
    struct Chosen {
        var training: TrainingSettings
        var cell: RecurrentCellKind
        var layers: Int
        var hidden: Int
        var embedding: Int
        var dropout: Float
        var tieWeights: Bool
        var projection: Int?
        var leftOnlyRate: Float
        var weightDrop: Float
        var embeddingDropout: Float

        func languageModel(vocabularySize: Int) -> LanguageModelConfiguration {
            LanguageModelConfiguration(vocabularySize: vocabularySize, embeddingSize: embedding, hiddenSize: hidden,
                                       layers: layers, cell: cell, dropout: dropout, tieWeights: tieWeights,
                                       weightDrop: weightDrop, embeddingDropout: embeddingDropout)
        }

        func clozeModel(vocabularySize: Int) -> ClozeModelConfiguration {
            ClozeModelConfiguration(vocabularySize: vocabularySize, embeddingSize: embedding, hiddenSize: hidden,
                                    layers: layers, cell: cell, dropout: dropout, projectionSize: projection,
                                    leftOnlyRate: leftOnlyRate, tieWeights: tieWeights, weightDrop: weightDrop,
                                    embeddingDropout: embeddingDropout)
        }
    }

    /// How the rate changes, for the start line: "held", "÷1.5 each epoch after 8", "÷4 on plateau".
    static func describe(_ decay: LearningRateSchedule.Decay) -> String {
        switch decay {
        case .constant: return "held"
        case let .afterEpoch(epochs, factor): return "÷" + String(format: "%g", factor) + " each epoch after \(epochs)"
        case let .onPlateau(factor, _, _): return "÷" + String(format: "%g", factor) + " on plateau"
        }
    }

    /// The model and training settings from the defaults, the preset and the flags.
    func settings() throws -> Chosen {
        let kind = task ?? .lm
        let base = try preset.map {
            guard let d = Defaults.preset($0, task: kind) else { throw ValidationError("Unknown preset '\($0)'.") }
            return d
        } ?? Defaults.plain(task: kind)
        var t = base.training
        if let optimizer, optimizer != t.optimizer, lr == nil {
            t.learningRate = optimizer == .sgd ? 20 : 0.001
        }
        if let optimizer { t.optimizer = optimizer }
        if let batchSize { t.batchSize = batchSize }
        if let bptt { t.bptt = bptt }
        if let lr { t.learningRate = lr }
        if let momentum { t.momentum = momentum }
        if let weightDecay { t.weightDecay = weightDecay }
        if let clip { t.clipNorm = clip == 0 ? nil : clip }
        if let initRange { t.initRange = initRange == 0 ? nil : initRange }
        if let epochs { t.epochs = epochs }
        if let averageFrom { t.averageFrom = averageFrom }
        // A preset's averaging that would start after a shortened run ends is left out.
        if averageFrom == nil { _ = t.dropAverageAfterLastEpoch() }
        if let evalBatchSize { t.evalBatchSize = evalBatchSize }
        if let seed { t.seed = seed }
        if let logEvery { t.logEvery = logEvery }
        if let checkpointEvery { t.checkpointSeconds = checkpointEvery }
        if let onNaN { t.onNaN = onNaN }
        // The schedule: the preset's, or the flags', rebuilt on the final learning rate.
        var decay = t.schedule.decay
        if let schedule {
            switch schedule {
            case "plateau": decay = .onPlateau(factor: decayFactor ?? 4, patience: 0, threshold: 0)
            case "step": decay = .afterEpoch(epochs: decayAfter ?? 4, factor: decayFactor ?? 2)
            case "constant": decay = .constant
            default: throw ValidationError("--schedule takes plateau, step or constant, not '\(schedule)'.")
            }
        } else if decayFactor != nil || decayAfter != nil {
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
        t.schedule = LearningRateSchedule(base: t.learningRate, warmupSteps: warmup ?? t.schedule.warmupSteps, decay: decay)
        if t.schedule.warmupSteps < 0 { throw ValidationError("--warmup must be 0 or more.") }

        let hiddenSize = hidden ?? base.hidden
        return Chosen(training: t, cell: cell ?? .lstm, layers: layers ?? base.layers, hidden: hiddenSize,
                      embedding: embedding ?? base.embedding ?? hiddenSize, dropout: dropout ?? base.dropout,
                      tieWeights: tieWeights || base.tieWeights,
                      projection: projection.map { $0 == 0 ? nil : $0 } ?? base.projection,
                      leftOnlyRate: leftOnlyRate ?? base.leftOnlyRate, weightDrop: weightDrop ?? base.weightDrop,
                      embeddingDropout: embeddingDropout ?? base.embeddingDropout)
    }

    func run() throws {
        Threads.setCount(threads)
        let progress = ProgressReporter(plainEvery: logEvery ?? 200)
        if let resume {
            switch try RunFolder.kind(of: resume) {
            case ClozeRunConfiguration.kind: try finish(try ClozeTrainer(resuming: resume, epochs: epochs, averageFrom: averageFrom,
                                                                                    progress: progress))
            default: try finish(try LanguageModelTrainer(resuming: resume, epochs: epochs, averageFrom: averageFrom,
                                                         progress: progress))
            }
            return
        }
        let chosen = try settings()
        let source = try corpus.map(CorpusSource.resolve(corpus:))
            ?? CorpusSource(train: train!, valid: valid, test: test, splitSingleFile: valid == nil && test == nil)
        let tokenizerOptions = tokenizerFlags.options
        let given = try vocab.map { try Vocabulary(contentsOf: $0) }
        if let given { try tokenizerFlags.noteFit(of: given, path: vocab!) }
        let kind = task ?? .lm
        let folder = out ?? "runs/" + Self.runName(source) + (kind == .cloze ? "-cloze" : "")
        if FileManager.default.fileExists(atPath: folder + "/config.json") { throw TrainingError.runExists(folder: folder) }
        let data = try LanguageModelCorpus(source: source, tokenizer: tokenizerOptions, vocabulary: given,
                                           minimumCount: minCount ?? 1, maximumSize: maxSize, lossy: tokenizerFlags.lossy)
        var training = chosen.training
        training.schedule.base = training.learningRate
        let t = training
        let corpusLines = [
            data.note,
            String(format: "%d training tokens, %d valid, %d test; vocabulary %d (covers %.2f%% of train)",
                   data.train.count, data.valid.count, data.test.count, data.vocabulary.count, data.trainCoverage * 100),
        ]
        let schedule = "\(t.optimizer.rawValue) lr \(t.learningRate)"
            + (t.schedule.warmupSteps > 0 ? " (after \(t.schedule.warmupSteps) warm-up steps)" : "")
            + " \(Self.describe(t.schedule.decay)), batch \(t.batchSize)"
        let ending = "\(t.epochs) epoch\(t.epochs == 1 ? "" : "s")"
            + (t.averageFrom.map { ", weights averaged from epoch \($0)" } ?? "") + ", \(Threads.count) thread\(Threads.count == 1 ? "" : "s") → \(folder)"
        switch kind {
        case .lm:
            let model = chosen.languageModel(vocabularySize: data.vocabulary.count)
            try start(LanguageModelRunConfiguration(model: model, tokenizer: tokenizerOptions, training: t, corpus: source, preset: preset),
                      model.problem, data, folder: folder, progress: progress, header: corpusLines) { (trainer: LanguageModelTrainer) in
                "model: \(model.layers)×\(model.hiddenSize) \(model.cell.rawValue.uppercased()), embedding \(model.embeddingSize), "
                    + "\(Self.regularisation(model.dropout, model.weightDrop, model.embeddingDropout, tied: model.tieWeights)), "
                    + "\(trainer.task.parameters.scalarCount) parameters; "
                    + "\(schedule), bptt \(t.bptt), \(ending)"
            }
        case .cloze:
            let model = chosen.clozeModel(vocabularySize: data.vocabulary.count)
            try start(ClozeRunConfiguration(model: model, tokenizer: tokenizerOptions, training: t, corpus: source, preset: preset),
                      model.problem, data, folder: folder, progress: progress, header: corpusLines) { (trainer: ClozeTrainer) in
                "cloze model: \(model.layers)×\(model.hiddenSize) \(model.cell.rawValue.uppercased()) each way, "
                    + "embedding \(model.embeddingSize), projection \(model.projectionSize.map(String.init) ?? "none"), "
                    + "\(Self.regularisation(model.dropout, model.weightDrop, model.embeddingDropout, tied: model.tieWeights)), left-only rate \(model.leftOnlyRate), \(trainer.task.parameters.scalarCount) parameters; "
                    + "\(schedule) sentences, \(ending)"
            }
        }
    }

    /// The header's "dropout P[, weight drop Q][, embedding dropout R][, tied]", shared by both
    /// model kinds.
    static func regularisation(_ dropout: Float, _ weightDrop: Float, _ embeddingDropout: Float, tied: Bool) -> String {
        "dropout \(dropout)" + (weightDrop > 0 ? ", weight drop \(weightDrop)" : "")
            + (embeddingDropout > 0 ? ", embedding dropout \(embeddingDropout)" : "") + (tied ? ", tied" : "")
    }

    /// Creates the run folder, says what is being trained, and trains.
    func start<Task: TrainingTask>(_ configuration: Task.Configuration, _ problem: String?, _ data: LanguageModelCorpus,
                                   folder: String, progress: ProgressReporter, header: [String],
                                   describe: (Trainer<Task>) -> String) throws {
        // Sizes passed validate() with a small vocabulary; the corpus's can still make the model too large.
        let count = configuration.modelParameterCount
        let memory = MemoryBudget.useProblem(parameters: count)
        if let problem, problem != memory { throw ValidationError(problem) }
        if let problem = memory ?? MemoryBudget.trainingProblem(parameters: count,
                                                                bytesPerParameter: configuration.training.trainingBytesPerParameter) {
            throw TrainingError.setting("with a vocabulary of \(data.vocabulary.count) words, "
                                        + problem + " (--max-size or --min-count make the vocabulary smaller)")
        }
        let trainer = try Trainer<Task>(configuration: configuration, corpus: data, folder: folder, progress: progress)
        for line in header { progress.line(line) }
        progress.line(describe(trainer))
        try finish(trainer)
    }

    func finish<Task>(_ trainer: Trainer<Task>) throws {
        let summary = try trainer.run()
        if !summary.interrupted {
            print("run folder \(trainer.folder): model.safetensors (best valid"
                + (summary.bestValidPerplexity.map { String(format: " ppl %.2f", $0) } ?? "") + "), curves.svg, metrics.jsonl")
        }
    }

    @OptionGroup var tokenizerFlags: TokenizerFlags

    static func runName(_ source: CorpusSource) -> String {
        let url = URL(fileURLWithPath: source.train)
        let name = source.splitSingleFile ? url.deletingPathExtension().lastPathComponent : url.deletingLastPathComponent().lastPathComponent
        return name.isEmpty ? "lm" : name
    }
}

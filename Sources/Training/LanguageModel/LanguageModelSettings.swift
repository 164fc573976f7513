import Models
import NN
import Text

/// Which optimizer trains the model.
public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    case sgd, adam, adamw
}

/// What to do when a step's loss or gradients are not finite.
public enum NaNPolicy: String, Codable, CaseIterable, Sendable {
    /// Stop with a message naming the step; the last good checkpoint stays.
    case stop
    /// Drop the batch (no update, state restored) and count it in the log.
    case skip
}

/// How a model is trained (a language model, or a cloze model, which reads whole sentences and
/// ignores `bptt`); stored in `config.json` so a run can be resumed and described. The loss is
/// the cross-entropy averaged over all targets of a batch (for a language model the T·B of a
/// chunk, PyTorch's convention). Zaremba et al. average over the batch but sum over the T steps; with plain SGD
/// the two are the same run when the learning rate is multiplied by T and the clipping norm
/// divided by T, which is how the presets express the paper's settings (small: lr 1 → 20,
/// clip 5 → 0.25).
public struct TrainingSettings: Codable, Equatable, Sendable {
    /// Contiguous columns the token stream is cut into (B); for a cloze model, sentences per batch.
    public var batchSize = 20
    /// Steps of truncated backpropagation through time (T); language models only.
    public var bptt = 35
    /// Passes over the training text.
    public var epochs = 40
    public var optimizer: OptimizerKind = .sgd
    /// Learning rate, before the schedule.
    public var learningRate = 20.0
    /// SGD momentum (0: none).
    public var momentum = 0.0
    /// L2 weight decay (decoupled for AdamW).
    public var weightDecay = 0.0
    /// Largest global gradient norm; nil: no clipping.
    public var clipNorm: Double? = 0.25
    /// How the learning rate changes: Zaremba's "÷factor after epoch N", divide on plateau…
    public var schedule = LearningRateSchedule(base: 20, decay: .onPlateau(factor: 4, patience: 0, threshold: 0))
    /// Uniform initialisation bound for every parameter; nil keeps PyTorch's per-layer defaults.
    public var initRange: Float? = 0.1
    /// Seeds the one random generator of the run (initialisation, dropout).
    public var seed: UInt64 = 1
    /// Columns (cloze: sentences) when evaluating validation and test text.
    public var evalBatchSize = 10
    /// Plain progress lines (and metrics records) every this many batches.
    public var logEvery = 200
    /// A resumable checkpoint at least this often, in seconds of training (0: epoch ends only).
    public var checkpointSeconds = 300.0
    public var onNaN: NaNPolicy = .stop
    /// From this epoch on, a running mean of the weights over every step (iterate averaging) is
    /// validated beside the trained weights, and `model.safetensors` keeps the better; nil: no
    /// averaging. It must not be later than `epochs`.
    public var averageFrom: Int?

    public init() {}

    /// Bytes a parameter takes in training under these settings (`Float`s): the weight and its
    /// gradient, the optimizer's buffers (Adam's two moments, SGD's momentum) and the running
    /// average. For `MemoryBudget`'s check before a run is built.
    public var trainingBytesPerParameter: Double {
        let buffers: Double = optimizer == .sgd ? (momentum > 0 ? 1 : 0) : 2
        return 4 * (2 + buffers + (averageFrom == nil ? 0 : 1))
    }

    /// Drops an average planned to start after the last epoch (a preset's, or a resumed run's
    /// under a shortened plan) and returns the epoch it was to start from; nil when none is.
    public mutating func dropAverageAfterLastEpoch() -> Int? {
        guard let from = averageFrom, from > epochs else { return nil }
        averageFrom = nil
        return from
    }

    /// The epoch from which `preset` averages the weights, when these settings are that preset's
    /// recipe run without its average (a run shortened before the average was due, then planned
    /// past it again); nil otherwise. Epochs, seed, logging, checkpoint interval, NaN policy and
    /// evaluation batch size do not count as the recipe.
    public func averageLeftOut(of preset: TrainingSettings) -> Int? {
        guard averageFrom == nil, let from = preset.averageFrom, from <= epochs else { return nil }
        var recipe = self
        recipe.epochs = preset.epochs
        recipe.averageFrom = from
        recipe.seed = preset.seed
        recipe.logEvery = preset.logEvery
        recipe.checkpointSeconds = preset.checkpointSeconds
        recipe.onNaN = preset.onNaN
        recipe.evalBatchSize = preset.evalBatchSize
        return recipe == preset ? from : nil
    }

    /// The first setting that cannot work, as a sentence; nil when all can.
    public var problem: String? {
        if batchSize < 1 { return "--batch-size must be at least 1, not \(batchSize)" }
        if bptt < 1 { return "--bptt must be at least 1, not \(bptt)" }
        if epochs < 1 { return "--epochs must be at least 1, not \(epochs)" }
        if !(learningRate > 0 && learningRate.isFinite) { return "--lr must be a positive number, not \(learningRate)" }
        if !(momentum >= 0 && momentum < 1) { return "--momentum must lie in [0, 1), not \(momentum)" }
        if !(weightDecay >= 0 && weightDecay.isFinite) { return "--weight-decay must be 0 or more, not \(weightDecay)" }
        if let clip = clipNorm, !(clip > 0 && clip.isFinite) { return "--clip must be a positive number, not \(clip)" }
        if let r = initRange, !(r > 0 && r.isFinite) { return "--init-range must be a positive number, not \(r)" }
        if evalBatchSize < 1 { return "--eval-batch-size must be at least 1, not \(evalBatchSize)" }
        if logEvery < 1 { return "--log-every must be at least 1, not \(logEvery)" }
        if let from = averageFrom, from < 1 { return "--average-from must be an epoch, 1 or more, not \(from)" }
        if let from = averageFrom, from > epochs {
            return "--average-from \(from) is later than the last epoch (\(epochs)); nothing would be averaged"
        }
        if !(checkpointSeconds >= 0 && checkpointSeconds.isFinite) {
            return "--checkpoint-every must be 0 (epoch ends only) or more seconds, not \(checkpointSeconds)"
        }
        return nil
    }
}

/// Everything a language model's `config.json` records: enough to rebuild the model, re-read
/// the corpus the same way and resume training.
public struct LanguageModelRunConfiguration: RunConfiguration {
    public static let kind: String = "language-model"
    public static let kindDescription = "a language model"
    public var format = RunFolder.currentFormat
    /// "language-model" (other tasks write other kinds).
    public var kind: String = LanguageModelRunConfiguration.kind
    public var model: LanguageModelConfiguration
    public var tokenizer: TokenizerOptions
    public var training: TrainingSettings
    public var corpus: CorpusSource
    /// The preset the settings came from, if any (for the record).
    public var preset: String?

    public init(model: LanguageModelConfiguration, tokenizer: TokenizerOptions,
                training: TrainingSettings, corpus: CorpusSource, preset: String? = nil) {
        self.model = model
        self.tokenizer = tokenizer
        self.training = training
        self.corpus = corpus
        self.preset = preset
    }

    public var presetTraining: TrainingSettings? { preset.flatMap(LanguageModelPreset.named)?.training }
    public var modelParameterCount: Double { model.parameterCount }
    public var modelProblem: String? { model.problem }
    public var modelVocabularySize: Int { model.vocabularySize }
}

/// The model and training settings of a named configuration from the literature.
public struct LanguageModelPreset: Sendable {
    public var name: String
    public var layers: Int
    public var hiddenSize: Int
    public var dropout: Float
    public var training: TrainingSettings

    /// Zaremba, Sutskever & Vinyals (2014), "Recurrent Neural Network Regularization", the three
    /// PTB configurations (2 layers; batch 20; SGD; the lr and clip are scaled by bptt for the
    /// time-averaged loss, see `TrainingSettings`).
    public static let all: [LanguageModelPreset] = [
        zaremba(name: "zaremba-small", hidden: 200, bptt: 20, initRange: 0.1, dropout: 0, clip: 5,
                fullEpochs: 4, decay: 2, epochs: 13),
        zaremba(name: "zaremba-medium", hidden: 650, bptt: 35, initRange: 0.05, dropout: 0.5, clip: 5,
                fullEpochs: 6, decay: 1.2, epochs: 39),
        zaremba(name: "zaremba-large", hidden: 1500, bptt: 35, initRange: 0.04, dropout: 0.65, clip: 10,
                fullEpochs: 14, decay: 1.15, epochs: 55),
    ]

    public static func named(_ name: String) -> LanguageModelPreset? {
        all.first { $0.name == name }
    }

    static func zaremba(name: String, hidden: Int, bptt: Int, initRange: Float, dropout: Float, clip: Double,
                        fullEpochs: Int, decay: Double, epochs: Int) -> LanguageModelPreset {
        var t = TrainingSettings()
        t.batchSize = 20
        t.bptt = bptt
        t.epochs = epochs
        t.optimizer = .sgd
        t.learningRate = 1 * Double(bptt)
        t.clipNorm = clip / Double(bptt)
        t.schedule = LearningRateSchedule(base: t.learningRate, decay: .afterEpoch(epochs: fullEpochs, factor: decay))
        t.initRange = initRange
        return LanguageModelPreset(name: name, layers: 2, hiddenSize: hidden, dropout: dropout, training: t)
    }
}

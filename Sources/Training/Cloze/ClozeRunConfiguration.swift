import Models
import NN
import Text

/// Everything a cloze model's `config.json` records: enough to rebuild the model, re-read the
/// corpus the same way and resume training.
public struct ClozeRunConfiguration: RunConfiguration {
    public static let kind: String = "cloze"
    public static let kindDescription = "a cloze (fill-in-the-blank) model"
    public var format = RunFolder.currentFormat
    public var kind: String = ClozeRunConfiguration.kind
    public var model: ClozeModelConfiguration
    public var tokenizer: TokenizerOptions
    /// `batchSize` counts sentences; `bptt` is not used.
    public var training: TrainingSettings
    public var corpus: CorpusSource
    /// The preset the settings came from, if any (for the record).
    public var preset: String?

    public init(model: ClozeModelConfiguration, tokenizer: TokenizerOptions, training: TrainingSettings,
                corpus: CorpusSource, preset: String? = nil) {
        self.model = model
        self.tokenizer = tokenizer
        self.training = training
        self.corpus = corpus
        self.preset = preset
    }

    public var presetTraining: TrainingSettings? { preset.flatMap(ClozeModelPreset.named)?.training }
    public var modelParameterCount: Double { model.parameterCount }
    public var modelProblem: String? { model.problem }
    public var modelVocabularySize: Int { model.vocabularySize }
}

/// Named cloze configurations.
public struct ClozeModelPreset: Sendable {
    public var name: String
    public var model: ClozeModelConfiguration   // vocabulary size 0: set from the corpus
    public var training: TrainingSettings

    public static let all: [ClozeModelPreset] = [small, tied]

    public static func named(_ name: String) -> ClozeModelPreset? {
        all.first { $0.name == name }
    }

    /// The size of zaremba-small (2 layers of 200, embedding 200) in each direction, with a 200-wide
    /// projection so the output layer is as large as the language model's; Adam, sentences in
    /// batches of 32, the rate halved when validation stops improving. Every weight starts in
    /// ±0.1, as in the language model: with PyTorch's N(0, 1) embeddings, or at Adam's usual
    /// 0.002, training sat at the unigram loss for the first few hundred steps on PTB. 20
    /// epochs: on PTB validation accuracy still rose by 0.4 points an epoch after 6, and the
    /// first halving of the rate came after epoch 18.
    public static let small: ClozeModelPreset = {
        var t = TrainingSettings()
        t.batchSize = 32
        t.epochs = 20
        t.optimizer = .adam
        t.learningRate = 0.004
        t.clipNorm = 1
        t.schedule = LearningRateSchedule(base: 0.004, decay: .onPlateau(factor: 2, patience: 0, threshold: 0))
        t.initRange = 0.1
        t.evalBatchSize = 64
        let model = ClozeModelConfiguration(vocabularySize: 0, embeddingSize: 200, hiddenSize: 200, layers: 2,
                                            dropout: 0.3, projectionSize: 200, leftOnlyRate: 0.1)
        return ClozeModelPreset(name: "cloze-small", model: model, training: t)
    }()

    /// About zaremba-small's parameter count (4.8M against 4.7M) spent differently: the output
    /// layer shares the 200-wide embedding, which frees 2M parameters for 300 hidden units a
    /// layer in each direction, regularised by dropout 0.2 and weight drop 0.25. The rate stays
    /// at 0.004 and the weights are averaged over every step from epoch 9 on, 24 epochs in all.
    /// On PTB the averaged weights reached validation cloze perplexity 32.71 (33.47 after 17
    /// epochs) and test 29.87; with the rate divided by 1.5 each epoch after 8 and no averaging,
    /// 15 epochs (this preset before), 35.29 and 31.97; with dropout 0.3 and no weight drop,
    /// 36.89 and 33.91.
    public static let tied: ClozeModelPreset = {
        var t = small.training
        t.epochs = 24
        t.schedule = LearningRateSchedule(base: 0.004, decay: .constant)
        t.averageFrom = 9
        let model = ClozeModelConfiguration(vocabularySize: 0, embeddingSize: 200, hiddenSize: 300, layers: 2,
                                            dropout: 0.2, projectionSize: 200, leftOnlyRate: 0.1, tieWeights: true,
                                            weightDrop: 0.25)
        return ClozeModelPreset(name: "cloze-tied", model: model, training: t)
    }()
}

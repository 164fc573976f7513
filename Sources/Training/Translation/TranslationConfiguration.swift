import Models
import Text

/// How a translation model is trained. Defaults follow issue 7's reference run: Adam 1e-3
/// halved when the validation loss stalls, batches of 64, global-norm clipping at 5, word
/// vocabularies of the words seen at least twice.
public struct TranslationTrainingOptions: Codable, Equatable, Sendable {
    /// Passes over the training pairs.
    public var epochs = 30
    /// Stop after this many minutes of training and validation (nil: no limit); the last,
    /// partial epoch is validated and can win the best checkpoint.
    public var maxMinutes: Double? = nil
    /// Stop after this many minutes of processor time of this process, all threads together
    /// (nil: no limit). On a machine shared with other jobs this budget, unlike wall time,
    /// does not depend on the neighbours: 2 cores × 65 minutes is 130.
    public var maxCPUMinutes: Double? = nil
    /// Sentence pairs per batch.
    public var batchSize = 64
    /// Adam's starting learning rate.
    public var learningRate = 1e-3
    /// Divide the rate by this when the validation loss does not improve (1: constant rate).
    public var decayFactor = 2.0
    /// Epochs without improvement tolerated before dividing.
    public var decayPatience = 0
    /// Clip the global gradient norm to this (0: no clipping).
    public var clipNorm = 5.0
    /// Label smoothing ε of the training loss (validation perplexity is never smoothed).
    public var labelSmoothing: Float = 0
    /// Probability that a decoder step reads the reference token rather than its own last
    /// prediction (1: pure teacher forcing).
    public var teacherForcing = 1.0
    /// Words seen fewer times in the training text become `<unk>`.
    public var minCount = 2
    /// Training pairs with more tokens than this on either side are left out.
    public var maxLength = 80
    /// Seeds initialisation, dropout, batch order and teacher-forcing draws.
    public var seed: UInt64 = 1
    /// Beam size of the validation BLEU (1: greedy, the fastest).
    public var validationBeam = 1

    public init() {}
}

/// Everything `config.json` of a translation run holds: languages, tokenizers, data, model and
/// training options. Loading a run for decoding needs only this and the two vocabularies.
public struct TranslationConfiguration: Codable, Equatable, Sendable {
    public var sourceLanguage: String
    public var targetLanguage: String
    public var sourceTokenizer: TokenizerOptions
    public var targetTokenizer: TokenizerOptions
    /// Training files: `<trainPrefix>.<sourceLanguage>` and `<trainPrefix>.<targetLanguage>`.
    public var trainPrefix: String
    /// Validation files, named the same way.
    public var validPrefix: String
    public var model: TranslatorConfiguration
    public var training: TranslationTrainingOptions

    public init(sourceLanguage: String, targetLanguage: String, trainPrefix: String, validPrefix: String,
                model: TranslatorConfiguration, training: TranslationTrainingOptions) {
        self.sourceLanguage = sourceLanguage
        self.targetLanguage = targetLanguage
        sourceTokenizer = TokenizerOptions(locale: sourceLanguage)
        targetTokenizer = TokenizerOptions(locale: targetLanguage)
        self.trainPrefix = trainPrefix
        self.validPrefix = validPrefix
        self.model = model
        self.training = training
    }
}

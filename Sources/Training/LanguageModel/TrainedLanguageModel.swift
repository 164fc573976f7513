import Foundation
import Models
import NN
import Tensor
import Text

/// A trained language model loaded from its run folder (`config.json`, `vocab.tsv`,
/// `model.safetensors`), with the tokenizer it was trained with: what `eval`, `repl` and
/// `generate` use. Every file is checked before use; problems are one-sentence errors.
public final class TrainedLanguageModel: TrainedRun {
    public let folder: String
    public let configuration: LanguageModelRunConfiguration
    public let vocabulary: Vocabulary
    public let model: LanguageModel
    public let tokenizer: Tokenizer
    /// The state a sentence scored or typed on its own starts from, before its `<eos>`: see
    /// `typicalSentenceEnd`. Computed on first use, or read from the run folder's cache of it.
    public private(set) lazy var sentenceEndState: RecurrentState = cachedSentenceEnd()
    /// The weights file the model was loaded from.
    let weightsPath: String

    public init(folder: String, weights: String = "model.safetensors") throws {
        let files = try RunFiles<LanguageModelRunConfiguration>(
            folder: folder, weights: weights)
        configuration = files.configuration
        vocabulary = files.vocabulary
        model = LanguageModel(configuration: configuration.model, generator: nil)   // weights loaded next
        try model.parameters.load(from: files.weights, allowingExtra: weights != "model.safetensors")
        weightsPath = files.weightsPath
        tokenizer = files.tokenizer
        self.folder = files.folder
    }

    /// The stream of a set of files as training reads them: each line's ids, then `<eos>`.
    public func stream(files: [String], lossy: Bool = false) throws -> (ids: [Int32], unknown: Int) {
        var ids: [Int32] = []
        var unknown = 0
        try TokenizedText(paths: files, options: configuration.tokenizer, lossy: lossy).forEachLine { tokens in
            for token in tokens {
                let id = vocabulary.id(for: token)
                if id == Vocabulary.unknownID { unknown += 1 }
                ids.append(Int32(id))
            }
            ids.append(Int32(Vocabulary.endID))
        }
        return (ids, unknown)
    }

    /// Scores one sentence on its own, the way training saw sentences start (after the end of
    /// another sentence and an `<eos>`, see `sentenceEndState`): Σ log p of every token and of the
    /// closing `<eos>` (natural log).
    public func score(ids: [Int32]) -> (logProbability: Double, predicted: Int) {
        let inputs = [Int32(Vocabulary.endID)] + ids
        let targets = ids + [Int32(Vocabulary.endID)]
        let r = model.evaluate(inputs: inputs, targets: targets, steps: inputs.count, batch: 1,
                               initialState: sentenceEndState)
        return (-r.totalLoss, r.count)
    }
}

import Foundation
import Models
import NN
import Tensor
import Text

/// A trained language model loaded from its run folder (`config.json`, `vocab.tsv`,
/// `model.safetensors`), with the tokenizer it was trained with: what `eval`, `repl` and
/// `generate` use. Every file is checked before use; problems are one-sentence errors.
public final class TrainedLanguageModel {
    public let folder: String
    public let configuration: LanguageModelRunConfiguration
    public let vocabulary: Vocabulary
    public let model: LanguageModel
    public let tokenizer: Tokenizer

    public init(folder: String, weights: String = "model.safetensors") throws {
        let folder = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        configuration = try LanguageModelTrainer.readConfiguration(folder: folder)
        let vocabPath = folder + "/vocab.tsv"
        guard FileManager.default.fileExists(atPath: vocabPath) else {
            throw TrainingError.notARun(folder: folder, cause: "it has no vocab.tsv")
        }
        vocabulary = try Vocabulary(contentsOf: vocabPath)
        guard vocabulary.count == configuration.model.vocabularySize else {
            throw TrainingError.notARun(
                folder: folder,
                cause: "vocab.tsv has \(vocabulary.count) entries but the model was built for \(configuration.model.vocabularySize)")
        }
        if let problem = configuration.model.problem {
            throw TrainingError.notARun(folder: folder, cause: "config.json describes an impossible model: \(problem)")
        }
        let weightsPath = folder + "/" + weights
        guard FileManager.default.fileExists(atPath: weightsPath) else {
            throw TrainingError.notARun(folder: folder, cause: "it has no \(weights) (has training saved a model yet?)")
        }
        model = LanguageModel(configuration: configuration.model, generator: RandomGenerator(seed: 0))
        try model.parameters.load(contentsOf: weightsPath, allowingExtra: weights != "model.safetensors")
        tokenizer = try Tokenizer(options: configuration.tokenizer)
        self.folder = folder
    }

    /// The ids of a line's tokens (unknown words become `<unk>`) and the tokens that were
    /// unknown.
    public func encode(_ line: String) throws -> (ids: [Int32], tokens: [String], unknown: [String]) {
        let tokens = try tokenizer.tokenize(line)
        var ids: [Int32] = []
        var unknown: [String] = []
        ids.reserveCapacity(tokens.count)
        for token in tokens {
            let id = vocabulary.id(for: token)
            if id == Vocabulary.unknownID && token != Vocabulary.unknownToken { unknown.append(token) }
            ids.append(Int32(id))
        }
        return (ids, tokens, unknown)
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

    /// Scores one sentence from a fresh state, the way training saw sentences start (after an
    /// `<eos>`): Σ log p of every token and of the closing `<eos>` (natural log).
    public func score(ids: [Int32]) -> (logProbability: Double, predicted: Int) {
        let inputs = [Int32(Vocabulary.endID)] + ids
        let targets = ids + [Int32(Vocabulary.endID)]
        let r = model.evaluate(inputs: inputs, targets: targets, steps: inputs.count, batch: 1,
                               initialState: model.zeroState(batchSize: 1))
        return (-r.totalLoss, r.count)
    }
}

import Foundation
import Models
import NN
import Support
import Tensor
import Text

/// Why a run folder could not be used; one sentence naming the file.
public enum TranslationRunError: Error, CustomStringConvertible, Equatable, Sendable {
    case missing(path: String, what: String)
    case malformedConfiguration(path: String, cause: String)
    case exists(path: String)
    case malformedCheckpoint(path: String, cause: String)
    case weightsTooSmall(configuration: String, weights: String, needed: Double, held: Int)

    public var description: String {
        switch self {
        case let .missing(path, what):
            return "\(path) is missing: \(what)"
        case let .malformedConfiguration(path, cause):
            return "\(path) is not a translation run configuration: \(cause)"
        case let .exists(path):
            return "\(path) already holds a training run; pass --resume to continue it or choose another --out"
        case let .malformedCheckpoint(path, cause):
            return "\(path) cannot be resumed from: \(cause)"
        case let .weightsTooSmall(configuration, weights, needed, held):
            return "\(configuration) describes a model of at least \(MemoryBudget.count(needed)) parameters, "
                + "more than the \(held) of \(weights); the two files do not belong together"
        }
    }
}

/// The files of one translation run, side by side in a folder (the LM trainer's layout):
///
/// | file | content |
/// | --- | --- |
/// | `config.json` | `TranslationConfiguration` |
/// | `vocab.source.tsv`, `vocab.target.tsv` | vocabularies built from the training text |
/// | `model.safetensors` | parameters with the best validation BLEU so far |
/// | `last.safetensors` | parameters, optimizer state, random state and data position, for `--resume` |
/// | `metrics.jsonl` | one record per logged step and per epoch |
/// | `curves.svg` | perplexity and BLEU per epoch |
///
/// Every file is written through `AtomicFile`.
public struct TranslationRunFolder: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var configurationPath: String { path + "/config.json" }
    public var sourceVocabularyPath: String { path + "/vocab.source.tsv" }
    public var targetVocabularyPath: String { path + "/vocab.target.tsv" }
    public var bestModelPath: String { path + "/model.safetensors" }
    public var lastCheckpointPath: String { path + "/last.safetensors" }
    public var metricsPath: String { path + "/metrics.jsonl" }
    public var curvesPath: String { path + "/curves.svg" }

    /// Creates the folder (and its parents); refuses one that already holds a run.
    public func create() throws {
        if FileManager.default.fileExists(atPath: configurationPath) { throw TranslationRunError.exists(path: path) }
        try Folder.create(path)
        AtomicFile.removeLeftovers(in: path)
    }

    public func save(_ configuration: TranslationConfiguration) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(configuration)
        try AtomicFile.write(Array(data) + [0x0A], to: configurationPath)
    }

    public func loadConfiguration() throws -> TranslationConfiguration {
        guard FileManager.default.fileExists(atPath: configurationPath) else {
            throw TranslationRunError.missing(path: configurationPath, what: "is \(path) a translation run folder (lstmkit translate train --out)?")
        }
        guard let data = FileManager.default.contents(atPath: configurationPath) else {
            throw TranslationRunError.malformedConfiguration(path: configurationPath, cause: "it cannot be read")
        }
        do {
            let configuration = try JSONDecoder().decode(TranslationConfiguration.self, from: data)
            try configuration.model.validate()
            return configuration
        } catch let error as TranslatorConfigurationError {
            throw TranslationRunError.malformedConfiguration(path: configurationPath, cause: error.description)
        } catch {
            throw TranslationRunError.malformedConfiguration(path: configurationPath, cause: DecodingProblem.describe(error))
        }
    }

    /// The source and target vocabularies.
    public func loadVocabularies() throws -> (source: Vocabulary, target: Vocabulary) {
        for file in [sourceVocabularyPath, targetVocabularyPath] where !FileManager.default.fileExists(atPath: file) {
            throw TranslationRunError.missing(path: file, what: "the run folder is incomplete")
        }
        return (try Vocabulary(contentsOf: sourceVocabularyPath), try Vocabulary(contentsOf: targetVocabularyPath))
    }

    /// Which parameters to load for decoding.
    public enum Checkpoint: String, CaseIterable, Sendable {
        /// `model.safetensors`: the best validation BLEU.
        case best
        /// `last.safetensors`: where training stopped.
        case last
    }

    public func checkpointPath(_ checkpoint: Checkpoint) -> String {
        checkpoint == .best ? bestModelPath : lastCheckpointPath
    }

    /// A translator with the parameters of `checkpoint`, checked against the configuration.
    public func loadModel(_ configuration: TranslationConfiguration, checkpoint: Checkpoint) throws -> Translator {
        let file = checkpointPath(checkpoint)
        guard FileManager.default.fileExists(atPath: file) else {
            throw TranslationRunError.missing(path: file, what: "the run has not finished an epoch yet")
        }
        return try model(configuration, weights: SafeTensorsFile(contentsOf: file), allowingExtra: checkpoint == .last)
    }

    /// A translator built from `configuration` with the parameters of `weights`; a file with
    /// fewer scalars than the configuration's model needs is refused before the model is built
    /// (a damaged `config.json` must not ask for terabytes).
    func model(_ configuration: TranslationConfiguration, weights: SafeTensorsFile, allowingExtra: Bool) throws -> Translator {
        let needed = configuration.model.minimumParameterCount
        guard needed <= Double(weights.scalarCount) else {
            throw TranslationRunError.weightsTooSmall(configuration: configurationPath, weights: weights.path,
                                                      needed: needed, held: weights.scalarCount)
        }
        let model = try Translator(configuration: configuration.model, generator: RandomGenerator(seed: 0))
        try model.registry.load(from: weights, allowingExtra: allowingExtra)
        return model
    }
}

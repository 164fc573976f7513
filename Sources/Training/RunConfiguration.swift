import Foundation
import Support
import Tensor
import Text

/// What a run folder's `config.json` holds, for any kind of model: enough to rebuild the model,
/// re-read the corpus the same way and resume training.
public protocol RunConfiguration: Codable, Equatable, Sendable {
    /// The `kind` field that names this kind of run ("language-model", "cloze").
    static var kind: String { get }
    /// How errors name this kind of model ("a language model").
    static var kindDescription: String { get }
    var tokenizer: TokenizerOptions { get }
    var training: TrainingSettings { get set }
    var corpus: CorpusSource { get }
    /// The preset the run was started with, if any (for the record).
    var preset: String? { get }
    /// That preset's training settings as this version defines them; nil without a preset.
    var presetTraining: TrainingSettings? { get }
    /// The model's parameter count, worked out from the sizes in the file (see
    /// `checkWeights(_:folder:)`).
    var modelParameterCount: Double { get }
    /// What makes the model unbuildable, as a sentence; nil when it can be built.
    var modelProblem: String? { get }
    /// The vocabulary size the model was built for.
    var modelVocabularySize: Int { get }
}

/// The run folder layout shared by every kind of run.
public enum RunFolder {
    /// Bumped when the run folder layout changes incompatibly; a newer format is refused.
    public static let currentFormat = 1

    /// The `kind` of the run in `folder` ("language-model", "cloze"), after checking that the
    /// folder exists, has a readable `config.json` and is not of a newer format.
    public static func kind(of folder: String) throws -> String {
        try header(folder: folder).kind ?? "unknown"
    }

    struct Header: Decodable {
        var format: Int?
        var kind: String?
        /// Only a translation run's config.json names one (and it has no `kind`).
        var sourceLanguage: String?

        /// What errors call the run: "a 'cloze' run", "a translation run".
        var runDescription: String {
            if let kind { return "a '\(kind)' run" }
            return sourceLanguage == nil ? "a run of unknown kind (it has no 'kind' field)" : "a translation run"
        }
    }

    static func header(folder: String) throws -> Header {
        try header(folder: folder, data: contents(folder: folder))
    }

    static func contents(folder: String) throws -> Data {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw TrainingError.notARun(folder: folder, cause: "no such folder")
        }
        guard let data = FileManager.default.contents(atPath: folder + "/config.json") else {
            throw TrainingError.notARun(folder: folder, cause: "it has no readable config.json")
        }
        return data
    }

    static func header(folder: String, data: Data) throws -> Header {
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw TrainingError.notARun(folder: folder, cause: "config.json is not valid JSON")
        }
        if let format = header.format, format > currentFormat {
            throw TrainingError.newerFormat(folder: folder, format: format)
        }
        return header
    }
}

extension RunConfiguration {
    /// Reads `config.json` of a run folder, refusing a newer format or another kind of run.
    public static func read(folder: String) throws -> Self {
        let data = try RunFolder.contents(folder: folder)
        let header = try RunFolder.header(folder: folder, data: data)
        guard header.kind == kind else {
            throw TrainingError.notARun(folder: folder,
                                        cause: "config.json describes \(header.runDescription), not \(kindDescription)")
        }
        do {
            return try JSONDecoder().decode(Self.self, from: data)
        } catch {
            throw TrainingError.notARun(folder: folder, cause: "config.json is incomplete: \(DecodingProblem.describe(error))")
        }
    }

    /// Refuses a model that cannot be built, or whose vocabulary is not `vocabulary` (the run's
    /// `vocab.tsv`): checked before anything is built from the configuration.
    public func checkModel(vocabulary: Vocabulary, folder: String) throws {
        guard vocabulary.count == modelVocabularySize else {
            throw TrainingError.notARun(
                folder: folder, cause: "vocab.tsv has \(vocabulary.count) entries but the model was built for \(modelVocabularySize)")
        }
        if let error = MemoryBudget.Budget.current.error { throw TrainingError.setting(error) }
        if let problem = modelProblem {
            let tooLarge = problem == MemoryBudget.useProblem(parameters: modelParameterCount)
            throw TrainingError.notARun(folder: folder, cause: "config.json describes "
                + (tooLarge ? "a model too large for this machine: " : "an impossible model: ") + problem)
        }
    }

    /// Refuses a weights file with fewer scalars than the model this configuration describes,
    /// before the model is built: a damaged `config.json` must not ask for terabytes.
    public func checkWeights(_ file: SafeTensorsFile, folder: String) throws {
        let count = modelParameterCount
        guard count <= Double(file.scalarCount) else {
            let name = file.path.split(separator: "/").last.map(String.init) ?? file.path
            throw TrainingError.notARun(
                folder: folder, cause: "config.json describes a model of \(MemoryBudget.count(count)) parameters, more than the "
                    + "\(file.scalarCount) of \(name); the two files do not belong together")
        }
    }

    /// Refuses a model too large to train in this machine's memory (weights, gradients,
    /// optimizer state and average), before anything is built; `folder` names the run.
    public func checkTrainable(folder: String) throws {
        if let problem = MemoryBudget.trainingProblem(parameters: modelParameterCount,
                                                      bytesPerParameter: training.trainingBytesPerParameter) {
            throw TrainingError.setting("\(folder) cannot be trained on this machine: \(problem)")
        }
    }

    /// Writes the configuration as `config.json` (sorted keys, so equal settings give equal bytes).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(Array(try encoder.encode(self)) + [0x0A], to: path)
    }
}

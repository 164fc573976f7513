import Foundation
import Models
import NN
import Support
import Tensor

/// How a forecaster is trained; stored in the run's `config.json`.
public struct SeriesTrainingOptions: Codable, Equatable, Sendable {
    /// Past values the model reads per forecast (N).
    public var window: Int = 48
    /// Values forecast at once, one per output unit (H).
    public var horizon: Int = 1
    /// Passes over the training windows.
    public var epochs: Int = 20
    /// Windows per optimizer step (the last batch of an epoch may be smaller).
    public var batchSize: Int = 32
    /// Adam's learning rate (betas 0.9/0.999, ε 1e-8, no weight decay: Keras' and PyTorch's defaults).
    public var learningRate: Float = 1e-3
    /// Share of the series, at its end, kept for validation.
    public var validFraction: Double = 0.2
    /// The training loss, on standardized values.
    public var loss: RegressionLossKind = .mse
    /// Global gradient-norm limit, or nil for none (Keras' default).
    public var clipNorm: Double? = nil
    /// Seed of the one generator behind initialisation, shuffling and dropout.
    public var seed: UInt64 = 1
    /// Threads for matrix products and kernels (0: all cores), as `series train` sets them with
    /// `Threads.setCount` (the trainer itself leaves the setting alone). Runs with the same seed
    /// and thread count are bit-identical.
    public var threads: Int = 1

    public init() {}

    /// One sentence naming the first unusable field, or nil.
    public var problem: String? {
        if window < 1 { return "the window must hold at least one value" }
        if horizon < 1 { return "the horizon must be at least one value" }
        if epochs < 1 { return "train for at least one epoch" }
        if batchSize < 1 { return "the batch size must be at least 1" }
        if !(learningRate > 0 && learningRate.isFinite) { return "the learning rate must be positive" }
        if !(validFraction > 0 && validFraction < 1) { return "the validation fraction must lie strictly between 0 and 1" }
        if let clipNorm, !(clipNorm > 0) { return "the gradient-norm limit must be positive" }
        if threads < 0 { return "the thread count cannot be negative" }
        return nil
    }
}

/// Where the training data came from.
public struct SeriesDataDescription: Codable, Equatable, Sendable {
    /// The CSV file, as given on the command line.
    public var csv: String
    /// The column's header name, or nil when the file had no header.
    public var column: String?
    /// The column's 1-based number.
    public var columnNumber: Int
    /// Values read.
    public var values: Int
    /// Values in the training part: the standardization was fitted on these alone.
    public var trainValues: Int

    public init(csv: String, column: String?, columnNumber: Int, values: Int, trainValues: Int) {
        self.csv = csv
        self.column = column
        self.columnNumber = columnNumber
        self.values = values
        self.trainValues = trainValues
    }
}

/// Everything needed to rebuild and use a trained forecaster: the run folder's `config.json`,
/// also stored in `model.safetensors`' metadata (key `config`) so the weights file alone is enough.
public struct SeriesRunConfiguration: Codable, Equatable, Sendable {
    /// Marks the file as a series run (`"series"`); a language-model run says otherwise.
    public var kind = SeriesRunConfiguration.kindName
    public var data: SeriesDataDescription
    /// Applied to inputs and inverted on outputs.
    public var standardization: Standardization
    public var model: SequenceRegressorConfiguration
    public var training: SeriesTrainingOptions

    public static let kindName = "series"

    public init(data: SeriesDataDescription, standardization: Standardization,
                model: SequenceRegressorConfiguration, training: SeriesTrainingOptions) {
        self.data = data
        self.standardization = standardization
        self.model = model
        self.training = training
    }

    /// Pretty JSON with sorted keys (stable, diff-friendly).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Parses a configuration; errors name `path` in one sentence.
    public static func parse(_ text: String, path: String) throws -> SeriesRunConfiguration {
        let configuration: SeriesRunConfiguration
        do {
            configuration = try JSONDecoder().decode(SeriesRunConfiguration.self, from: Data(text.utf8))
        } catch let error as Swift.DecodingError {
            throw CheckpointError(path: path, cause: "the configuration is not a series run's (\(SeriesRunConfiguration.explain(error)))")
        }
        guard configuration.kind == kindName else {
            throw CheckpointError(path: path, cause: "it is a '\(configuration.kind)' run, not a series forecaster")
        }
        if let problem = configuration.model.problem ?? configuration.training.problem {
            throw CheckpointError(path: path, cause: "the configuration is unusable: \(problem)")
        }
        guard configuration.model.outputSize == configuration.training.horizon, configuration.model.inputSize == 1,
              configuration.standardization.scale > 0, configuration.standardization.scale.isFinite,
              configuration.standardization.mean.isFinite else {
            throw CheckpointError(path: path, cause: "the configuration is inconsistent (one input, one output per horizon step, a positive finite scale)")
        }
        return configuration
    }

    static func explain(_ error: Swift.DecodingError) -> String {
        func at(_ context: Swift.DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let path = at(context)
            return "missing '\(path.isEmpty ? "" : path + ".")\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "'\(at(context))' has the wrong type"
        case .dataCorrupted(let context):
            return at(context).isEmpty ? "not valid JSON" : "'\(at(context))' is invalid"
        @unknown default:
            return "unreadable"
        }
    }
}

/// The files of a series run folder, all written atomically.
public enum SeriesRunFolder {
    public static let configuration = "config.json"
    /// Parameters of the epoch with the best validation loss, plus the configuration as metadata.
    public static let model = "model.safetensors"
    public static let metrics = "metrics.jsonl"
    public static let curves = "curves.svg"

    /// Creates the folder (and its parents) when missing.
    public static func create(_ folder: String) throws {
        try Folder.create(folder)
    }

    /// Writes the parameters of `registry` with the configuration in the metadata.
    public static func writeModel(_ registry: ParameterRegistry, configuration: SeriesRunConfiguration,
                                  epoch: Int, to path: String) throws {
        try registry.write(to: path, metadata: ["format": "lstmkit-series", "config": try configuration.json(),
                                               "epoch": String(epoch)])
    }

    /// The configuration and a model holding the trained parameters, from a run folder or from
    /// a `model.safetensors` file alone.
    public static func loadModel(_ path: String) throws -> (SeriesRunConfiguration, SequenceRegressor) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CheckpointError(path: path, cause: "no such file or folder")
        }
        let weightsPath = isDirectory.boolValue ? folderPath(path, model) : path
        let file = try SafeTensorsFile(contentsOf: weightsPath)
        let configuration: SeriesRunConfiguration
        if let text = file.metadata["config"] {
            configuration = try SeriesRunConfiguration.parse(text, path: weightsPath)
        } else if isDirectory.boolValue {
            let configPath = folderPath(path, SeriesRunFolder.configuration)
            guard let data = FileManager.default.contents(atPath: configPath) else {
                throw CheckpointError(path: configPath, cause: "the file is missing or unreadable")
            }
            configuration = try SeriesRunConfiguration.parse(String(decoding: data, as: UTF8.self), path: configPath)
        } else {
            throw CheckpointError(path: path, cause: "it carries no series configuration; give the run folder instead")
        }
        // Checked before the model is built: a damaged configuration must not ask for gigabytes.
        guard configuration.model.parameterCount <= Double(file.scalarCount) else {
            throw CheckpointError(path: weightsPath, cause: "the configuration describes a model of "
                + "\(MemoryBudget.count(configuration.model.parameterCount)) parameters, more than the \(file.scalarCount) "
                + "this file holds; the two do not belong together")
        }
        let model = SequenceRegressor(configuration: configuration.model, generator: RandomGenerator(seed: 0))
        try model.registry.load(from: file)
        return (configuration, model)
    }

    /// `folder/name`, without doubling a trailing slash.
    public static func folderPath(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}

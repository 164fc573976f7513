import Foundation
import Models
import NN
import Tensor
import Text

/// A trained model loaded from its run folder, with the vocabulary and the tokenizer it was
/// trained with.
public protocol TrainedRun: AnyObject {
    var folder: String { get }
    var vocabulary: Vocabulary { get }
    var tokenizer: Tokenizer { get }
}

extension TrainedRun {
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
}

/// What a trained recurrent model carries from word to word in the REPL: its recurrent state
/// after the words fed so far, and the logits for the next word.
public final class RecurrentWordState {
    let recurrent: RecurrentState   // (L, 1, H)
    let logits: Tensor              // (1, V)

    init(recurrent: RecurrentState, logits: Tensor) {
        self.recurrent = recurrent
        self.logits = logits
    }

    /// An independent copy.
    func copy() -> RecurrentWordState {
        RecurrentWordState(recurrent: recurrent.copy(), logits: logits.copy())
    }

    /// ln P(next word) for every vocabulary entry: written straight into the returned array
    /// (each REPL query calls this; no intermediate tensor).
    func nextWordLogProbabilities() -> [Float] {
        let v = logits.count
        return [Float](unsafeUninitializedCapacity: v) { buffer, initialized in
            Softmax.logSoftmax(logits.pointer, into: buffer.baseAddress!, count: v)
            initialized = v
        }
    }
}

// The vocabulary side of `NextWordModel`, the same for every trained run.
extension TrainedRun {
    public var vocabularySize: Int { vocabulary.count }

    public func word(for id: Int) -> String { vocabulary.token(for: id) ?? Vocabulary.unknownToken }

    public func tokenize(_ text: String) throws -> [PromptToken] {
        try tokenizer.tokenize(text).map { token in
            let id = vocabulary.id(for: token)
            return PromptToken(text: token, id: id, isUnknown: id == Vocabulary.unknownID && token != Vocabulary.unknownToken)
        }
    }

    public func detokenize(_ words: [String]) -> String {
        Detokenizer(locale: tokenizer.options.locale).detokenize(words.filter { $0 != Vocabulary.endToken })
    }
}

/// The files of a trained run folder, each checked before use: `config.json` of the expected
/// kind, `vocab.tsv` matching the model, the weights file present.
struct RunFiles<Configuration: RunConfiguration> {
    let folder: String
    let configuration: Configuration
    let vocabulary: Vocabulary
    let weightsPath: String
    /// The weights file, read and checked against the configuration's sizes.
    let weights: SafeTensorsFile
    let tokenizer: Tokenizer

    /// `weights` names the weights file in `folder`.
    init(folder: String, weights: String) throws {
        let folder = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        configuration = try Configuration.read(folder: folder)
        let vocabPath = folder + "/vocab.tsv"
        guard FileManager.default.fileExists(atPath: vocabPath) else {
            throw TrainingError.notARun(folder: folder, cause: "it has no vocab.tsv")
        }
        vocabulary = try Vocabulary(contentsOf: vocabPath)
        try configuration.checkModel(vocabulary: vocabulary, folder: folder)
        weightsPath = folder + "/" + weights
        guard FileManager.default.fileExists(atPath: weightsPath) else {
            throw TrainingError.notARun(folder: folder, cause: "it has no \(weights) (has training saved a model yet?)")
        }
        self.weights = try SafeTensorsFile(contentsOf: weightsPath)
        try configuration.checkWeights(self.weights, folder: folder)
        tokenizer = try Tokenizer(options: configuration.tokenizer)
        self.folder = folder
    }
}

import Foundation
import Text

/// Why a corpus could not be used for training; one sentence naming the file and the cause.
public enum CorpusError: Error, CustomStringConvertible, Equatable {
    case notFound(path: String)
    case folderWithoutSplits(path: String)
    case empty(path: String)
    case tooShort(path: String, tokens: Int, batchSize: Int)
    case tooFewLinesToSplit(path: String, lines: Int)
    case tooShortToEvaluate(path: String, tokens: Int)

    public var description: String {
        switch self {
        case let .notFound(path):
            return "\(path) does not exist"
        case let .folderWithoutSplits(path):
            return "\(path) holds neither train.txt/valid.txt/test.txt nor ptb.train.txt/ptb.valid.txt/ptb.test.txt; "
                + "name the files with --train, --valid and --test"
        case let .empty(path):
            return "\(path) holds no tokens"
        case let .tooShort(path, tokens, batchSize):
            return "\(path) has \(tokens) tokens, too few for one batch of \(batchSize) columns (at least \(2 * batchSize) are needed); "
                + "use a longer text or a smaller --batch-size"
        case let .tooFewLinesToSplit(path, lines):
            return "\(path) has \(lines) lines, too few to split 90/5/5 into train, valid and test (at least 20 are needed)"
        case let .tooShortToEvaluate(path, tokens):
            return "\(path) has \(tokens) tokens counting each line's <eos>, too few to evaluate (at least 2 are needed)"
        }
    }
}

/// Where a language-model corpus comes from: three files, or one file split by lines.
public struct CorpusSource: Codable, Equatable, Sendable {
    public var train: String
    public var valid: String?
    public var test: String?
    /// When set, `train` is a single file cut into train/valid/test by lines: the first 90%,
    /// the next 5%, the last 5% (contiguous, so documents stay whole).
    public var splitSingleFile: Bool

    /// Paths are stored absolute, so a run can be resumed from any working folder.
    public init(train: String, valid: String?, test: String?, splitSingleFile: Bool = false) {
        self.train = Self.absolute(train)
        self.valid = valid.map(Self.absolute)
        self.test = test.map(Self.absolute)
        self.splitSingleFile = splitSingleFile
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Resolves `--corpus PATH`: a folder with `train.txt`/`valid.txt`/`test.txt` (or PTB's
    /// `ptb.*.txt`, or WikiText's `wiki.*.tokens`), or a single file to split.
    public static func resolve(corpus path: String) throws -> CorpusSource {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CorpusError.notFound(path: path)
        }
        guard isFolder.boolValue else {
            return CorpusSource(train: path, valid: nil, test: nil, splitSingleFile: true)
        }
        let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
        for (prefix, suffix) in [("", ".txt"), ("ptb.", ".txt"), ("wiki.", ".tokens")] {
            let names = ["train", "valid", "test"].map { "\(folder)/\(prefix)\($0)\(suffix)" }
            if FileManager.default.fileExists(atPath: names[0]) {
                let existing = names.map { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
                return CorpusSource(train: names[0], valid: existing[1], test: existing[2])
            }
        }
        throw CorpusError.folderWithoutSplits(path: path)
    }
}

/// A tokenized corpus as id streams: every line's tokens followed by `<eos>`, mapped through
/// one vocabulary (built from the training part unless given).
public struct LanguageModelCorpus {
    public var vocabulary: Vocabulary
    public var train: [Int32]
    public var valid: [Int32]
    public var test: [Int32]
    /// Tokens of the training part, and the share the vocabulary covers (100% minus OOV).
    public var trainCoverage: Double
    /// A sentence describing how the parts were made, for the log.
    public var note: String

    /// Reads and tokenizes the corpus.
    ///
    /// - Parameters:
    ///   - vocabulary: use this vocabulary instead of building one from the training part.
    ///   - minimumCount, maximumSize: for the built vocabulary.
    public init(source: CorpusSource, tokenizer: TokenizerOptions, vocabulary given: Vocabulary? = nil,
                minimumCount: Int = 1, maximumSize: Int? = nil, lossy: Bool = false) throws {
        var interner = Interner()
        var parts: [[Int32]] = []
        var lineEnds: [Int] = []  // single-file split: end offset of each line in the stream
        let paths = [source.train] + (source.splitSingleFile ? [] : [source.valid, source.test].compactMap { $0 })
        for path in paths {
            var stream: [Int32] = []
            try TokenizedText(paths: [path], options: tokenizer, lossy: lossy).forEachLine { tokens in
                for token in tokens { stream.append(interner.id(token)) }
                stream.append(interner.endID)
                if source.splitSingleFile { lineEnds.append(stream.count) }
            }
            parts.append(stream)
        }
        var trainPart = parts[0]
        var validPart: [Int32] = []
        var testPart: [Int32] = []
        if source.splitSingleFile {
            let lines = lineEnds.count
            guard lines >= 20 else { throw CorpusError.tooFewLinesToSplit(path: source.train, lines: lines) }
            let trainLines = lines * 90 / 100, validLines = lines * 5 / 100
            let trainEnd = lineEnds[trainLines - 1], validEnd = lineEnds[trainLines + validLines - 1]
            validPart = Array(trainPart[trainEnd..<validEnd])
            testPart = Array(trainPart[validEnd...])
            trainPart = Array(trainPart[..<trainEnd])
            note = "split \(source.train) by lines: \(trainLines) train, \(validLines) valid, \(lines - trainLines - validLines) test"
        } else {
            var index = 1
            if source.valid != nil { validPart = parts[index]; index += 1 }
            if source.test != nil { testPart = parts[index] }
            note = "train \(source.train)" + (source.valid.map { ", valid \($0)" } ?? ", no valid file")
                + (source.test.map { ", test \($0)" } ?? ", no test file")
        }
        guard trainPart.count > lineCountOfEnds(trainPart, endID: interner.endID) else {
            throw CorpusError.empty(path: source.train)
        }

        // Count the training part only, build (or take) the vocabulary, then map every
        // provisional id to its vocabulary id.
        var counts = [Int](repeating: 0, count: interner.tokens.count)
        for id in trainPart { counts[Int(id)] += 1 }
        let vocabulary: Vocabulary
        if let given {
            vocabulary = given
        } else {
            var builder = VocabularyBuilder()
            for (token, count) in zip(interner.tokens, counts) { builder.add(token, count: count) }
            vocabulary = try builder.build(minimumCount: minimumCount, maximumSize: maximumSize)
        }
        let map = interner.tokens.map { Int32(vocabulary.id(for: $0)) }
        func remap(_ part: [Int32]) -> [Int32] { part.map { map[Int($0)] } }
        train = remap(trainPart)
        valid = remap(validPart)
        test = remap(testPart)
        var covered = 0
        for (id, count) in counts.enumerated() where vocabulary.contains(interner.tokens[id]) { covered += count }
        trainCoverage = trainPart.isEmpty ? 0 : Double(covered) / Double(trainPart.count)
        self.vocabulary = vocabulary
    }

    /// Provisional ids for token strings in order of first appearance.
    struct Interner {
        var ids: [String: Int32] = [:]
        var tokens: [String] = []
        let endID: Int32

        init() {
            ids[Vocabulary.endToken] = 0
            tokens = [Vocabulary.endToken]
            endID = 0
        }

        mutating func id(_ token: String) -> Int32 {
            if let id = ids[token] { return id }
            let id = Int32(tokens.count)
            ids[token] = id
            tokens.append(token)
            return id
        }
    }
}

private func lineCountOfEnds(_ stream: [Int32], endID: Int32) -> Int {
    var n = 0
    for id in stream where id == endID { n += 1 }
    return n
}

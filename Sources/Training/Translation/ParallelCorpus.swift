import Text

/// Why a parallel corpus could not be used; each description is one sentence naming the files.
public enum ParallelCorpusError: Error, CustomStringConvertible, Equatable, Sendable {
    case lineCountMismatch(sourcePath: String, sourceLines: Int, targetPath: String, targetLines: Int)
    case noPairs(sourcePath: String, targetPath: String)

    public var description: String {
        switch self {
        case let .lineCountMismatch(sourcePath, sourceLines, targetPath, targetLines):
            return "\(sourcePath) has \(sourceLines) lines but \(targetPath) has \(targetLines): "
                + "the two sides of a parallel corpus must be line-aligned"
        case let .noPairs(sourcePath, targetPath):
            return "\(sourcePath) and \(targetPath) hold no sentence pair with text on both sides"
        }
    }
}

/// Line-aligned sentence pairs, tokenized per language: line i of the source file translates to
/// line i of the target file. Pairs with an empty side (a blank line, such as the one Multi30k's
/// files end with) are left out and counted.
public struct ParallelCorpus: Sendable {
    public var sourcePath: String
    public var targetPath: String
    /// Source tokens of each pair.
    public var sources: [[String]]
    /// Target tokens of each pair.
    public var targets: [[String]]
    /// The target lines as written (detokenized references for BLEU).
    public var targetLines: [String]
    /// Pairs left out because one side was empty.
    public var skippedEmpty: Int

    /// The files `prefix.source` and `prefix.target` (e.g. `train.de`, `train.en`).
    public static func paths(prefix: String, source: String, target: String) -> (source: String, target: String) {
        ("\(prefix).\(source)", "\(prefix).\(target)")
    }

    /// Reads and tokenizes both sides.
    public init(sourcePath: String, targetPath: String, sourceOptions: TokenizerOptions,
                targetOptions: TokenizerOptions) throws {
        let sourceLines = try ParallelCorpus.lines(of: sourcePath)
        let targetLines = try ParallelCorpus.lines(of: targetPath)
        guard sourceLines.count == targetLines.count else {
            throw ParallelCorpusError.lineCountMismatch(sourcePath: sourcePath, sourceLines: sourceLines.count,
                                                        targetPath: targetPath, targetLines: targetLines.count)
        }
        let sourceTokenizer = try Tokenizer(options: sourceOptions)
        let targetTokenizer = try Tokenizer(options: targetOptions)
        self.sourcePath = sourcePath
        self.targetPath = targetPath
        sources = []
        targets = []
        self.targetLines = []
        skippedEmpty = 0
        for (sourceLine, targetLine) in zip(sourceLines, targetLines) {
            let s = try sourceTokenizer.tokenize(sourceLine), t = try targetTokenizer.tokenize(targetLine)
            if s.isEmpty || t.isEmpty {
                skippedEmpty += 1
                continue
            }
            sources.append(s)
            targets.append(t)
            self.targetLines.append(targetLine)
        }
        guard !sources.isEmpty else { throw ParallelCorpusError.noPairs(sourcePath: sourcePath, targetPath: targetPath) }
    }

    public var count: Int { sources.count }

    /// Every line of a UTF-8 text file (strict: invalid UTF-8 is an error naming line and offset).
    static func lines(of path: String) throws -> [String] {
        let reader = try LineReader(path: path)
        var lines: [String] = []
        while let line = try reader.readLine() { lines.append(line) }
        return lines
    }
}

/// The token lines of a set of text files (or standard input): each line's tokens, or with
/// `sentences` each sentence's tokens, read in a stream. The one loop behind `lstmkit tokenize`,
/// `vocab build`, `vocab stats` and the corpus readers of training.
public struct TokenizedText {
    /// Files to read in order; empty, or a path of "-", means standard input.
    public var paths: [String]
    public var options: TokenizerOptions
    /// Replace invalid UTF-8 by U+FFFD instead of failing.
    public var lossy: Bool
    /// Segment running text into sentences (paragraphs end at blank lines) instead of taking
    /// each line as a unit.
    public var sentences: Bool

    public init(paths: [String], options: TokenizerOptions = TokenizerOptions(), lossy: Bool = false,
                sentences: Bool = false) {
        self.paths = paths
        self.options = options
        self.lossy = lossy
        self.sentences = sentences
    }

    /// Calls `body` with the tokens of each line or sentence (the array is reused between
    /// calls; copy it to keep it). Empty lines give empty token lists; with `sentences` they
    /// end paragraphs instead.
    public func forEachLine(_ body: ([String]) throws -> Void) throws {
        let tokenizer = try Tokenizer(options: options)
        let running = sentences ? try RunningText(locale: options.locale) : nil
        var tokens: [String] = []
        let sentenceBody: (String) throws -> Void = { sentence in
            var sentence = sentence
            try sentence.withUTF8 { try tokenizer.tokenize(utf8: $0, into: &tokens) }
            try body(tokens)
        }
        for path in paths.isEmpty ? ["-"] : paths {
            let reader = path == "-"
                ? LineReader(fileDescriptor: 0, name: "<stdin>", lossy: lossy)
                : try LineReader(path: path, lossy: lossy)
            while let line = try reader.nextLine() {
                if let running {
                    try running.append(line: line, sentenceBody)
                } else {
                    try tokenizer.tokenize(utf8: line, into: &tokens)
                    try body(tokens)
                }
            }
            try running?.finish(sentenceBody)
        }
    }
}

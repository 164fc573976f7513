import ArgumentParser
import Text

/// `lstmkit vocab build`: count the tokens of text files and write a vocabulary.
struct VocabBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Count tokens and write a vocabulary (token<TAB>count, line i = id i-1).",
        discussion: """
            Specials come first: <pad> 0, <unk> 1, <bos> 2, <eos> 3, then any --special, then \
            tokens by count (ties in code-point order). A corpus that spells <unk> adds to the special.
            """
    )

    @Argument(help: "Text files (UTF-8); standard input when none.")
    var files: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the vocabulary (e.g. vocab/NAME.tsv); without it only the summary is printed.", valueName: "FILE"))
    var output: String?

    @Option(name: .customLong("min-count"), help: "Leave out tokens seen fewer times.")
    var minCount = 1

    @Option(name: .customLong("max-size"), help: "Keep at most this many entries, specials included.")
    var maxSize: Int?

    @Option(name: .customLong("special"), help: ArgumentHelp("An extra special token such as <blank> (repeatable).", valueName: "TOKEN"))
    var specials: [String] = []

    @Flag(help: "Count an <eos> at the end of every line (as language-model training does).")
    var eos = false

    @OptionGroup var tokenizer: TokenizerFlags

    func validate() throws {
        guard minCount >= 1 else { throw ValidationError("--min-count must be at least 1.") }
        if let maxSize, maxSize < 4 + specials.count {
            throw ValidationError("--max-size must leave room for the \(4 + specials.count) special tokens.")
        }
        for special in specials where !Vocabulary.isSpecialSpelling(special) {
            throw ValidationError("--special takes a token spelled <name>, such as <blank>, not '\(special)'.")
        }
    }

    func run() throws {
        var builder = VocabularyBuilder()
        var lines = 0
        try tokenizer.text(paths: files).forEachLine { tokens in
            lines += 1
            builder.add(contentsOf: tokens)
            if eos { builder.add(Vocabulary.endToken) }
        }
        let vocabulary = try builder.build(minimumCount: minCount, maximumSize: maxSize, extraSpecials: specials)
        let typesKept = builder.counts.keys.filter { vocabulary.contains($0) }.count
        let specialsAbsent = (0..<vocabulary.specialCount).filter { builder.counts[vocabulary.tokens[$0]] == nil }
        let corpusUnknown = builder.counts[Vocabulary.unknownToken] ?? 0

        print("tokens read   \(grouped(builder.tokenCount)) in \(grouped(lines)) \(tokenizer.sentences ? "sentences" : "lines")")
        print("types seen    \(grouped(builder.counts.count))")
        print("types kept    \(grouped(typesKept))")
        var sizeLine = "vocabulary    \(grouped(vocabulary.count)) entries"
        if !specialsAbsent.isEmpty {
            let names = specialsAbsent.map { vocabulary.tokens[$0] }.joined(separator: " ")
            sizeLine += " (kept types + specials not in the text: \(names))"
        }
        print(sizeLine)
        var coverageLine = "coverage      \(percent(builder.coverage(of: vocabulary))) of the tokens read"
        if corpusUnknown > 0 && builder.tokenCount > 0 {
            coverageLine += " (\(percent(Double(corpusUnknown) / Double(builder.tokenCount))) are \(Vocabulary.unknownToken) in the text itself)"
        }
        print(coverageLine)
        if let output {
            try vocabulary.save(to: output)
            print("wrote         \(output)")
        }
    }
}

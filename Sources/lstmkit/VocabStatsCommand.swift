import ArgumentParser
import Text

/// `lstmkit vocab stats`: how much of a text a vocabulary misses, and what.
struct VocabStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print the out-of-vocabulary rate of text files and their most frequent unknown tokens."
    )

    @Option(name: .customLong("vocab"), help: ArgumentHelp("The vocabulary file.", valueName: "FILE"))
    var vocabulary: String

    @Argument(help: "Text files (UTF-8); standard input when none.")
    var files: [String] = []

    @Option(help: "How many of the most frequent unknown tokens to list.")
    var top = 20

    @Flag(help: "Count an <eos> at the end of every line (as language-model training does).")
    var eos = false

    @OptionGroup var tokenizer: TokenizerFlags

    func validate() throws {
        guard top >= 0 else { throw ValidationError("--top must be 0 or more.") }
    }

    func run() throws {
        let vocab = try Vocabulary(contentsOf: vocabulary)
        try tokenizer.noteFit(of: vocab, path: vocabulary)
        var unknown = VocabularyBuilder()
        var total = 0
        var spelledUnknown = 0
        try tokenizer.text(paths: files).forEachLine { tokens in
            total += tokens.count + (eos ? 1 : 0)
            for token in tokens where !vocab.contains(token) {
                unknown.add(token)
            }
            spelledUnknown += tokens.lazy.filter { $0 == Vocabulary.unknownToken }.count
        }
        let rate = total > 0 ? Double(unknown.tokenCount) / Double(total) : 0
        print("tokens read   \(grouped(total))")
        print("vocabulary    \(vocabulary) (\(grouped(vocab.count)) entries)")
        print("OOV rate      \(percent(rate)) (\(grouped(unknown.tokenCount)) tokens of \(grouped(unknown.counts.count)) types not in the vocabulary)")
        if spelledUnknown > 0 && total > 0 {
            print("spelled <unk> \(percent(Double(spelledUnknown) / Double(total))) (\(grouped(spelledUnknown)) tokens the text writes as \(Vocabulary.unknownToken))")
        }
        let frequent = unknown.counts.sorted { a, b in
            a.value != b.value ? a.value > b.value : a.key.utf8.lexicographicallyPrecedes(b.key.utf8)
        }.prefix(top)
        if !frequent.isEmpty {
            print("most frequent unknown tokens:")
            let width = String(frequent.first?.value ?? 0).count
            for (token, count) in frequent {
                let number = String(count)
                print(String(repeating: " ", count: 2 + width - number.count) + number + "  " + token)
            }
        }
    }
}

import ArgumentParser
import Foundation
import Support
import Text
import Training

/// `lstmkit cloze make`: blank one random word in random lines of a text.
struct ClozeMakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make",
        abstract: "Make fill-in-the-blank items from held-out text.",
        discussion: """
            Chooses --count lines of FILE at random and blanks one random word in each: a word of \
            the vocabulary (of --model's run, or --vocab), not a special and without a comma. Lines \
            are tokenized as the model's training text was (with --vocab, by the tokenizer flags), \
            and written back as tokens separated by spaces, the blank as ___. With --candidates K, \
            each item also lists K words: the answer and K−1 distractors drawn from the words \
            closest to it in corpus frequency, in random order. The same file, vocabulary and \
            --seed give the same items. Output: sentence<TAB>answer[<TAB>candidates], one per line.
            """
    )

    @Option(help: ArgumentHelp("The held-out text, one sentence per line.", valueName: "FILE"))
    var from: String

    @Option(help: "How many items (at most one per line).")
    var count = 1000

    @Option(help: "Random seed: the same seed gives the same items.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("List K candidates per item: the answer and K−1 distractors of similar frequency.", valueName: "K"))
    var candidates: Int?

    @Option(help: ArgumentHelp("Take the vocabulary and tokenizer of this run folder.", valueName: "FOLDER"))
    var model: String?

    @Option(help: ArgumentHelp("Take this vocabulary file (with counts) instead of a run's.", valueName: "FILE"))
    var vocab: String?

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write the items here (default, or -: standard output).", valueName: "FILE"))
    var output: String?

    /// The file to write, nil for standard output.
    var outputFile: String? { output == "-" ? nil : output }

    @OptionGroup var tokenizerFlags: TokenizerFlags

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be at least 1, not \(count).") }
        if let candidates, candidates < 2 { throw ValidationError("--candidates must be at least 2 (the answer and a distractor), not \(candidates).") }
        if output == "" { throw ValidationError("-o takes a file name, not an empty one (leave it out, or give -, for standard output).") }
        guard (model == nil) != (vocab == nil) else {
            throw ValidationError("Give the vocabulary: --model FOLDER (its vocabulary and tokenizer) or --vocab FILE, one of them.")
        }
    }

    func run() throws {
        if let output = outputFile {
            try AtomicFile.checkOutput(output, flag: "-o", what: "the items", inputs: [("--from", from), ("--vocab", vocab)])
        }
        let vocabulary: Vocabulary
        let tokenizer: Tokenizer
        if let model {
            let run = try loadBlankRanker(folder: model)
            vocabulary = run.vocabulary
            tokenizer = run.tokenizer
        } else {
            vocabulary = try Vocabulary(contentsOf: vocab!)
            tokenizer = try Tokenizer(options: tokenizerFlags.options)
            try tokenizerFlags.noteFit(of: vocabulary, path: vocab!)
        }
        let maker = ClozeItemMaker(vocabulary: vocabulary, tokenizer: tokenizer)
        // More candidates than usable words: each item lists them all (the maker needs 2 or more).
        let usable = maker.usableWordCount
        let listed = candidates.map { max(2, min($0, usable)) }
        let result = try maker.make(from: from, count: count, seed: seed, candidates: listed, lossy: tokenizerFlags.lossy)
        // No items is a mistake (an empty file, another vocabulary), not a result to write over -o.
        guard !result.items.isEmpty else { throw ClozeMakeError.noItems(from, lines: result.lines) }
        if let candidates, candidates > usable {
            FileHandle.standardError.write(Data(("note: --candidates \(candidates) is more than the \(usable) word\(usable == 1 ? "" : "s") "
                + "of the vocabulary that can be candidates (not specials, no comma); each item lists \(usable == 1 ? "it" : "all \(usable)")\n").utf8))
        }
        let text = result.items.map { $0.text + "\n" }.joined()
        if let output = outputFile {
            try AtomicFile.write(Array(text.utf8), to: output)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        let short = result.items.count < count ? " (only \(result.eligibleLines) of the \(result.lines) lines can take an item)" : ""
        let made = result.items.count
        FileHandle.standardError.write(Data("\(made) item\(made == 1 ? "" : "s") from \(from)\(short)\(outputFile.map { " → \($0)" } ?? "")\n".utf8))
    }
}

/// Input `cloze make` cannot turn into items; one sentence each.
enum ClozeMakeError: Error, CustomStringConvertible {
    case noItems(String, lines: Int)

    var description: String {
        switch self {
        case let .noItems(path, lines):
            return "\(path) gives no item: none of its \(lines) line\(lines == 1 ? "" : "s") holds a word of the vocabulary to blank "
                + "and at least one other token"
        }
    }
}

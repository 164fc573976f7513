import ArgumentParser
import Support
import Text

/// `lstmkit tokenize`: one output line of space-separated tokens per input line (or sentence).
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the tokens of each line (or sentence), separated by single spaces.",
        discussion: "Reads standard input when no file is given (or for '-')."
    )

    @Argument(help: "Text files (UTF-8).")
    var files: [String] = []

    @OptionGroup var tokenizer: TokenizerFlags

    func run() throws {
        let output = BufferedOutput()
        try tokenizer.text(paths: files).forEachLine { try output.writeLine(joining: $0) }
        try output.flush()
    }
}

import Support
import ArgumentParser
import Foundation
import Interactive
import Models

/// `lstmkit generate`: a prompt continued by sampled words.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt with words sampled from a language model.",
        discussion: """
            Prints the prompt and its continuation, detokenized. The same seed gives the same text, \
            and the same continuation as :gen in lstmkit repl after the same prompt and settings.
            """
    )

    @OptionGroup var modelOptions: LanguageModelOptions

    @Option(help: "The text to continue.")
    var prompt: String

    @Option(help: "How many words to sample.")
    var words: Int

    @OptionGroup var sampling: SamplingArguments

    func validate() throws {
        if words < 1 { throw ValidationError("--words must be at least 1.") }
    }

    func run() throws {
        try run(try modelOptions.load().model)
    }

    private func run<Model: NextWordModel>(_ model: Model) throws {
        let sampler = try Sampler(options: sampling.options)
        let tokens = try model.tokenize(prompt)
        let unknown = tokens.filter(\.isUnknown)
        if let first = unknown.first {
            FileHandle.standardError.write(Data(
                (unknownWordsNote(unknown.map(\.text), readAs: model.word(for: first.id)) + "\n").utf8))
        }
        var state = try model.makeState()
        try model.feed(tokens.map(\.id), into: &state)
        var generator = RandomGenerator(seed: sampling.seed)
        let ids = try model.sampleContinuation(from: &state, wordCount: words, sampler: sampler, using: &generator)
        // A sentence end as the last word must not leave an empty line.
        var text = model.detokenize(tokens.map(\.text) + ids.map(model.word(for:)))
        while text.last?.isNewline == true { text.removeLast() }
        print(text)
    }
}

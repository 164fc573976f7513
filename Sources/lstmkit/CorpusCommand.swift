import ArgumentParser

/// `lstmkit corpus`: make the shipped toy corpora, fetch public ones.
struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Generate the toy corpora, or fetch and verify public corpora.",
        subcommands: [CorpusGenerateCommand.self, CorpusFetchCommand.self]
    )
}

import ArgumentParser

/// `lstmkit cloze`: fill-in-the-blank items for `fill-eval`.
struct ClozeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloze",
        abstract: "Make fill-in-the-blank items from held-out text.",
        subcommands: [ClozeMakeCommand.self]
    )
}

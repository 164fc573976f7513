import ArgumentParser

/// `lstmkit bench`: speed measurements, one subcommand per part of the toolkit.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of parts of the toolkit (release builds only make sense).",
        subcommands: [BenchCoreCommand.self]
    )
}

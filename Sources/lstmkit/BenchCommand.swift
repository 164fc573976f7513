import ArgumentParser

/// `lstmkit bench`: throughput benchmarks, one subcommand per part of the toolkit. Run them on a
/// release build (`swift build -c release`); debug builds are many times slower.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput (use a release build).",
        subcommands: [BenchTokenizerCommand.self, BenchCoreCommand.self, BenchLMCommand.self, BenchSeq2SeqCommand.self]
    )
}

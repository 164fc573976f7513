import ArgumentParser
import Foundation
import Support
import Training

/// `lstmkit series generate`: write the shipped demo series.
struct SeriesGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write the generated hourly series with trend, daily and weekly cycles and noise (corpora/series/).",
        discussion: "y(t) = 20 + 0.004 t + 10 sin(2πt/24) + 3 sin(2πt/168 + 1) + N(0, 1) noise, two decimals; the same seed always gives the same file."
    )

    @Option(help: "Seed of the noise.")
    var seed: UInt64 = SyntheticSeries().seed

    @Option(help: "Number of hourly values.")
    var count = SyntheticSeries().count

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the CSV file.", valueName: "FILE"))
    var output = "corpora/series/seasonal.csv"

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1.") }
    }

    func run() throws {
        var series = SyntheticSeries()
        series.seed = seed
        series.count = count
        let text = series.csv()
        let folder = (output as NSString).deletingLastPathComponent
        try SeriesRunFolder.create(folder.isEmpty ? "." : folder)
        try AtomicFile.write(text, to: output)
        print("wrote \(output) (\(grouped(count)) values, \(grouped(text.utf8.count)) bytes)")
    }
}

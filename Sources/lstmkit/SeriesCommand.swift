import ArgumentParser
import Foundation
import NN
import Training

/// `lstmkit series`: forecast numeric sequences with an LSTM.
struct SeriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "series",
        abstract: "Forecast a numeric series with an LSTM: train on a CSV column, predict K steps ahead, generate the demo series.",
        subcommands: [SeriesTrainCommand.self, SeriesPredictCommand.self, SeriesGenerateCommand.self]
    )
}

extension RegressionLossKind: ExpressibleByArgument {}

/// Where the numbers come from: shared by `series train` and `series predict`.
struct SeriesInputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("CSV file with a header row or without one; - reads standard input.", valueName: "FILE"))
    var csv: String

    @Option(help: ArgumentHelp("The column: its header name or its number from 1 (default: the last column).",
                               valueName: "NAME|NUMBER"))
    var column: String?

    @Option(help: ArgumentHelp("Field separator: , ; or tab.", valueName: "CHAR"))
    var delimiter = ","

    func validate() throws {
        _ = try delimiterByte()
    }

    func delimiterByte() throws -> UInt8 {
        switch delimiter {
        case ",": return UInt8(ascii: ",")
        case ";": return UInt8(ascii: ";")
        case "tab", "\\t", "\t": return UInt8(ascii: "\t")
        case "|": return UInt8(ascii: "|")
        default: throw ValidationError("--delimiter takes , ; | or tab, not '\(delimiter)'.")
        }
    }

    func read(column override: String? = nil) throws -> NumericColumn {
        try NumericCSV.readColumn(path: csv, column: column ?? override, delimiter: delimiterByte())
    }
}

/// Numbers for the series tables: four significant digits, no exponent for everyday sizes.
func seriesNumber(_ value: Double) -> String {
    guard value.isFinite else { return "-" }
    let magnitude = abs(value)
    if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6) { return String(format: "%.3e", value) }
    let decimals = magnitude >= 1000 ? 1 : magnitude >= 100 ? 2 : magnitude >= 10 ? 3 : 4
    return String(format: "%.\(decimals)f", value)
}

import ArgumentParser
import Foundation
import Support
import Tensor
import Training

/// `lstmkit series predict`: K-step autoregressive forecast from a trained series model.
struct SeriesPredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Forecast the next K values of a CSV column with a model from `series train`.",
        discussion: """
            Values are numbered from 1 in file order (a header row is not counted). The forecast \
            origin is value --from (default: the last one): the model reads the N values up to and \
            including it and forecasts values from+1 … from+K, feeding its own forecasts back in \
            when K exceeds its horizon. Where the file holds values past the origin, they are \
            printed as the actual values and the forecast is scored against them and against the \
            naive forecast (the origin's value held flat). Output: a tab-separated table, then \
            '#' lines with the scores.
            """
    )

    @Option(help: ArgumentHelp("A run folder from `series train`, or its model.safetensors.", valueName: "M"))
    var model: String

    @OptionGroup var input: SeriesInputOptions

    @Option(help: ArgumentHelp("Values to forecast (default: the model's horizon).", valueName: "K"))
    var steps: Int?

    @Option(help: ArgumentHelp("Forecast after this value (numbered from 1; default: the last value).", valueName: "N"))
    var from: Int?

    @Option(help: ArgumentHelp("Also draw history, actual values and the forecast into this SVG file.", valueName: "FILE"))
    var plot: String?

    @Option(name: .customLong("plot-history"),
            help: ArgumentHelp("Values before the origin shown in the plot (default: four windows).", valueName: "N"))
    var plotHistory: Int?

    @Flag(name: .customLong("summary-only"), help: "Print only the '#' lines, not the table.")
    var summaryOnly = false

    func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1.") }
        if let from, from < 1 { throw ValidationError("--from counts values from 1.") }
        if let plotHistory, plotHistory < 1 { throw ValidationError("--plot-history must be at least 1.") }
    }

    func run() throws {
        // One forecast is a batch of one: more threads only add synchronisation.
        Threads.setCount(1)
        let forecaster = try SeriesForecaster(contentsOf: model)
        let trained = forecaster.configuration
        // By default read the column the model was trained on: by name when it had one.
        let column = try input.read(column: trained.data.column ?? String(trained.data.columnNumber))
        let values = column.values
        let origin = from ?? values.count
        guard origin <= values.count else {
            throw SeriesDataError(path: column.path, cause: "--from \(origin) is past the last value (\(values.count))")
        }
        guard origin >= forecaster.window else {
            throw SeriesDataError(path: column.path, cause: "the model reads \(forecaster.window) values, but only \(origin) come up to the forecast origin")
        }
        let count = steps ?? trained.training.horizon
        let forecast = forecaster.forecast(history: values[..<origin], steps: count)
        let actual = Array(values[origin ..< min(values.count, origin + count)])

        var out = ""
        out += "# forecast of \(column.path), \(column.label), after value \(origin) of \(values.count), by \(model) (window \(forecaster.window), horizon \(trained.training.horizon))\n"
        if !summaryOnly {
            out += "step\tvalue_number\tforecast" + (actual.isEmpty ? "" : "\tactual") + "\n"
            for (k, value) in forecast.enumerated() {
                out += "\(k + 1)\t\(origin + k + 1)\t\(seriesNumber(value))"
                if !actual.isEmpty { out += "\t" + (k < actual.count ? seriesNumber(actual[k]) : "") }
                out += "\n"
            }
        }
        if actual.isEmpty {
            out += "# no values past the origin in the file: nothing to score (use --from to forecast inside the series)\n"
        } else {
            var comparison = ForecastComparison()
            for (k, truth) in actual.enumerated() {
                comparison.model.add(prediction: forecast[k], actual: truth)
                comparison.naive.add(prediction: values[origin - 1], actual: truth)
            }
            let reduction = comparison.maeReduction
            out += "# over \(actual.count) step\(actual.count == 1 ? "" : "s") with actual values: MAE \(seriesNumber(comparison.model.mae)), "
                + "naive (value \(origin) held) \(seriesNumber(comparison.naive.mae)), "
                + String(format: "%.1f%% %@", abs(reduction) * 100, reduction >= 0 ? "lower" : "higher") + "\n"
            out += "# MSE \(seriesNumber(comparison.model.mse)), naive \(seriesNumber(comparison.naive.mse))\n"
        }
        if let plot {
            let shown = plotHistory ?? 4 * forecaster.window
            let first = max(0, origin - shown)
            func points(_ values: ArraySlice<Double>, from start: Int) -> [(x: Double, y: Double)] {
                values.enumerated().map { (Double(start + $0.offset + 1), $0.element) }
            }
            let svg = SeriesCharts.forecast(
                history: points(values[first..<origin], from: first),
                actual: points(actual[...], from: origin),
                forecast: points(forecast[...], from: origin),
                title: "\(count)-step forecast after value \(origin)", valueName: column.name ?? column.label)
            try AtomicFile.write(svg, to: plot)
            out += "# plot: \(plot)\n"
        }
        print(out, terminator: "")
    }
}

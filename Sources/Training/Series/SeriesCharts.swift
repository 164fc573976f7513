/// The SVG figures of the series commands, drawn with `LineChart`.
public enum SeriesCharts {
    /// `curves.svg`: per epoch, MSE (log scale) and MAE of the training forecasts, the
    /// validation forecasts and the naive forecast on the validation part, in original units.
    public static func trainingCurves(_ records: [MetricsLog.Record], title: String) -> String {
        let epochs = records.filter { $0.kind == "epoch" }
        func points(_ key: String) -> [(x: Double, y: Double)] {
            epochs.map { (Double($0.epoch), $0.values[key] ?? .nan) }
        }
        func panel(_ metric: String, _ name: String, logY: Bool) -> LineChart {
            LineChart(title: "\(title): \(name)", xLabel: "epoch", yLabel: name, logY: logY, series: [
                .init(name: "train", points: points("train_\(metric)"), color: "#1f77b4", markers: true),
                .init(name: "valid", points: points("valid_\(metric)"), color: "#d62728", markers: true),
                .init(name: "naive (last value), valid", points: points("naive_valid_\(metric)"), color: "#7f7f7f", dashed: true),
            ])
        }
        return LineChart.document([panel("mse", "MSE", logY: true), panel("mae", "MAE", logY: false)])
    }

    /// A forecast plot: the history before the origin, the actual values after it (when known)
    /// and the forecast, against the value number (1-based position in the series).
    ///
    /// - Parameters:
    ///   - history: `(number, value)` up to and including the origin.
    ///   - actual: `(number, value)` after the origin, possibly empty.
    ///   - forecast: `(number, value)` after the origin.
    public static func forecast(history: [(x: Double, y: Double)], actual: [(x: Double, y: Double)],
                                forecast: [(x: Double, y: Double)], title: String, valueName: String) -> String {
        // Actual and forecast lines start at the last history point, so the curves join up.
        let joint = history.last.map { [$0] } ?? []
        var series: [LineChart.Series] = [.init(name: "history", points: history, color: "#1f77b4")]
        if !actual.isEmpty {
            series.append(.init(name: "actual", points: joint + actual, color: "#2ca02c"))
        }
        series.append(.init(name: "forecast", points: joint + forecast, color: "#d62728", dashed: true))
        let chart = LineChart(title: title, xLabel: "value number", yLabel: valueName, series: series,
                              verticalMarker: history.last.map { ($0.x, "origin") })
        return LineChart.document([chart], width: 900, panelHeight: 380)
    }
}

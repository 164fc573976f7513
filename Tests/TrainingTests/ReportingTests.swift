import Foundation
import XCTest
@testable import Training

final class ProgressReporterTests: XCTestCase {
    func testPlainModePrintsEveryNthUpdateOnItsOwnLine() {
        var out = ""
        let p = ProgressReporter(mode: .plain(every: 3), sink: { out += $0 })
        for i in 1...7 { p.update(fraction: Double(i) / 7, status: "step \(i)") }
        XCTAssertEqual(out, " 42.9% step 3\n 85.7% step 6\n")
        p.line("epoch 1 done")
        XCTAssertTrue(out.hasSuffix("epoch 1 done\n"))
        XCTAssertFalse(out.contains("\r"))
    }

    func testLiveModeRewritesTheLineAndClearsItBeforeASummary() {
        var out = ""
        let p = ProgressReporter(mode: .live, sink: { out += $0 })
        p.update(fraction: 0.5, status: "half", force: true)
        XCTAssertTrue(out.hasPrefix("\r\u{1B}[2K["))
        XCTAssertTrue(out.hasSuffix(" half"))
        p.line("summary")
        XCTAssertTrue(out.hasSuffix("\r\u{1B}[2Ksummary\n"))
    }

    func testBarAndFormatting() {
        XCTAssertEqual(ProgressReporter.bar(fraction: 0, width: 4), "[    ]   0%")
        XCTAssertEqual(ProgressReporter.bar(fraction: 1, width: 4), "[████] 100%")
        XCTAssertEqual(ProgressReporter.bar(fraction: 0.5625, width: 4), "[██▎ ]  56%")
        XCTAssertEqual(ProgressReporter.bar(fraction: .nan, width: 2), "[  ]   0%")
        XCTAssertEqual(ProgressReporter.clock(65), "1:05")
        XCTAssertEqual(ProgressReporter.clock(3725), "1:02:05")
        XCTAssertEqual(ProgressReporter.clock(.infinity), "--:--")
        XCTAssertEqual(ProgressReporter.rate(950), "950")
        XCTAssertEqual(ProgressReporter.rate(12_345), "12.3k")
        XCTAssertEqual(ProgressReporter.rate(1_200_000), "1.20M")
    }
}

final class LineChartTests: XCTestCase {
    func testNiceTicksCoverTheRangeWithRoundSteps() {
        XCTAssertEqual(LineChart.niceTicks(0, 13), [0, 5, 10, 15])
        XCTAssertEqual(LineChart.niceTicks(0.3, 0.9), [0.2, 0.4, 0.6, 0.8, 1.0], accuracy: 1e-12)
        XCTAssertEqual(LineChart.logTicks(140, 300), [150, 200, 250, 300])
        XCTAssertEqual(LineChart.logTicks(13.4, 26.1), [15, 20, 25])
        XCTAssertEqual(LineChart.niceTicks(1, 3, minimumStep: 1), [1, 2, 3])
        XCTAssertEqual(LineChart.logTicks(90, 600), [100, 200, 500])
    }

    func testDocumentHasTitleAxesLegendAndOnePolylinePerSeries() {
        let chart = LineChart(
            title: "Perplexity by epoch", xLabel: "epoch", yLabel: "perplexity", logY: true,
            series: [
                .init(name: "train", points: [(1, 300), (2, 180), (3, 140)], color: "#1f77b4", markers: true),
                .init(name: "valid <best>", points: [(1, 280), (2, 170), (3, 150)], color: "#d62728", dashed: true),
            ])
        let svg = LineChart.document([chart])
        XCTAssertTrue(svg.hasPrefix("<?xml"))
        XCTAssertTrue(svg.contains("Perplexity by epoch"))
        XCTAssertTrue(svg.contains(">epoch<"))
        XCTAssertTrue(svg.contains("perplexity (log scale)"))
        XCTAssertTrue(svg.contains("valid &lt;best&gt;"))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
        XCTAssertTrue(svg.contains(">200<"))
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
    }

    func testEmptyChartSaysSoInsteadOfFailing() {
        let svg = LineChart.document([LineChart(title: "t", xLabel: "x", yLabel: "y",
                                                series: [.init(name: "a", points: [(1, .nan)], color: "red")])])
        XCTAssertTrue(svg.contains("no data yet"))
    }
}

final class MetricsLogTests: XCTestCase {
    func testRoundTripAndTruncation() throws {
        let path = NSTemporaryDirectory() + "metrics-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = MetricsLog(path: path)
        log.append(.init(kind: "step", epoch: 1, step: 100, values: ["loss": 5.5, "lr": 1]))
        log.append(.init(kind: "epoch", epoch: 1, step: 200, values: ["train_ppl": 250.25, "valid_ppl": .nan]))
        log.append(.init(kind: "step", epoch: 2, step: 300, values: ["loss": 4.5]))
        try log.flush()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(text.split(separator: "\n").first, "{\"kind\":\"step\",\"epoch\":1,\"step\":100,\"loss\":5.5,\"lr\":1.0}")
        let loaded = try MetricsLog.load(path: path)
        XCTAssertEqual(loaded.records.count, 3)
        XCTAssertEqual(loaded.records[1].values["train_ppl"], 250.25)
        XCTAssertTrue(loaded.records[1].values["valid_ppl"]!.isNaN)
        loaded.truncate(afterStep: 200)
        XCTAssertEqual(loaded.records.map(\.step), [100, 200])
    }

    func testMalformedLineNamesFileAndLine() throws {
        let path = NSTemporaryDirectory() + "metrics-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "{\"kind\":\"step\",\"epoch\":1,\"step\":1}\nnot json\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try MetricsLog.load(path: path)) { error in
            XCTAssertEqual(String(describing: error), "\(path):2: not a metrics record")
        }
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}

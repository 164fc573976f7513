import Foundation
import XCTest

/// `lstmkit series generate | train | predict`, run through pipes as a user would.
final class SeriesCommandTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "lstmkit-series-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func run(_ arguments: [String], stdin: String = "") throws -> CommandRunner.Result {
        try CommandRunner.run(arguments, stdin: stdin)
    }

    /// A small generated series and a model trained on it for two epochs.
    private func trainedModel() throws -> (csv: String, run: String) {
        let csv = folder + "/s.csv"
        let generated = try run(["series", "generate", "--count", "150", "-o", csv])
        XCTAssertEqual(generated.status, 0, generated.error)
        XCTAssertTrue(generated.output.hasPrefix("wrote \(csv) (150 values, "), generated.output)
        XCTAssertEqual(try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").count, 151)
        let runFolder = folder + "/run"
        let trained = try run(["series", "train", "--csv", csv, "--column", "value", "--window", "6", "--horizon", "2",
                               "--hidden", "4", "--epochs", "2", "--batch-size", "16", "--threads", "1", "--out", runFolder])
        XCTAssertEqual(trained.status, 0, trained.error)
        XCTAssertTrue(trained.output.contains("windows  6 values in, 2 out: 113 training, 29 validation windows"), trained.output)
        XCTAssertTrue(trained.output.contains("naive MAE"), trained.output)
        XCTAssertTrue(trained.output.contains("than the naive last-value forecast"), trained.output)
        XCTAssertTrue(trained.error.contains("epoch   2"), trained.error)
        for name in ["config.json", "model.safetensors", "metrics.jsonl", "curves.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: runFolder + "/" + name), name)
        }
        return (csv, runFolder)
    }

    func testTrainThenPredictIsDeterministicAndScoredAgainstActualValues() throws {
        let (csv, runFolder) = try trainedModel()
        let plot = folder + "/forecast.svg"
        let arguments = ["series", "predict", "--model", runFolder, "--csv", csv, "--from", "140", "--steps", "5", "--plot", plot]
        let first = try run(arguments), second = try run(arguments)
        XCTAssertEqual(first.status, 0, first.error)
        XCTAssertEqual(first.output, second.output)
        let lines = first.output.split(separator: "\n")
        XCTAssertEqual(lines[1], "step\tvalue_number\tforecast\tactual")
        XCTAssertEqual(lines.filter { !$0.hasPrefix("#") }.count, 6, first.output)
        XCTAssertTrue(lines[2].hasPrefix("1\t141\t"), first.output)
        XCTAssertTrue(first.output.contains("# over 5 steps with actual values: MAE "), first.output)
        XCTAssertTrue(try String(contentsOfFile: plot, encoding: .utf8).contains(">origin<"))

        // Past the end of the file there is nothing to score; the weights file alone is enough.
        let ahead = try run(["series", "predict", "--model", runFolder + "/model.safetensors", "--csv", csv, "--steps", "3"])
        XCTAssertEqual(ahead.status, 0, ahead.error)
        XCTAssertTrue(ahead.output.contains("\n3\t153\t"), ahead.output)
        XCTAssertTrue(ahead.output.contains("nothing to score"), ahead.output)

        // The same values through standard input, without a header, by column number.
        let values = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst()
        let piped = try run(["series", "predict", "--model", runFolder, "--csv", "-", "--column", "2", "--from", "140", "--steps", "5",
                             "--summary-only"], stdin: values.joined(separator: "\n"))
        XCTAssertEqual(piped.status, 0, piped.error)
        XCTAssertEqual(piped.output.split(separator: "\n").last, first.output.split(separator: "\n").filter { $0.hasPrefix("# MSE") }.last)

        let tooEarly = try run(["series", "predict", "--model", runFolder, "--csv", csv, "--from", "3"])
        XCTAssertEqual(tooEarly.status, 1)
        XCTAssertEqual(tooEarly.error, "lstmkit: error: \(csv): the model reads 6 values, but only 3 come up to the forecast origin\n")
        let pastEnd = try run(["series", "predict", "--model", runFolder, "--csv", csv, "--from", "151"])
        XCTAssertEqual(pastEnd.status, 1)
        XCTAssertEqual(pastEnd.error, "lstmkit: error: \(csv): --from 151 is past the last value (150)\n")
    }

    func testBadDataIsOneLineOnStandardErrorAndExitOne() throws {
        let bad = folder + "/bad.csv"
        try "t,value\n0,1\n1,\"x\"\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let result = try run(["series", "train", "--csv", bad, "--window", "3", "--out", folder + "/r"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.error, "lstmkit: error: \(bad) line 3: column 2 (\"value\") holds \"x\", which is not a number\n")

        let short = try run(["series", "train", "--csv", "-", "--window", "8", "--out", folder + "/r"], stdin: "1\n2\n3\n4\n5\n")
        XCTAssertEqual(short.status, 1)
        XCTAssertEqual(short.error, "lstmkit: error: <stdin>: 5 values are too few for a window of 8 and a horizon of 1 with 20% kept for validation: "
                       + "the training part needs at least 9 values (it has 4) and the validation part at least 1 (it has 1)\n")

        let missing = try run(["series", "predict", "--model", folder + "/nope", "--csv", bad])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.error, "lstmkit: error: cannot load \(folder)/nope: no such file or folder\n")
    }

    func testUsageErrorsExitTwo() throws {
        let csv = folder + "/x.csv"
        for arguments in [["series", "train", "--csv", csv], ["series", "train", "--csv", csv, "--window", "0"],
                          ["series", "train", "--csv", csv, "--window", "4", "--valid", "1.5"],
                          ["series", "train", "--csv", csv, "--window", "4", "--delimiter", "x"],
                          ["series", "train", "--csv", csv, "--window", "4", "--loss", "huber"],
                          ["series", "predict", "--model", "m", "--csv", csv, "--steps", "0"]] {
            let result = try run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.error)")
            XCTAssertFalse(result.error.isEmpty)
        }
    }
}

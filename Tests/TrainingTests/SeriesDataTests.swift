import Foundation
import XCTest
import Models
import Tensor
import Training

/// Reading a numeric CSV column, and cutting a series into standardized windows split by time.
final class SeriesDataTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "lstmkit-series-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func csv(_ text: String, bytes prefix: [UInt8] = []) throws -> String {
        let path = folder + "/data-\(UUID().uuidString.prefix(8)).csv"
        try Data(prefix + Array(text.utf8)).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func read(_ text: String, column: String? = nil, delimiter: Character = ",") throws -> NumericColumn {
        try NumericCSV.readColumn(path: try csv(text), column: column, delimiter: UInt8(ascii: delimiter.unicodeScalars.first!))
    }

    /// The error's description, with the temporary path replaced by `F`.
    private func failure(_ text: String, column: String? = nil) throws -> String {
        let path = try csv(text)
        do {
            let column = try NumericCSV.readColumn(path: path, column: column)
            return "read \(column.values)"
        } catch {
            return "\(error)".replacingOccurrences(of: path, with: "F")
        }
    }

    // MARK: reading

    func testHeaderQuotesCRLFAndBOM() throws {
        let text = "date,\"the \"\"value\"\"\",note\r\n"
            + "2024-01-01,1.5,\"a, b\"\r\n"
            + "\r\n"
            + "2024-01-02, \"-2e1\" ,\"two\r\nlines\"\r\n"
            + "2024-01-03,3,\"\"\r\n"
        let path = try csv(text, bytes: [0xEF, 0xBB, 0xBF])
        let byName = try NumericCSV.readColumn(path: path, column: "the \"value\"")
        XCTAssertEqual(byName.values, [1.5, -20, 3])
        XCTAssertEqual(byName.name, "the \"value\"")
        XCTAssertEqual(byName.index, 1)
        XCTAssertEqual(try NumericCSV.readColumn(path: path, column: "2").values, [1.5, -20, 3])
    }

    func testWithoutHeaderTheLastColumnByDefaultAndOtherDelimiters() throws {
        let plain = try read("1,10\n2,20\n3,30\n")
        XCTAssertNil(plain.name)
        XCTAssertEqual(plain.values, [10, 20, 30])
        XCTAssertEqual(try read("1,10\n2,20\n", column: "1").values, [1, 2])
        XCTAssertEqual(try read("5\n6\n7").values, [5, 6, 7])
        XCTAssertEqual(try read("a;b\n1;2,5\n3;4\n", column: "a", delimiter: ";").values, [1, 3])
        XCTAssertEqual(try read("t\tv\n0\t0.25\n1\t.5\n", delimiter: "\t").values, [0.25, 0.5])
        // A header is recognised by its chosen cell not being a number.
        XCTAssertEqual(try read("x,y\n1,2\n", column: "1").name, "x")
    }

    func testBadCellsAreNamedByLineAndColumn() throws {
        XCTAssertEqual(try failure("t,value\n0,1\n1,abc\n2,3\n"),
                       "F line 3: column 2 (\"value\") holds \"abc\", which is not a number")
        XCTAssertEqual(try failure("t,value\n0,1\n1,\n"),
                       "F line 3: column 2 (\"value\") is empty; fill in a number or remove the row")
        XCTAssertEqual(try failure("1\nnan\n"), "F line 2: column 1 holds \"nan\", which is not a finite number")
        XCTAssertEqual(try failure("a,b\n1,2\n3\n"), "F line 3: the row has 1 column, so column 2 (\"b\") is missing")
        // The line is where the record starts, also after a multi-line quoted field.
        XCTAssertEqual(try failure("n,v\n\"x\ny\",1\nz,w\n"), "F line 4: column 2 (\"v\") holds \"w\", which is not a number")
    }

    func testColumnChoiceAndFileShapeErrors() throws {
        XCTAssertEqual(try failure("a,b\n1,2\n", column: "c"),
                       "F: there is no column named \"c\"; the header names \"a\", \"b\"")
        XCTAssertEqual(try failure("1,2\n", column: "value"),
                       "F: the file has no header row, so choose the column by number (1 to 2), not by the name \"value\"")
        XCTAssertEqual(try failure("1,2\n", column: "0"), "F: column numbers start at 1, not 0")
        XCTAssertEqual(try failure("1,2\n", column: "3"), "F line 1: the first row has 2 columns, so there is no column 3")
        XCTAssertEqual(try failure(""), "F: the file holds no rows")
        XCTAssertEqual(try failure("\n\n"), "F: the file holds no rows")
        XCTAssertEqual(try failure("time,value\n"), "F: the file has a header but no data rows")
        XCTAssertEqual(try failure("a,b\n1,\"2\n3,4\n"), "F line 2: a quoted field opened on this line is never closed")
        XCTAssertThrowsError(try NumericCSV.readColumn(path: folder + "/missing.csv")) { error in
            XCTAssertEqual("\(error)", "cannot open \(self.folder)/missing.csv: No such file or directory")
        }
    }

    // MARK: windows, split, standardization

    func testSplitIsByTimeAndMaximal() throws {
        for (n, window, horizon, fraction) in [(20, 4, 2, 0.25), (50, 7, 1, 0.2), (31, 3, 5, 0.5), (12, 1, 1, 0.1)] {
            let w = try SeriesWindows(count: n, window: window, horizon: horizon, validFraction: fraction)
            XCTAssertEqual(w.trainEnd, n - Int((Double(n) * fraction).rounded()))
            // Brute force over every possible start: a window is a training window exactly when all
            // its targets lie before trainEnd, a validation window exactly when all lie after.
            for s in 0...(n - window - horizon) {
                let targets = (s + window) ..< (s + window + horizon)
                XCTAssertEqual(w.trainStarts.contains(s), targets.upperBound <= w.trainEnd, "n \(n) start \(s)")
                XCTAssertEqual(w.validStarts.contains(s), targets.lowerBound >= w.trainEnd, "n \(n) start \(s)")
            }
            XCTAssertFalse(w.trainStarts.isEmpty)
            XCTAssertFalse(w.validStarts.isEmpty)
        }
        let w = try SeriesWindows(count: 20, window: 4, horizon: 2, validFraction: 0.25)
        XCTAssertEqual(w.trainStarts, 0..<10)
        XCTAssertEqual(w.validStarts, 11..<15)
    }

    func testTooShortSeriesIsOneSentence() {
        XCTAssertThrowsError(try SeriesWindows(count: 10, window: 8, horizon: 1, validFraction: 0.2)) { error in
            XCTAssertEqual("\(error)", "10 values are too few for a window of 8 and a horizon of 1 with 20% kept for validation: "
                           + "the training part needs at least 9 values (it has 8) and the validation part at least 1 (it has 2)")
        }
    }

    func testFillLaysOutTimeMajorInputsAndTargets() throws {
        let w = try SeriesWindows(count: 12, window: 3, horizon: 2, validFraction: 0.25)
        let z = (0..<12).map { Float($0) }
        let input = Tensor(zeros: [3, 2, 1]), target = Tensor(zeros: [2, 2])
        w.fill(starts: [4, 0], from: z, input: input, target: target)
        XCTAssertEqual(input.scalars, [4, 0, 5, 1, 6, 2])
        XCTAssertEqual(target.scalars, [7, 8, 3, 4])
    }

    func testStandardizationUsesTheTrainingPartOnly() throws {
        // A level shift in the validation part must not move the statistics.
        let values = (0..<100).map { $0 < 80 ? Double($0 % 4) : 1000 }
        let w = try SeriesWindows(count: values.count, window: 4, horizon: 1, validFraction: 0.2)
        let s = Standardization(fitting: values[..<w.trainEnd])
        XCTAssertEqual(s.mean, 1.5)
        XCTAssertEqual(s.scale, (1.25 as Double).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(s.original(s.standardized(3)), 3, accuracy: 1e-6)
        XCTAssertEqual(Standardization(fitting: [5.0, 5, 5]).scale, 1)

        let path = try csv("v\n" + values.map { "\($0)" }.joined(separator: "\n"))
        var options = SeriesTrainingOptions()
        options.window = 4
        let trainer = try SeriesTrainer(column: NumericCSV.readColumn(path: path), csvPath: path,
                                        model: SequenceRegressorConfiguration(hiddenSize: 2), options: options)
        XCTAssertEqual(trainer.configuration.standardization, s)
        XCTAssertEqual(trainer.configuration.data.trainValues, 80)
    }

    func testShippedSeriesMatchesItsGenerator() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let shipped = try String(contentsOfFile: root + "/corpora/series/seasonal.csv", encoding: .utf8)
        XCTAssertEqual(shipped, SyntheticSeries().csv())
    }
}

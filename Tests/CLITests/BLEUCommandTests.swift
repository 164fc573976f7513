import Foundation
import XCTest

/// `lstmkit bleu` run as a process: what it prints must be what sacreBLEU prints.
final class BLEUCommandTests: XCTestCase {
    struct Fixture: Decodable {
        struct Score: Decodable { var string: String }
        var name: String
        var hypotheses: [String]
        var references: [[String]]
        var bleu: Score
        var chrf: Score
        var cli: Bool
    }

    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("lstmkit-bleu-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func write(_ lines: [String], to name: String, ending: String = "\n") throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(lines.map { $0 + ending }.joined().utf8).write(to: url)
        return url.path
    }

    static func fixtures() throws -> [Fixture] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/bleu")
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            .filter { $0.hasSuffix(".json") && $0 != "tokenizer-13a.json" }
            .map { try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: dir.appendingPathComponent($0))) }
            .filter(\.cli)
    }

    /// Every fixture set that sacreBLEU's own command line scored: hypotheses through a pipe on
    /// standard input, references (one or two streams) from files.
    func testPrintsSacreBLEULinesForEveryFixture() throws {
        let fixtures = try Self.fixtures()
        XCTAssertGreaterThanOrEqual(fixtures.count, 12)
        for f in fixtures {
            var arguments = ["bleu", "--hyp", "-", "--chrf"]
            for (k, stream) in f.references.enumerated() {
                arguments += ["--ref", try write(stream, to: "\(f.name).ref\(k)")]
            }
            let input = f.hypotheses.map { $0 + "\n" }.joined()
            let result = try CommandRunner.run(arguments, stdin: input)
            XCTAssertEqual(result.status, 0, "\(f.name): \(result.error)")
            XCTAssertEqual(result.output, f.bleu.string + "\n" + f.chrf.string + "\n", f.name)
            XCTAssertEqual(result.error, "", f.name)
        }
    }

    func testCRLFAndMissingFinalNewlineScoreTheSame() throws {
        let hyps = ["A man sleeping in a green room.", "Two dogs play in the snow ."]
        let refs = ["A man sleeping in a green room on a couch.", "Two dogs are playing in the snow."]
        let plain = try CommandRunner.run(["bleu", "--hyp", try write(hyps, to: "h"), "--ref", try write(refs, to: "r")])
        let crlf = try CommandRunner.run(["bleu", "--hyp", try write(hyps, to: "hc", ending: "\r\n"),
                                           "--ref", try write(refs, to: "rc", ending: "\r\n")])
        let noFinal = folder.appendingPathComponent("hn")
        try Data(hyps.joined(separator: "\n").utf8).write(to: noFinal)
        let unterminated = try CommandRunner.run(["bleu", "--hyp", noFinal.path, "--ref", try write(refs, to: "rn")])
        XCTAssertEqual(plain.status, 0, plain.error)
        XCTAssertTrue(plain.output.hasPrefix("BLEU = "), plain.output)
        XCTAssertEqual(crlf.output, plain.output)
        XCTAssertEqual(unterminated.output, plain.output)
    }

    func assertOneLineError(_ result: CommandRunner.Result, mentions parts: [String],
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, file: file, line: line)
        XCTAssertEqual(result.output, "", file: file, line: line)
        let lines = result.error.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 2, "one line then the final newline: \(result.error)", file: file, line: line)
        XCTAssertTrue(result.error.hasPrefix("lstmkit: error: "), result.error, file: file, line: line)
        for part in parts {
            XCTAssertTrue(result.error.contains(part), "\(part) not in \(result.error)", file: file, line: line)
        }
    }

    func testLineCountMismatchNamesBothFilesAndCounts() throws {
        let hyp = try write(["a", "b", "c"], to: "hyp.txt")
        let ref = try write(["a", "b"], to: "ref.txt")
        let result = try CommandRunner.run(["bleu", "--hyp", hyp, "--ref", ref])
        assertOneLineError(result, mentions: [hyp, "3", ref, "2"])
    }

    func testUnreadableInputsAreOneLineErrors() throws {
        let ref = try write(["a b c"], to: "ref.txt")
        let missing = folder.appendingPathComponent("missing.txt").path
        assertOneLineError(try CommandRunner.run(["bleu", "--hyp", missing, "--ref", ref]),
                           mentions: [missing, "no such file"])
        assertOneLineError(try CommandRunner.run(["bleu", "--hyp", folder.path, "--ref", ref]),
                           mentions: [folder.path, "folder"])
        let bad = folder.appendingPathComponent("bad.txt")
        try Data([0x61, 0x0A, 0x62, 0xC3, 0x28, 0x0A]).write(to: bad)
        assertOneLineError(try CommandRunner.run(["bleu", "--hyp", ref, "--ref", bad.path]),
                           mentions: [bad.path, "UTF-8", "line 2", "byte offset 3"])
        let empty = try write([], to: "empty.txt")
        assertOneLineError(try CommandRunner.run(["bleu", "--hyp", empty, "--ref", empty]),
                           mentions: [empty, "no lines"])
    }

    func testMissingReferenceIsAUsageError() throws {
        let result = try CommandRunner.run(["bleu", "--hyp", "-"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.error.contains("--ref"), result.error)
    }
}

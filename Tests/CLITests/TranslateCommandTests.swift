import Foundation
import XCTest

/// `lstmkit translate train`, `translate` and `translate eval` run as processes on a slice of
/// the shipped toy corpus with a tiny model: pipes in and out, one-line errors.
final class TranslateCommandTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "lstmkit-translate-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("corpora/toy-en-fr").path
        for (split, lines) in [("train", 64), ("valid", 8)] {
            for language in ["en", "fr"] {
                let text = try String(contentsOfFile: "\(corpus)/\(split).\(language)", encoding: .utf8)
                let head = text.split(separator: "\n").prefix(lines).joined(separator: "\n") + "\n"
                try head.write(toFile: "\(folder)/\(split).\(language)", atomically: true, encoding: .utf8)
            }
        }
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func train(_ extra: [String] = []) throws -> CommandRunner.Result {
        try CommandRunner.run(["translate", "train", "--train", "train", "--valid", "valid", "--src", "en", "--tgt", "fr",
                               "--out", "run", "--epochs", "1", "--batch-size", "16", "--embedding", "8", "--hidden", "6",
                               "--decoder-hidden", "10", "--min-count", "1", "--threads", "1"] + extra,
                              stdin: "", directory: folder)
    }

    func testTrainTranslateThroughPipesAndEvaluate() throws {
        let trained = try train()
        XCTAssertEqual(trained.status, 0, trained.error)
        XCTAssertTrue(trained.output.contains("best validation BLEU"), trained.output)
        XCTAssertTrue(trained.error.contains("epoch  1"), trained.error)
        for file in ["config.json", "vocab.source.tsv", "vocab.target.tsv", "model.safetensors", "last.safetensors",
                     "metrics.jsonl", "curves.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(folder)/run/\(file)"), file)
        }

        // Standard input that is not a terminal: one detokenized line per line, empty for empty.
        let piped = try CommandRunner.run(["translate", "--model", "run", "--threads", "1"],
                                          stdin: "the cat eats.\n\nI sleep.\n", directory: folder)
        XCTAssertEqual(piped.status, 0, piped.error)
        let lines = piped.output.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 4, piped.output)
        XCTAssertEqual(lines[1], "")
        XCTAssertFalse(lines[0].isEmpty)

        // n-best lists and the heat map on standard error.
        let nbest = try CommandRunner.run(["translate", "--model", "run", "--nbest", "3", "--beam", "4", "--align", "--threads", "1"],
                                          stdin: "the cat eats.\n", directory: folder)
        XCTAssertEqual(nbest.status, 0, nbest.error)
        let entries = nbest.output.split(separator: "\n")
        XCTAssertEqual(entries.count, 3, nbest.output)
        XCTAssertTrue(entries.allSatisfy { $0.hasPrefix("0 ||| ") && $0.components(separatedBy: " ||| ").count == 3 })
        XCTAssertTrue(nbest.error.contains("the cat eats ."), nbest.error)

        // Batch mode from a file into a file; then the same through eval.
        let written = try CommandRunner.run(["translate", "--model", "run", "--input", "valid.en", "--output", "out.fr", "--greedy"],
                                            directory: folder)
        XCTAssertEqual(written.status, 0, written.error)
        let hypotheses = try String(contentsOfFile: "\(folder)/out.fr", encoding: .utf8)
        XCTAssertEqual(hypotheses.split(separator: "\n", omittingEmptySubsequences: false).count, 9)
        let evaluated = try CommandRunner.run(["translate", "eval", "--model", "run", "--src", "valid.en", "--ref", "valid.fr",
                                               "--greedy", "--output", "eval.fr"], directory: folder)
        XCTAssertEqual(evaluated.status, 0, evaluated.error)
        XCTAssertTrue(evaluated.output.hasPrefix("BLEU = "), evaluated.output)
        XCTAssertTrue(evaluated.output.contains("\nchrF2 = "), evaluated.output)
        XCTAssertEqual(try String(contentsOfFile: "\(folder)/eval.fr", encoding: .utf8), hypotheses)
        // The printed BLEU is what `lstmkit bleu` says about the written file.
        let scored = try CommandRunner.run(["bleu", "--hyp", "eval.fr", "--ref", "valid.fr"], directory: folder)
        XCTAssertEqual(scored.output.split(separator: "\n").first, evaluated.output.split(separator: "\n").first)

        // Resume a finished run for one more epoch.
        let resumed = try CommandRunner.run(["translate", "train", "--resume", "--out", "run", "--epochs", "2", "--threads", "1"],
                                            directory: folder)
        XCTAssertEqual(resumed.status, 0, resumed.error)
        XCTAssertTrue(resumed.error.contains("epoch  2"), resumed.error)
    }

    func testErrorsAreOneLine() throws {
        try "one\ntwo\n".write(toFile: "\(folder)/short.fr", atomically: true, encoding: .utf8)
        try "one\ntwo\nthree\n".write(toFile: "\(folder)/short.en", atomically: true, encoding: .utf8)
        let mismatch = try CommandRunner.run(["translate", "train", "--train", "short", "--valid", "valid", "--src", "en",
                                              "--tgt", "fr", "--out", "bad"], directory: folder)
        XCTAssertEqual(mismatch.status, 1)
        XCTAssertEqual(mismatch.error, "lstmkit: error: short.en has 3 lines but short.fr has 2: the two sides of a parallel corpus must be line-aligned\n")

        let missing = try CommandRunner.run(["translate", "--model", "nowhere"], stdin: "hello\n", directory: folder)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.error.hasPrefix("lstmkit: error: nowhere/config.json is missing"), missing.error)
        XCTAssertEqual(missing.error.filter { $0 == "\n" }.count, 1)

        let usage = try CommandRunner.run(["translate", "train", "--train", "train"], directory: folder)
        XCTAssertEqual(usage.status, 2)
        XCTAssertTrue(usage.error.contains("--train, --valid, --src and --tgt are needed"), usage.error)

        let evalMismatch = try CommandRunner.run(["translate", "eval", "--model", "nowhere", "--src", "short.en", "--ref", "short.fr"],
                                                 directory: folder)
        XCTAssertEqual(evalMismatch.status, 1)
    }
}

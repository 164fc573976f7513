import Foundation
import XCTest

final class LanguageModelCommandTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "lstmkit-cli-lm-\(UUID().uuidString)"
        let lines = (0..<200).map { i in i % 2 == 0 ? "the cat sleeps ." : "the cats sleep ." }
        try writeCorpus(lines, to: folder + "/corpus")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testTrainEvalReplAndGenerateOnATinyCorpus() throws {
        let run = folder + "/run"
        let train = try CommandRunner.run(["train", "--corpus", folder + "/corpus", "--out", run, "--epochs", "2",
                                           "--hidden", "12", "--layers", "1", "--batch-size", "4", "--bptt", "5",
                                           "--threads", "1", "--log-every", "10"])
        XCTAssertEqual(train.status, 0, train.error)
        XCTAssertTrue(train.output.contains("test perplexity"), train.output)
        XCTAssertTrue(train.error.contains("epoch 2/2"), "piped progress goes to standard error as plain lines")
        XCTAssertTrue(train.error.contains("sgd lr 20.0 ÷4 on plateau, batch 4"), train.error)
        XCTAssertFalse(train.error.contains("\r"), "no live bar when not on a terminal")

        let eval = try CommandRunner.run(["eval", "--model", run, folder + "/corpus/test.txt", "--threads", "1"])
        XCTAssertEqual(eval.status, 0, eval.error)
        XCTAssertTrue(eval.output.hasPrefix(folder + "/corpus/test.txt: perplexity "), eval.output)

        let perLine = try CommandRunner.run(["eval", "--model", run, "--per-line", "--threads", "1"],
                                            stdin: "the cat sleeps .\nthe cats sleeps .\n")
        XCTAssertEqual(perLine.status, 0, perLine.error)
        let scores = perLine.output.split(separator: "\n").map { Double($0.split(separator: "\t")[0])! }
        XCTAssertEqual(scores.count, 2)
        XCTAssertGreaterThan(scores[0], scores[1], "agreement makes the grammatical line more probable")

        let repl = try CommandRunner.run(["repl", "--model", run, "--k", "3"], stdin: "the cats\n")
        XCTAssertEqual(repl.status, 0, repl.error)
        XCTAssertTrue(repl.output.hasPrefix("the cats →\n  sleep "), repl.output)

        let a = try CommandRunner.run(["generate", "--model", run, "--prompt", "the", "--words", "8", "--seed", "4"])
        let b = try CommandRunner.run(["generate", "--model", run, "--prompt", "the", "--words", "8", "--seed", "4"])
        XCTAssertEqual(a.status, 0, a.error)
        XCTAssertEqual(a.output, b.output)

        assertOneLineError(try CommandRunner.run(["train", "--corpus", folder + "/corpus", "--out", run]), status: 1,
                           contains: "already holds a run; continue it with --resume")
        assertOneLineError(try CommandRunner.run(["train", "--resume", run]), status: 1, contains: "has finished all its epochs")
    }

    func testBadInputsAreOneLineErrors() throws {
        assertOneLineError(try CommandRunner.run(["train", "--corpus", folder + "/missing"]), status: 1,
                           contains: "\(folder)/missing does not exist")
        assertOneLineError(try CommandRunner.run(["train", "--corpus", folder + "/corpus", "--preset", "zaremba-small", "--hidden", "650"]),
                           status: 2, contains: "--hidden 650 contradicts --preset zaremba-small")
        assertOneLineError(try CommandRunner.run(["train", "--corpus", folder + "/missing", "--preset", "zaremba-small", "--cell", "gru"]),
                           status: 1, contains: "\(folder)/missing does not exist")
        assertOneLineError(try CommandRunner.run(["train", "--corpus", folder + "/corpus", "--bptt", "0"]),
                           status: 2, contains: "--bptt must be at least 1")
        assertOneLineError(try CommandRunner.run(["train", "--corpus", folder + "/corpus", "--lr=-1"]),
                           status: 2, contains: "--lr must be a positive number")
        assertOneLineError(try CommandRunner.run(["train", "--resume", folder + "/corpus", "--hidden", "8"]),
                           status: 2, contains: "continues the run with its own settings; drop --hidden")
        assertOneLineError(try CommandRunner.run(["eval", "--model", folder + "/corpus", folder + "/corpus/test.txt"]),
                           status: 1, contains: "is not a usable run folder: it has no readable config.json")
        try "a b".write(toFile: folder + "/one.txt", atomically: true, encoding: .utf8)
        assertOneLineError(try CommandRunner.run(["train", "--corpus", folder + "/one.txt", "--out", folder + "/r1"]),
                           status: 1, contains: "too few to split 90/5/5")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/r1"), "nothing is created for a corpus that cannot train")
    }
}

import Foundation
import XCTest

/// `lstmkit repl` and `lstmkit generate` run as processes over the demo bigram table, with
/// standard input piped as scripts pipe it.
final class ReplCommandTests: XCTestCase {
    func testPipedLinesPrintOneBlockEach() throws {
        let result = try CommandRunner.run(["repl", "--demo-model", "bigram", "--k", "5"], stdin: "the stock\nmarket\n")
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertEqual(result.error, "")
        let blocks = result.output.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        XCTAssertEqual(blocks.count, 2, result.output)
        let first = blocks[0].split(separator: "\n")
        XCTAssertEqual(first.first, "the stock →")
        XCTAssertEqual(first.count, 1 + 5)
        XCTAssertTrue(first[1].hasPrefix("  market "), String(first[1]))
        XCTAssertTrue(blocks[1].hasPrefix("the stock market →"))
        XCTAssertFalse(result.output.split(separator: "\n").contains { $0.hasPrefix(">") },
                       "no prompt when standard input is not a terminal")
    }

    func testBadCommandComplainsOnStandardErrorAndGoesOn() throws {
        let result = try CommandRunner.run(["repl", "--demo-model", "bigram", "--k", "2"], stdin: ":k many\nthe\n:quit\nthe\n")
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.error, "error: :k takes a whole number >= 1, not 'many'\n")
        XCTAssertEqual(result.output.components(separatedBy: "→").count, 2, "one block, nothing after :quit")
    }

    func testGenerateIsSeededAndMatchesTheREPL() throws {
        let arguments = ["generate", "--demo-model", "bigram", "--prompt", "The stock", "--words", "12", "--top-p", "0.9"]
        let first = try CommandRunner.run(arguments + ["--seed", "3"])
        let again = try CommandRunner.run(arguments + ["--seed", "3"])
        let other = try CommandRunner.run(arguments + ["--seed", "4"])
        XCTAssertEqual(first.status, 0, first.error)
        XCTAssertEqual(first.output, again.output)
        XCTAssertNotEqual(first.output, other.output)
        XCTAssertTrue(first.output.hasPrefix("the stock "), first.output)

        let repl = try CommandRunner.run(["repl", "--demo-model", "bigram", "--top-p", "0.9", "--seed", "3"],
                                          stdin: "the stock\n:gen 12\n")
        let continuation = repl.output.components(separatedBy: "\n\n")[1]
        XCTAssertEqual("the stock " + continuation.dropFirst(2) + "\n", first.output)
    }

    func testGenerateNamesUnknownPromptWords() throws {
        let result = try CommandRunner.run(["generate", "--demo-model", "bigram", "--prompt", "the zorblat", "--words", "3"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.error, "note: \"zorblat\" is not in the vocabulary (read as <unk>)\n")
        XCTAssertTrue(result.output.hasPrefix("the zorblat "))
    }

    func testModelFolderErrorsAreOneLine() throws {
        let missing = try CommandRunner.run(["repl", "--model", "/nonexistent/run"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.error,
                       "lstmkit: error: /nonexistent/run is not a usable run folder: no such folder\n")
        let folder = FileManager.default.temporaryDirectory.path
        for command in [["repl"], ["generate", "--prompt", "a", "--words", "2"]] {
            let present = try CommandRunner.run(command + ["--model", folder])
            XCTAssertEqual(present.status, 1)
            XCTAssertTrue(present.error.hasPrefix("lstmkit: error: \(folder) is not a usable run folder: it has no readable config.json"),
                          present.error)
            XCTAssertEqual(present.error.filter { $0 == "\n" }.count, 1)
        }
    }

    func testUsageErrorsExitTwo() throws {
        for arguments in [["repl"], ["repl", "--model", "x", "--demo-model", "bigram"], ["repl", "--demo-model", "bigram", "--top-p", "0"],
                          ["generate", "--demo-model", "bigram", "--prompt", "a", "--words", "0"],
                          ["repl", "--demo-model", "trigram"]] {
            let result = try CommandRunner.run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.error)")
            XCTAssertTrue(result.error.contains("Usage:"), result.error)
        }
    }

    func testKLargerThanTheVocabularyIsOneLine() throws {
        let result = try CommandRunner.run(["repl", "--demo-model", "bigram", "--k", "100000"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.error, "lstmkit: error: cannot show 100000 next words: the vocabulary has 103\n")
    }
}

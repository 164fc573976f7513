import Foundation
import XCTest

/// `lstmkit tokenize`, `vocab`, `corpus fetch` and `bench tokenizer`, run as a user would.
final class TextCommandTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "lstmkit-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func run(_ arguments: [String], stdin: String = "") throws -> CommandRunner.Result {
        try CommandRunner.run(arguments, stdin: stdin)
    }

    func testTokenizeReadsStandardInputLineByLine() throws {
        let result = try run(["tokenize"], stdin: "Hello, world!\n\nThe keys aren't here.\n")
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertEqual(result.output, "Hello , world !\n\nThe keys aren't here .\n")
    }

    func testTokenizeOptions() throws {
        XCTAssertEqual(try run(["tokenize", "--lower", "--nfkc", "--numbers", "N", "--no-punct"],
                               stdin: "Straße ﬁne 3.14, OK!\n").output, "strasse fine N ok\n")
        XCTAssertEqual(try run(["tokenize", "--locale", "fr"], stdin: "L'école, aujourd'hui ?\n").output,
                       "L' école , aujourd'hui ?\n")
        XCTAssertEqual(try run(["tokenize", "--locale", "zh"], stdin: "我爱北京天安门\n").output, "我 爱 北京 天安门\n")
        XCTAssertEqual(try run(["tokenize", "--sentences"], stdin: "One. Two?\nStill two\n\nThree\n").output,
                       "One .\nTwo ?\nStill two\nThree\n")
    }

    func testWhitespaceSplitIsByteExact() throws {
        let ptb = " aer banknote berlitz <unk> N mr. n't 's \n the $ N billion \n"
        let result = try run(["tokenize", "--split", "whitespace"], stdin: ptb)
        XCTAssertEqual(result.output, "aer banknote berlitz <unk> N mr. n't 's\nthe $ N billion\n")
        let decomposed = "Cafe\u{301}\n"
        XCTAssertEqual(try run(["tokenize", "--split", "whitespace"], stdin: decomposed).outputBytes, Data(decomposed.utf8))
    }

    func testFilesWithBOMAndCRLFAndSeveralFiles() throws {
        let a = try file("a.txt", [0xEF, 0xBB, 0xBF] + Array("first line\r\nsecond\r\n".utf8))
        let b = try file("b.txt", Array("third".utf8))
        let result = try run(["tokenize", a, b])
        XCTAssertEqual(result.output, "first line\nsecond\nthird\n")
    }

    func testBadInputIsOneLineOnStandardErrorAndExitOne() throws {
        let bad = try file("bad.txt", Array("ok\nbad ".utf8) + [0xC3, 0x28] + Array(" x\n".utf8))
        let result = try run(["tokenize", bad])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.error, "lstmkit: error: \(bad) is not valid UTF-8 at line 2, byte offset 7; "
                       + "convert it to UTF-8 or read it in lossy mode (--lossy) to replace bad bytes with U+FFFD\n")
        let lossy = try run(["tokenize", "--lossy", bad])
        XCTAssertEqual(lossy.status, 0, lossy.error)
        XCTAssertEqual(lossy.output, "ok\nbad \u{FFFD} ( x\n")

        let binary = try file("x.bin", [0x7F, 0x45, 0x4C, 0x46, 0x00, 0x01])
        let binaryResult = try run(["tokenize", binary])
        XCTAssertEqual(binaryResult.status, 1)
        XCTAssertTrue(binaryResult.error.contains("binary file"), binaryResult.error)

        let missing = try run(["vocab", "build", folder + "/nope.txt"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.error, "lstmkit: error: cannot open \(folder)/nope.txt: No such file or directory\n")
    }

    func testUsageErrorsExitTwo() throws {
        for arguments in [["tokenize", "--locale", "e n"], ["tokenize", "--split", "commas"],
                          ["vocab", "build", "--max-size", "3"], ["vocab", "build", "--special", "blank"],
                          ["corpus", "fetch", "imagenet"]] {
            let result = try run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.error)")
            XCTAssertFalse(result.error.isEmpty)
        }
    }

    func testVocabBuildAndStats() throws {
        let corpus = try file("corpus.txt", Array("the cat sat\nthe dog sat\nthe <unk> ran\n".utf8))
        let vocabPath = folder + "/v.tsv"
        let build = try run(["vocab", "build", corpus, "--split", "whitespace", "--eos", "--min-count", "2", "-o", vocabPath])
        XCTAssertEqual(build.status, 0, build.error)
        XCTAssertTrue(build.output.contains("tokens read   12 in 3 lines"), build.output)
        XCTAssertTrue(build.output.contains("types seen    7"), build.output)
        XCTAssertTrue(build.output.contains("types kept    4"), build.output)
        XCTAssertTrue(build.output.contains("vocabulary    6 entries"), build.output)
        XCTAssertTrue(build.output.contains("coverage      75.00% of the tokens read"), build.output)
        XCTAssertEqual(try String(contentsOfFile: vocabPath, encoding: .utf8),
                       "<pad>\t0\n<unk>\t1\n<bos>\t0\n<eos>\t3\nthe\t3\nsat\t2\n")

        let text = try file("text.txt", Array("the bird sat\nthe bird flew\n".utf8))
        let stats = try run(["vocab", "stats", "--vocab", vocabPath, text, "--top", "2"])
        XCTAssertEqual(stats.status, 0, stats.error)
        XCTAssertTrue(stats.output.contains("OOV rate      50.00% (3 tokens of 2 types not in the vocabulary)"), stats.output)
        XCTAssertTrue(stats.output.hasSuffix("most frequent unknown tokens:\n  2  bird\n  1  flew\n"), stats.output)

        let broken = try file("broken.tsv", Array("<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\nx\t1\nx\t2\n".utf8))
        let rejected = try run(["vocab", "stats", "--vocab", broken, text])
        XCTAssertEqual(rejected.status, 1)
        XCTAssertEqual(rejected.error, "lstmkit: error: line 6 of vocabulary \(broken) repeats the token \"x\" of line 5\n")
    }

    func testCorpusFetchRefusesFilesWithTheWrongChecksum() throws {
        let source = folder + "/collection/ptb"
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        for name in ["ptb.train.txt", "ptb.valid.txt", "ptb.test.txt"] {
            try "not the treebank\n".write(toFile: source + "/" + name, atomically: true, encoding: .utf8)
        }
        let result = try run(["corpus", "fetch", "ptb", "--from", folder + "/collection", "--to", folder + "/out"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.error.contains("has sha256") && result.error.contains("fcea919f"), result.error)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder + "/out"), [])
    }

    func testBenchTokenizerPrintsThroughput() throws {
        let text = try file("bench.txt", Array(String(repeating: "Some text, to tokenize.\n", count: 200).utf8))
        let result = try run(["bench", "tokenizer", text, "--runs", "1"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.output.contains("icu, case folding + NFKC"), result.output)
        XCTAssertTrue(result.output.contains("1,200"), result.output)
    }
}

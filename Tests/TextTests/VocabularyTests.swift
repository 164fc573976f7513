import Support
import XCTest
@testable import Text

final class VocabularyTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder.remove() }

    private func builder(_ tokens: [String]) -> VocabularyBuilder {
        var builder = VocabularyBuilder()
        builder.add(contentsOf: tokens)
        return builder
    }

    func testSpecialsFirstThenCountThenCodePointOrder() throws {
        let tokens = "b a B é a c <unk> c c <eos> a".split(separator: " ").map(String.init)
        let vocabulary = try builder(tokens).build()
        XCTAssertEqual(vocabulary.tokens, ["<pad>", "<unk>", "<bos>", "<eos>", "a", "c", "B", "b", "é"])
        XCTAssertEqual(vocabulary.counts, [0, 1, 0, 1, 3, 3, 1, 1, 1])
        XCTAssertEqual(vocabulary.specialCount, 4)
        XCTAssertEqual(vocabulary.id(for: "c"), 5)
        XCTAssertEqual(vocabulary.id(for: "never seen"), Vocabulary.unknownID)
        XCTAssertEqual(vocabulary.id(for: "<unk>"), Vocabulary.unknownID)
        XCTAssertEqual(vocabulary.token(for: 4), "a")
        XCTAssertNil(vocabulary.token(for: 99))
        XCTAssertNil(vocabulary.token(for: -1))
        XCTAssertEqual(vocabulary.ids(for: ["a", "zzz", "<eos>"]), [4, 1, 3])
    }

    func testTokenizerFitFindsAVocabularyBuiltWithOtherFlags() throws {
        // PTB's words, split at white space: ICU word breaks cut 's, stop-loss and mr. (not n't).
        let words = ["the", "'s", "company", "n't", "stop-loss", "mr."]
        let vocabulary = try Vocabulary(tokens: Vocabulary.fixedSpecials + words, counts: [0, 7, 0, 0, 50, 10, 30, 5, 3, 2])
        var whitespace = TokenizerOptions()
        whitespace.split = .whitespace
        whitespace.normalization = .none
        XCTAssertEqual(try vocabulary.fit(of: Tokenizer(options: whitespace)), TokenizerFit(changedShare: 0, examples: []))
        let icu = try vocabulary.fit(of: Tokenizer())
        XCTAssertEqual(icu.examples, ["'s", "stop-loss", "mr."])
        XCTAssertEqual(icu.changedShare, 15.0 / 100, accuracy: 1e-12)  // by count, specials left out
        XCTAssertTrue(icu.isMismatch)
        // Without counts each word weighs the same.
        let uncounted = try Vocabulary(tokens: Vocabulary.fixedSpecials + words)
        XCTAssertEqual(try uncounted.fit(of: Tokenizer()).changedShare, 3.0 / 6, accuracy: 1e-12)
        // Built from text the same tokenizer cut, a vocabulary fits it.
        let tokenizer = try Tokenizer()
        let text = "The company's stop-loss orders weren't filled, Mr. Smith said; « déjà vu » at 3.5% in the U.S."
        let built = try builder(tokenizer.tokenize(text)).build()
        let fit = try built.fit(of: tokenizer)
        XCTAssertEqual(fit.changedShare, 0, "\(fit.examples)")
        XCTAssertFalse(fit.isMismatch)
    }

    func testSameCountsInAnyOrderGiveTheSameFile() throws {
        let rng = RandomGenerator(seed: 3)
        var tokens = (0..<500).map { "w\(($0 * 7) % 37)" }
        let first = try builder(tokens).build().fileContent
        for _ in 0..<3 {
            for i in stride(from: tokens.count - 1, to: 0, by: -1) { tokens.swapAt(i, rng.below(i + 1)) }
            XCTAssertEqual(try builder(tokens).build().fileContent, first)
        }
    }

    func testMinimumCountAndMaximumSizeWithSpecialsCounted() throws {
        let tokens = ["x", "x", "x", "y", "y", "z"]
        XCTAssertEqual(try builder(tokens).build(minimumCount: 2).tokens.suffix(2), ["x", "y"])
        let capped = try builder(tokens).build(maximumSize: 6)
        XCTAssertEqual(capped.count, 6)
        XCTAssertEqual(capped.tokens.suffix(2), ["x", "y"])
        XCTAssertEqual(try builder(tokens).build(maximumSize: 4).count, 4)
        XCTAssertThrowsError(try builder(tokens).build(maximumSize: 3)) { error in
            XCTAssertEqual(error as? VocabularyError, .maxSizeTooSmall(maxSize: 3, specials: 4))
        }
    }

    func testExtraSpecialsFollowTheFixedOnes() throws {
        let vocabulary = try builder(["a", "<blank>", "a"]).build(extraSpecials: ["<blank>", "<sep>"], )
        XCTAssertEqual(vocabulary.tokens, ["<pad>", "<unk>", "<bos>", "<eos>", "<blank>", "<sep>", "a"])
        XCTAssertEqual(vocabulary.specialCount, 6)
        XCTAssertEqual(vocabulary.counts[4], 1)
        XCTAssertTrue(vocabulary.isSpecial(5))
        XCTAssertFalse(vocabulary.isSpecial(6))
        XCTAssertThrowsError(try builder([]).build(extraSpecials: ["blank"]))
    }

    func testSaveAndLoadRoundTrip() throws {
        let vocabulary = try builder(["der", "Straße", "😀", "der", "<blank>"]).build(extraSpecials: ["<blank>"])
        let path = folder.path + "/v.tsv"
        try vocabulary.save(to: path)
        let loaded = try Vocabulary(contentsOf: path)
        XCTAssertEqual(loaded, vocabulary)
        XCTAssertEqual(loaded.specialCount, 5)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first, "<pad>\t0")
    }

    func testLoadingRejectsBadFilesWithTheLineNumber() throws {
        let good = "<pad>\t0\n<unk>\t5\n<bos>\t0\n<eos>\t9\n"
        let cases: [(String, VocabularyError)] = [
            ("", .empty(path: "P")),
            (good + "a\t1\nb\t2\na\t3\n", .duplicate(path: "P", line: 7, token: "a", firstLine: 5)),
            ("<pad>\t0\n<bos>\t0\n", .missingSpecial(path: "P", line: 2, expected: "<unk>", found: "<bos>")),
            ("<pad>\t0\n<unk>\t0\n", .missingSpecial(path: "P", line: 3, expected: "<bos>", found: nil)),
            (good + "a 1\n", .malformedLine(path: "P", line: 5, reason: "has no tab")),
            (good + "a\tmany\n", .malformedLine(path: "P", line: 5, reason: "has a count that is not a whole number")),
            (good + "a\t-1\n", .malformedLine(path: "P", line: 5, reason: "has a count that is not a whole number")),
            (good + "\n", .malformedLine(path: "P", line: 5, reason: "is empty")),
            (good + "a\t1\t2\n", .malformedLine(path: "P", line: 5, reason: "has more than one tab")),
            (good + "\t1\n", .malformedLine(path: "P", line: 5, reason: "has an empty token")),
        ]
        for (content, expected) in cases {
            let path = try folder.file("bad.tsv", content)
            XCTAssertThrowsError(try Vocabulary(contentsOf: path), content) { error in
                let renamed = String(describing: error).replacingOccurrences(of: path, with: "P")
                XCTAssertEqual(renamed, String(describing: expected), content)
                XCTAssertFalse(renamed.contains("\n"))
            }
        }
        // CRLF and a BOM are fine.
        let crlf = try folder.file("crlf.tsv", [0xEF, 0xBB, 0xBF] + Array(good.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        XCTAssertEqual(try Vocabulary(contentsOf: crlf).count, 4)
    }

    func testCoverageCountsTokensTheVocabularyHolds() throws {
        let counted = builder(["a", "a", "a", "b", "<unk>", "c", "c", "d"])
        let vocabulary = try counted.build(maximumSize: 6)
        XCTAssertEqual(vocabulary.tokens.suffix(2), ["a", "c"])
        XCTAssertEqual(counted.coverage(of: vocabulary), 6.0 / 8.0, accuracy: 1e-12)
    }
}

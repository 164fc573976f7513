import Support
import XCTest
@testable import Text

/// Arbitrary bytes never crash the reader or the tokenizer, whatever the options.
final class RobustnessTests: XCTestCase {
    func testRandomBytesThroughLossyReaderAndTokenizer() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let rng = RandomGenerator(seed: 99)
        let pieces: [[UInt8]] = [[0x20], [0x0A], [0x0D, 0x0A], [0xEF, 0xBB, 0xBF], Array("<unk>".utf8), Array("l'a".utf8),
                                 Array("3,5".utf8), Array("é".utf8), Array("東京".utf8), Array("😀".utf8), [0xC3], [0xFF],
                                 [0xE0, 0x80], [0xF0, 0x9F], Array("Ab".utf8), Array("\u{301}".utf8), Array("ß".utf8)]
        var bytes: [UInt8] = []
        for _ in 0..<4000 { bytes += pieces[rng.below(pieces.count)] }
        bytes.removeAll { $0 == 0 }
        let path = try folder.file("noise.txt", bytes)
        let settings: [TokenizerOptions] = [
            TokenizerOptions(), TokenizerOptions(normalization: .nfkc, foldsCase: true, keepsPunctuation: false, numberReplacement: "N"),
            TokenizerOptions(locale: "fr"), TokenizerOptions(locale: "ja"), .whitespace,
        ]
        for options in settings {
            var count = 0
            try TokenizedText(paths: [path], options: options, lossy: true).forEachLine { tokens in
                XCTAssertFalse(tokens.contains(""))
                count += tokens.count
            }
            XCTAssertGreaterThan(count, 100)
            // Unchecked bytes handed straight to the tokenizer are decoded with U+FFFD, not trusted.
            let tokenizer = try Tokenizer(options: options)
            try bytes.withUnsafeBufferPointer { raw in
                try tokenizer.forEachToken(utf8: raw) { token, _ in XCTAssertFalse(token.isEmpty) }
            }
        }
        var sentences = 0
        try TokenizedText(paths: [path], lossy: true, sentences: true).forEachLine { _ in sentences += 1 }
        XCTAssertGreaterThan(sentences, 0)
    }
}

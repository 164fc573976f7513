import Support
import XCTest
@testable import Text

/// The Latin fast path must give exactly ICU's tokens and classes.
final class LatinWordsTests: XCTestCase {
    private func compare(_ lines: [String], options: TokenizerOptions = TokenizerOptions(),
                         file: StaticString = #filePath, line: UInt = #line) throws {
        let fast = try Tokenizer(options: options)
        let icu = try Tokenizer(options: options)
        icu.usesFastPath = false
        for text in lines {
            XCTAssertEqual(try fast.tokens(in: text), try icu.tokens(in: text), "\(text.debugDescription)", file: file, line: line)
        }
    }

    func testHandPickedCases() throws {
        try compare(["a:b a.b a'b 1:2 1.a a.1 ab1.5 1a 1a2 a1 3.14km ... -- !! a..b rock'n'roll 1'000 dogs' 'tis",
                     ";a a;b 1;2 $5 5$ a/b a,b 1,000.50 1,5 U.S.A. don't n't 's mr. e-mail (a) \"q\" x@y a_b",
                     "a\tb  c\u{1}d\u{7F}e", "", "   ", "<unk> N <eos>", "a<unk>b", ".5 5. ,5 5,",
                     "Grüße aus Köln, l’été « ça » d’accord, 3’000 Müller’s", "Straße×2 ÷ 1·2 na\u{AD}ive"])
    }

    func testRandomStringsAgreeWithICU() throws {
        let alphabet = Array("aZk09'.,;:-!?\"()$%/ \t") + ["é", "ß", "Ö", "ł", "ǃ", "’", "«", "»", "×", "·", "\u{301}", "ü", "ÿ"]
        let rng = RandomGenerator(seed: 42)
        var lines: [String] = []
        for _ in 0..<8000 {
            let length = 1 + rng.below(14)
            lines.append(String((0..<length).map { _ in alphabet[rng.below(alphabet.count)] }))
        }
        try compare(lines)
        var french = TokenizerOptions(locale: "fr")
        french.foldsCase = true
        try compare(lines.prefix(500) + ["l'homme qu'il L'AMI aujourd'hui"], options: french)
        try compare(lines.prefix(500).map { $0 + " <unk>" }, options: TokenizerOptions(keepsPunctuation: false, numberReplacement: "N"))
    }
}

import XCTest
@testable import Text

final class TokenizerTests: XCTestCase {
    private func tokens(_ text: String, _ configure: (inout TokenizerOptions) -> Void = { _ in }) throws -> [String] {
        var options = TokenizerOptions()
        configure(&options)
        return try Tokenizer(options: options).tokenize(text)
    }

    func testEnglishPunctuationAndContractions() throws {
        XCTAssertEqual(try tokens("The keys aren't here, Mr. Smith's dog."),
                       ["The", "keys", "aren't", "here", ",", "Mr", ".", "Smith's", "dog", "."])
        XCTAssertEqual(try tokens("\"Wait!\" (she said) - ok?"),
                       ["\"", "Wait", "!", "\"", "(", "she", "said", ")", "-", "ok", "?"])
        let classes = try Tokenizer().tokens(in: "He paid $5!")
        XCTAssertEqual(classes, [Token("He", .word), Token("paid", .word), Token("$", .symbol),
                                 Token("5", .number), Token("!", .punctuation)])
    }

    func testGermanSharpSUmlautsAndCompounds() throws {
        XCTAssertEqual(try tokens("Die Straße in München: Donaudampfschifffahrt, Hausmeister-Büro."),
                       ["Die", "Straße", "in", "München", ":", "Donaudampfschifffahrt", ",", "Hausmeister", "-", "Büro", "."])
        // Full case folding, not lowercasing: ß becomes ss, and ẞ (capital sharp s) too.
        XCTAssertEqual(try tokens("STRASSE Straße GROẞ Ärger") { $0.foldsCase = true }, ["strasse", "strasse", "gross", "ärger"])
        XCTAssertEqual(try tokens("1.000,50 Euro", { $0.locale = "de" }), ["1.000,50", "Euro"])
    }

    func testFrenchElisionIsSplitForFrenchOnly() throws {
        let french = try tokens("L'homme qu'il aime aujourd'hui, j’arrive « vite » ?") { $0.locale = "fr" }
        XCTAssertEqual(french, ["L'", "homme", "qu'", "il", "aime", "aujourd'hui", ",", "j’", "arrive", "«", "vite", "»", "?"])
        XCTAssertEqual(try tokens("l'homme"), ["l'homme"])
        XCTAssertEqual(try tokens("l'homme") { $0.splitsElision = true; $0.locale = "fr_CA" }, ["l'", "homme"])
        XCTAssertEqual(try tokens("l'homme") { $0.splitsElision = false; $0.locale = "fr" }, ["l'homme"])
        XCTAssertEqual(try tokens("dell'anno") { $0.locale = "it" }, ["dell'", "anno"])
    }

    func testJapaneseAndChineseAreSegmentedIntoWords() throws {
        let japanese = try Tokenizer(options: TokenizerOptions(locale: "ja")).tokens(in: "私は東京に住んでいます。")
        XCTAssertTrue(japanese.contains(Token("東京", .ideographic)), "\(japanese)")
        XCTAssertEqual(japanese.last, Token("。", .punctuation))
        XCTAssertEqual(japanese.map(\.text).joined(), "私は東京に住んでいます。")
        XCTAssertGreaterThanOrEqual(japanese.count, 6)
        let chinese = try tokens("我爱北京天安门。") { $0.locale = "zh" }
        XCTAssertTrue(chinese.contains("北京") && chinese.contains("天安门"), "\(chinese)")
        XCTAssertEqual(chinese.joined(), "我爱北京天安门。")
    }

    func testEmojiAreSymbolsKeptWithoutPunctuation() throws {
        let result = try Tokenizer(options: TokenizerOptions(keepsPunctuation: false)).tokens(in: "I ❤️ 🍕, 👨‍👩‍👧 ok!")
        XCTAssertEqual(result.map(\.text), ["I", "❤️", "🍕", "👨‍👩‍👧", "ok"])
        XCTAssertEqual(result[3].kind, .symbol)
    }

    func testDecimalsThousandsAndNumberReplacement() throws {
        XCTAssertEqual(try tokens("It costs $1,000.50, or 3.14% at 12:30."),
                       ["It", "costs", "$", "1,000.50", ",", "or", "3.14", "%", "at", "12", ":", "30", "."])
        XCTAssertEqual(try tokens("It costs $1,000.50, or 3.14% at 12:30.") { $0.numberReplacement = "N" },
                       ["It", "costs", "$", "N", ",", "or", "N", "%", "at", "N", ":", "N", "."])
    }

    func testNormalizationNFCAndNFKC() throws {
        let decomposed = "Cafe\u{301}"
        let nfc = try tokens(decomposed)
        XCTAssertEqual(Array(nfc[0].utf8), Array("Caf\u{E9}".utf8))
        XCTAssertEqual(try tokens("ﬁne ２０ km²") { $0.normalization = .nfkc }, ["fine", "20", "km2"])
        XCTAssertEqual(try tokens("ﬁne ２０") , ["ﬁne", "２０"])
        XCTAssertEqual(try tokens("ΣΑΣ ﬁne İstanbul") { $0.normalization = .nfkc; $0.foldsCase = true },
                       ["σασ", "fine", "i̇stanbul"])
    }

    func testDropPunctuation() throws {
        XCTAssertEqual(try tokens("Hello, world... (yes)!") { $0.keepsPunctuation = false }, ["Hello", "world", "yes"])
    }

    func testProtectedTokensStayWhole() throws {
        XCTAssertEqual(try tokens("a <unk> b<eos> <b>"), ["a", "<unk>", "b", "<eos>", "<", "b", ">"])
        let classes = try Tokenizer().tokens(in: "x <unk>")
        XCTAssertEqual(classes.last, Token("<unk>", .special))
        XCTAssertEqual(try tokens("a <blank> b") { $0.protectedTokens = ["<blank>", "###"] }, ["a", "<blank>", "b"])
        XCTAssertEqual(try tokens("x###y") { $0.protectedTokens = ["<blank>", "###"] }, ["x", "###", "y"])
    }

    func testWhitespaceModeIsByteExactOnPennTreebankLines() throws {
        let line = " aer banknote berlitz calloway <unk> N mr. n't 's  co. \t$ N billion\r"
        let result = try Tokenizer(options: .whitespace).tokenize(line)
        XCTAssertEqual(result, ["aer", "banknote", "berlitz", "calloway", "<unk>", "N", "mr.", "n't", "'s", "co.", "$", "N", "billion"])
        // Nothing is normalized: a decomposed é stays decomposed.
        let decomposed = "Cafe\u{301} x"
        XCTAssertEqual(try Tokenizer(options: .whitespace).tokenize(decomposed).first.map { Array($0.utf8) },
                       Array("Cafe\u{301}".utf8))
        let classes = try Tokenizer(options: .whitespace).tokens(in: "3.5 1,000 -- ok <unk> $")
        XCTAssertEqual(classes.map(\.kind), [.number, .number, .punctuation, .word, .special, .symbol])
        XCTAssertEqual(try Tokenizer(options: TokenizerOptions(split: .whitespace, normalization: .none, numberReplacement: "N"))
            .tokenize("pay 3.5 now"), ["pay", "N", "now"])
    }

    func testUnicodeWhiteSpaceSeparatesAndControlsVanish() throws {
        XCTAssertEqual(try tokens("a\u{00A0}b\u{3000}c\u{2009}d"), ["a", "b", "c", "d"])
        XCTAssertEqual(try Tokenizer(options: .whitespace).tokenize("a\u{00A0}b\u{3000}c"), ["a", "b", "c"])
    }

    func testCodableDefaultsFillMissingFields() throws {
        let decoded = try JSONDecoder().decode(TokenizerOptions.self, from: Data(#"{"foldsCase": true, "locale": "fr"}"#.utf8))
        var expected = TokenizerOptions()
        expected.foldsCase = true
        expected.locale = "fr"
        XCTAssertEqual(decoded, expected)
        let roundTrip = try JSONDecoder().decode(TokenizerOptions.self, from: JSONEncoder().encode(TokenizerOptions.whitespace))
        XCTAssertEqual(roundTrip, .whitespace)
    }

    func testTokenizerIsReusableAcrossLinesOfDifferentLengths() throws {
        let tokenizer = try Tokenizer()
        let long = String(repeating: "word ", count: 5000) + "end"
        XCTAssertEqual(try tokenizer.tokenize(long).count, 5001)
        XCTAssertEqual(try tokenizer.tokenize("Ünïcödé after ASCII"), ["Ünïcödé", "after", "ASCII"])
        XCTAssertEqual(try tokenizer.tokenize(""), [])
    }
}

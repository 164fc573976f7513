import Support
import XCTest
@testable import Text

final class DetokenizerTests: XCTestCase {
    func testEnglishSpacing() {
        let english = Detokenizer(locale: "en")
        XCTAssertEqual(english.detokenize(["The", "keys", "are", "here", ",", "Mr", ".", "Smith", "!"]),
                       "The keys are here, Mr. Smith!")
        XCTAssertEqual(english.detokenize(["he", "said", "\"", "it", "is", "n't", "(", "really", ")", "mine", "\"", "."]),
                       "he said \"it isn't (really) mine\".")
        XCTAssertEqual(english.detokenize(["it", "costs", "$", "5", "at", "12", ":", "30", ",", "state", "-", "of", "-", "the", "-", "art"]),
                       "it costs $5 at 12:30, state-of-the-art")
        XCTAssertEqual(english.detokenize([]), "")
    }

    func testFrenchSpacingAndElision() {
        let french = Detokenizer(locale: "fr")
        XCTAssertEqual(french.detokenize(["est", "-", "ce", "qu'", "il", "aime", "l'", "école", "?"]), "est-ce qu'il aime l'école ?")
        XCTAssertEqual(french.detokenize(["il", "dit", ":", "«", "oui", "»", ";", "bien", "!"]), "il dit : « oui » ; bien !")
        // English keeps its own spacing for the same tokens.
        XCTAssertEqual(Detokenizer(locale: "en").detokenize(["ok", "?"]), "ok?")
    }

    func testChineseAndJapaneseHaveNoSpacesBetweenCharacters() {
        XCTAssertEqual(Detokenizer(locale: "zh").detokenize(["我", "爱", "北京", "。"]), "我爱北京。")
        XCTAssertEqual(Detokenizer(locale: "ja").detokenize(["私", "は", "LSTM", "が", "好き"]), "私はLSTMが好き")
    }

    func testGermanQuotes() {
        XCTAssertEqual(Detokenizer(locale: "de").detokenize(["er", "sagte", "„", "ja", "“", "."]), "er sagte „ja“.")
    }

    /// Detokenizing and tokenizing again gives the same tokens, for the toy translation corpus
    /// on both sides: what `corpus generate` relies on.
    func testToyTranslationRoundTrip() throws {
        let grammar = ToyTranslation()
        var rng = RandomGenerator(seed: 7)
        let english = try Tokenizer(options: TokenizerOptions(locale: "en"))
        let french = try Tokenizer(options: TokenizerOptions(locale: "fr"))
        for _ in 0..<300 {
            let pair = grammar.pair(&rng)
            XCTAssertEqual(try english.tokenize(Detokenizer(locale: "en").detokenize(pair.english)), pair.english)
            XCTAssertEqual(try french.tokenize(Detokenizer(locale: "fr").detokenize(pair.french)), pair.french)
        }
    }
}

@testable import Interactive
import XCTest

final class ChartLayoutTests: XCTestCase {
    func testPercentIsSevenColumns() {
        XCTAssertEqual(ChartLayout.percent(1), "100.00%")
        XCTAssertEqual(ChartLayout.percent(0.2130), " 21.30%")
        XCTAssertEqual(ChartLayout.percent(0.00012), "  0.01%")
        XCTAssertEqual(ChartLayout.percent(0.00001), " <0.01%")
        XCTAssertEqual(ChartLayout.percent(0), "  0.00%")
    }

    func testBarsUseEighthBlocks() {
        XCTAssertEqual(ChartLayout.bar(fraction: 1), String(repeating: "█", count: 24))
        XCTAssertEqual(ChartLayout.bar(fraction: 0.5), String(repeating: "█", count: 12))
        XCTAssertEqual(ChartLayout.bar(fraction: 1.0 / 48), "▌")
        XCTAssertEqual(ChartLayout.bar(fraction: 1e-9), "▏", "a positive value always shows")
        XCTAssertEqual(ChartLayout.bar(fraction: 0), "")
        XCTAssertEqual(ChartLayout.bar(fraction: .nan), "")
    }

    func testDisplayWidthCountsTerminalColumns() {
        XCTAssertEqual(ChartLayout.displayWidth("market"), 6)
        XCTAssertEqual(ChartLayout.displayWidth("東京"), 4)
        XCTAssertEqual(ChartLayout.displayWidth("e\u{301}t\u{E9}"), 3, "a combining accent takes no column")
        XCTAssertEqual(ChartLayout.padded("東京", to: 6), "東京  ")
    }

    func testLongWordsAreCut() {
        let long = String(repeating: "a", count: 30)
        XCTAssertEqual(ChartLayout.fitted(long), String(repeating: "a", count: 19) + "…")
        // Nine wide characters (18 columns) and "…": a tenth would pass the 20-column limit.
        XCTAssertEqual(ChartLayout.fitted(String(repeating: "語", count: 15)), String(repeating: "語", count: 9) + "…")
        XCTAssertEqual(ChartLayout.fitted("short"), "short")
    }

    func testRowsAlignWordsOfDifferentWidths() {
        let rows = ChartLayout.probabilityRows([("東京", 0.5), ("a", 0.25)])
        XCTAssertEqual(rows, ["  東京   50.00%  ████████████████████████", "  a      25.00%  ████████████"])
    }
}

final class WordCompleterTests: XCTestCase {
    // Ids in frequency order, as vocabularies are.
    let completer = WordCompleter(
        commands: [":k", ":temp", ":top-k", ":top-p", ":quit"],
        vocabulary: ["<pad>", "<unk>", "the", "market", "marked", "stock", "stocks", "mar"],
        hiddenIDs: [0])

    func testUniqueWordIsCompletedWithASpace() {
        XCTAssertEqual(completer.complete("the sto"), Completion(insert: "ck"))
        XCTAssertEqual(completer.complete("the stocks"), Completion(insert: " "))
        XCTAssertEqual(completer.complete("th"), Completion(insert: "e "))
    }

    func testCommonPrefixThenListingByFrequency() {
        XCTAssertEqual(completer.complete("the m"), Completion(insert: "ar"))
        XCTAssertEqual(completer.complete("the mar"), Completion(listing: "market  marked  mar"))
    }

    func testCommandsAtTheStartOfTheLine() {
        XCTAssertEqual(completer.complete(":te"), Completion(insert: "mp "))
        XCTAssertEqual(completer.complete(":to"), Completion(insert: "p-"))
        XCTAssertEqual(completer.complete(":top-"), Completion(listing: ":top-k  :top-p"))
    }

    func testNothingToCompleteAndHiddenWords() {
        XCTAssertEqual(completer.complete(""), Completion())
        XCTAssertEqual(completer.complete("the "), Completion())
        XCTAssertEqual(completer.complete("zz"), Completion())
        XCTAssertEqual(completer.complete("<p"), Completion(), "hidden ids are not offered")
        XCTAssertEqual(completer.complete("<u"), Completion(insert: "nk> "))
    }

    func testLongListingsAreCut() {
        let words = (0..<100).map { "w\($0)" }
        let many = WordCompleter(commands: [], vocabulary: words, hiddenIDs: [])
        let listing = many.complete("w").listing
        XCTAssertTrue(listing.hasPrefix("w0  w1  w2"), listing)
        XCTAssertTrue(listing.hasSuffix("… and 60 more"), listing)
    }
}

final class REPLCommandTests: XCTestCase {
    func testParsing() throws {
        XCTAssertEqual(try REPLCommand.parse("the stock"), .text("the stock"))
        XCTAssertEqual(try REPLCommand.parse(" :) is text"), .text(" :) is text"))
        XCTAssertEqual(try REPLCommand.parse("  "), .showAgain)
        XCTAssertEqual(try REPLCommand.parse(":k 5"), .predictionCount(5))
        XCTAssertEqual(try REPLCommand.parse(":k"), .predictionCount(nil))
        XCTAssertEqual(try REPLCommand.parse(":temperature 0"), .temperature(0))
        XCTAssertEqual(try REPLCommand.parse(":top-p 1"), .topP(1))
        XCTAssertEqual(try REPLCommand.parse(":gen"), .generate(nil))
        XCTAssertEqual(try REPLCommand.parse(":generate 7  "), .generate(7))
        XCTAssertEqual(try REPLCommand.parse(":score   the  cat "), .score("the  cat"))
        XCTAssertEqual(try REPLCommand.parse(":?"), .help)
        XCTAssertThrowsError(try REPLCommand.parse(":temp nan"))
        XCTAssertThrowsError(try REPLCommand.parse(":temp inf"))
        XCTAssertThrowsError(try REPLCommand.parse(":gen 10001"))
        XCTAssertThrowsError(try REPLCommand.parse(":K 5"), "commands are case-sensitive")
    }
}

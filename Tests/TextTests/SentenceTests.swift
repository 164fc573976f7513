import XCTest
@testable import Text

final class SentenceTests: XCTestCase {
    func testSplitsRunningTextIntoSentences() throws {
        let splitter = try SentenceSplitter()
        XCTAssertEqual(try splitter.split("He sat down. Did he? Yes!  It was 3.5 km away. "),
                       ["He sat down.", "Did he?", "Yes!", "It was 3.5 km away."])
        XCTAssertEqual(try SentenceSplitter(locale: "ja").split("東京に行きました。楽しかった！"), ["東京に行きました。", "楽しかった！"])
    }

    func testSentencesSpanLinesUntilABlankLine() throws {
        let running = try RunningText()
        var out: [String] = []
        for line in ["The keys to the", "cabinet are here. Next one", "", "New paragraph"] {
            var bytes = Array(line.utf8)
            try bytes.withUnsafeMutableBufferPointer { try running.append(line: UnsafeBufferPointer($0)) { out.append($0) } }
        }
        try running.finish { out.append($0) }
        XCTAssertEqual(out, ["The keys to the cabinet are here.", "Next one", "New paragraph"])
    }

    func testLongParagraphsAreHandedOutBeforeTheyEnd() throws {
        let running = try RunningText(flushThreshold: 64)
        var out: [String] = []
        for i in 0..<20 {
            let bytes = Array("Sentence number \(i) is here.".utf8)
            try bytes.withUnsafeBufferPointer { try running.append(line: $0) { out.append($0) } }
        }
        XCTAssertGreaterThan(out.count, 10, "sentences must come out before the paragraph ends")
        try running.finish { out.append($0) }
        XCTAssertEqual(out, (0..<20).map { "Sentence number \($0) is here." })
    }
}

import Foundation
import Interactive
import Support
import XCTest

final class CommandHistoryTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "lstmkit-history-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func contents(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    func testEntriesAreSavedAtOnceOnePerLine() throws {
        let path = folder + "/history"
        let history = CommandHistory(path: path, limit: 100)
        XCTAssertEqual(history.entries, [])
        XCTAssertTrue(try history.add("the stock"))
        XCTAssertEqual(contents(path), "the stock\n")
        XCTAssertFalse(try history.add("the stock   "), "a repeat (trailing spaces aside) is skipped")
        XCTAssertFalse(try history.add("   "), "blank lines are skipped")
        try history.add(":k 3")
        XCTAssertEqual(contents(path), "the stock\n:k 3\n")
        XCTAssertEqual(CommandHistory(path: path).entries, ["the stock", ":k 3"])
    }

    func testTheFileIsPrivate() throws {
        let path = folder + "/history"
        try CommandHistory(path: path).add("secret")
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode & 0o077, 0, "group and others must not read it")
    }

    func testSizeIsBounded() throws {
        let path = folder + "/history"
        let history = CommandHistory(path: path, limit: 3)
        for i in 1...5 { try history.add("line \(i)") }
        XCTAssertEqual(history.entries, ["line 3", "line 4", "line 5"])
        XCTAssertEqual(contents(path), "line 3\nline 4\nline 5\n")
        // A longer file written by someone else is cut on load.
        try AtomicFile.write((1...10).map { "old \($0)\n" }.joined(), to: path)
        XCTAssertEqual(CommandHistory(path: path, limit: 2).entries, ["old 9", "old 10"])
    }

    /// Two sessions at once: each save appends to what the file holds, so neither loses lines.
    func testConcurrentSessionsKeepBothLines() throws {
        let path = folder + "/history"
        let first = CommandHistory(path: path), second = CommandHistory(path: path)
        try first.add("from first")
        try second.add("from second")
        try first.add("first again")
        XCTAssertEqual(contents(path), "from first\nfrom second\nfirst again\n")
    }

    func testWritesThroughASymbolicLink() throws {
        let target = folder + "/real-history", link = folder + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        try CommandHistory(path: link).add("kept")
        XCTAssertEqual(contents(target), "kept\n")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), target)
    }

    func testUnwritableFileThrowsOneSentenceAndKeepsTheEntry() throws {
        let history = CommandHistory(path: folder + "/missing-folder/history")
        XCTAssertThrowsError(try history.add("the")) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot write \(self.folder)/missing-folder/history: "), "\(error)")
        }
        XCTAssertEqual(history.entries, ["the"])
    }

    func testNoFileKeepsMemoryOnly() throws {
        let history = CommandHistory(path: nil)
        try history.add("a")
        XCTAssertEqual(history.entries, ["a"])
    }

    func testDefaultPath() {
        XCTAssertEqual(CommandHistory.defaultPath(environment: ["HOME": "/home/ann"]), "/home/ann/.lstmkit_history")
        XCTAssertEqual(CommandHistory.defaultPath(environment: ["HOME": "/home/ann/", "LSTMKIT_HISTORY": "/tmp/h"]), "/tmp/h")
        XCTAssertNil(CommandHistory.defaultPath(environment: ["HOME": "/home/ann", "LSTMKIT_HISTORY": ""]))
        XCTAssertNil(CommandHistory.defaultPath(environment: [:]))
    }
}

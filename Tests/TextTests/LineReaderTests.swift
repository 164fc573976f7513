import XCTest
@testable import Text

final class LineReaderTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder.remove() }

    private func lines(_ bytes: [UInt8], lossy: Bool = false, chunkSize: Int = 1 << 20) throws -> [String] {
        let reader = try LineReader(path: try folder.file("in.txt", bytes), lossy: lossy, chunkSize: chunkSize)
        var result: [String] = []
        while let line = try reader.readLine() { result.append(line) }
        return result
    }

    private func error(_ bytes: [UInt8], lossy: Bool = false) throws -> TextFileError? {
        do {
            _ = try lines(bytes, lossy: lossy)
            return nil
        } catch let error as TextFileError {
            return error
        }
    }

    func testBOMAndCRLFAreAccepted() throws {
        XCTAssertEqual(try lines([0xEF, 0xBB, 0xBF] + Array("a b\r\nc\r\n\r\nlast".utf8)), ["a b", "c", "", "last"])
        // A BOM later in the file is not a BOM: it stays (as U+FEFF) in the text.
        XCTAssertEqual(try lines(Array("x\n\u{FEFF}y\n".utf8)), ["x", "\u{FEFF}y"])
        XCTAssertEqual(try lines(Array("only\rcarriage\n".utf8)), ["only\rcarriage"])
        XCTAssertEqual(try lines([]), [])
        XCTAssertEqual(try lines(Array("\n".utf8)), [""])
    }

    func testInvalidUTF8NamesLineAndByteOffset() throws {
        let bytes = Array("ok\nbad ".utf8) + [0xC3, 0x28] + Array(" x\n".utf8)
        guard case let .invalidUTF8(path, line, offset)? = try error(bytes) else { return XCTFail("expected invalid UTF-8") }
        XCTAssertEqual(line, 2)
        XCTAssertEqual(offset, 7)
        XCTAssertTrue(path.hasSuffix("in.txt"))
        let message = String(describing: TextFileError.invalidUTF8(path: "f.txt", line: 2, byteOffset: 7))
        XCTAssertTrue(message.contains("f.txt") && message.contains("line 2") && message.contains("byte offset 7"), message)
        XCTAssertFalse(message.contains("\n"))
        // Offsets count the BOM: they are positions in the file.
        guard case let .invalidUTF8(_, _, afterBOM)? = try error([0xEF, 0xBB, 0xBF, 0x61, 0xFF]) else { return XCTFail() }
        XCTAssertEqual(afterBOM, 4)
    }

    func testLossyReplacesMaximalInvalidSubpartsWithU_FFFD() throws {
        let cases: [([UInt8], String)] = [
            ([0x61, 0xC3, 0x28], "a\u{FFFD}("),                 // lead byte without continuation
            ([0xF0, 0x9F, 0x98, 0x78], "\u{FFFD}x"),            // truncated 4-byte sequence: one U+FFFD
            ([0xE0, 0x80, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"),   // overlong: each byte on its own
            ([0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"),   // UTF-16 surrogate
            ([0xC0, 0xAF], "\u{FFFD}\u{FFFD}"),                 // overlong '/'
            ([0xF4, 0x90, 0x80, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"), // above U+10FFFF
            ([0xE2, 0x82, 0xAC, 0xFF], "€\u{FFFD}"),
        ]
        for (bytes, expected) in cases {
            XCTAssertNotNil(try error(bytes), "\(bytes) must be rejected without lossy")
            XCTAssertEqual(try lines(bytes, lossy: true), [expected], "\(bytes)")
        }
    }

    func testNulByteIsABinaryFileEvenWhenLossy() throws {
        let bytes = Array("text\nmore".utf8) + [0x00] + Array("x\n".utf8)
        for lossy in [false, true] {
            guard case let .binary(_, line, offset)? = try error(bytes, lossy: lossy) else { return XCTFail("expected binary") }
            XCTAssertEqual(line, 2)
            XCTAssertEqual(offset, 9)
        }
        XCTAssertTrue(String(describing: TextFileError.binary(path: "a.bin", line: 1, byteOffset: 0)).contains("binary"))
    }

    func testChunkBoundariesNeverChangeTheLines() throws {
        let text = "Grüße aus Köln 😀\r\nzweite Zeile\n\n" + String(repeating: "long line ", count: 300) + "\nend"
        let expected = try lines(Array(text.utf8))
        XCTAssertEqual(expected.count, 5)
        for chunk in [1, 2, 3, 5, 7, 64] {
            XCTAssertEqual(try lines([0xEF, 0xBB, 0xBF] + Array(text.utf8), chunkSize: chunk), expected, "chunk \(chunk)")
        }
    }

    func testMissingFilesAndFoldersAreClearErrors() throws {
        XCTAssertThrowsError(try LineReader(path: folder.path + "/missing.txt")) { error in
            XCTAssertEqual(error as? TextFileError, .cannotOpen(path: folder.path + "/missing.txt", cause: "No such file or directory"))
        }
        XCTAssertThrowsError(try LineReader(path: folder.path)) { error in
            XCTAssertEqual(error as? TextFileError, .isDirectory(path: folder.path))
            XCTAssertTrue(String(describing: error).contains("is a directory"))
        }
    }
}

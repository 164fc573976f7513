import XCTest
import Foundation
import Tensor
import TestSupport

final class SafeTensorsTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "safetensors-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testRoundTripKeepsNamesShapesValuesAndMetadata() throws {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, -6.5])
        let b = Tensor(shape: [], scalars: [42])
        let empty = Tensor(zeros: [0, 4])
        let path = folder + "/x.safetensors"
        try SafeTensorsFile.write([("a.weight", a), ("b \"quoted\"", b), ("empty", empty)],
                                  metadata: ["step": "12", "note": "tab\there"], to: path)
        let file = try SafeTensorsFile(contentsOf: path)
        XCTAssertEqual(file.names, ["a.weight", "b \"quoted\"", "empty"])
        XCTAssertEqual(file.tensor(named: "a.weight")?.scalars, a.scalars)
        XCTAssertEqual(file.tensor(named: "a.weight")?.shape, [2, 3])
        XCTAssertEqual(file.tensor(named: "b \"quoted\"")?.scalars, [42])
        XCTAssertEqual(file.tensor(named: "empty")?.shape, [0, 4])
        XCTAssertEqual(file.metadata, ["step": "12", "note": "tab\there"])
        // Data starts 8-byte aligned, as the reference writer does.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        XCTAssertEqual((8 + headerLength) % 8, 0)
    }

    func testReadsAFileWrittenByPyTorch() throws {
        let file = try Fixture.load("torch_checkpoint.safetensors")
        XCTAssertEqual(file.tensor(named: "rnn.weight_ih_l0")?.shape, [20, 6])
        XCTAssertEqual(file.tensor(named: "encoder.weight")?.shape, [10, 6])
        XCTAssertNotNil(file.metadata["config"])
    }

    func testShapeCheckedLookup() throws {
        let path = folder + "/s.safetensors"
        try SafeTensorsFile.write([("w", Tensor(zeros: [2, 2]))], to: path)
        let file = try SafeTensorsFile(contentsOf: path)
        XCTAssertNoThrow(try file.tensor(named: "w", shape: [2, 2]))
        XCTAssertThrowsError(try file.tensor(named: "w", shape: [4])) { error in
            XCTAssertEqual("\(error)", "invalid safetensors file \(path): tensor 'w' has shape [2, 2], expected [4]")
        }
        XCTAssertThrowsError(try file.tensor(named: "v", shape: [4]))
    }

    func testRejectsDuplicateNamesOnWrite() {
        XCTAssertThrowsError(try SafeTensorsFile.write([("w", Tensor(zeros: [1])), ("w", Tensor(zeros: [1]))], to: folder + "/d.safetensors"))
    }

    /// Writes a file from a header string and `dataBytes` zero bytes of data.
    func rawFile(_ header: String, dataBytes: Int = 0, declaredLength: UInt64? = nil) throws -> String {
        let headerBytes = Array(header.utf8)
        let length = declaredLength ?? UInt64(headerBytes.count)
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) }
        bytes += headerBytes
        bytes += [UInt8](repeating: 0, count: dataBytes)
        let path = folder + "/bad-\(UUID().uuidString).safetensors"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func assertRejected(_ path: String, cause: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensorsFile(contentsOf: path), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("invalid safetensors file \(path): "), text, file: file, line: line)
            XCTAssertTrue(text.contains(cause), "«\(text)» should mention «\(cause)»", file: file, line: line)
            XCTAssertFalse(text.contains("\n"), file: file, line: line)
        }
    }

    func testValidationRejectsBadFilesWithOneLineErrors() throws {
        assertRejected(folder + "/missing.safetensors", cause: "cannot open")
        assertRejected(try rawFile(""), cause: "header is not well-formed JSON")
        assertRejected(try rawFile("{}", declaredLength: 200 * 1024 * 1024), cause: "exceeds the limit")
        assertRejected(try rawFile("{}", declaredLength: 50), cause: "runs past the end")
        assertRejected(try rawFile("{\"a\": "), cause: "not well-formed JSON")
        assertRejected(try rawFile("[1, 2]"), cause: "not a JSON object")
        assertRejected(try rawFile(#"{"a": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}}"#, dataBytes: 4), cause: "dtype F16")
        assertRejected(try rawFile(#"{"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}"#, dataBytes: 8), cause: "no valid shape")
        assertRejected(try rawFile(#"{"a": {"dtype": "F32", "shape": [2.5], "data_offsets": [0, 8]}}"#, dataBytes: 8), cause: "no valid shape")
        assertRejected(try rawFile(#"{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#, dataBytes: 8), cause: "needs 12")
        assertRejected(try rawFile(#"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}"#, dataBytes: 8), cause: "end at byte")
        assertRejected(try rawFile(#"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [4, 0]}}"#, dataBytes: 8), cause: "no valid data_offsets")
        assertRejected(try rawFile(#"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#, dataBytes: 12), cause: "overlap")
        assertRejected(try rawFile(#"{"a": {"dtype": "F32", "shape": [1000000, 1000000, 1000000, 1000000], "data_offsets": [0, 8]}}"#, dataBytes: 8), cause: "needs more bytes than the whole")
        assertRejected(try rawFile(#"{"__metadata__": {"k": 3}}"#), cause: "not a string")
        assertRejected(try rawFile(#"{"a": 3}"#), cause: "not an object")
        // Truncated: fewer than 8 bytes.
        let short = folder + "/short.safetensors"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: short))
        assertRejected(short, cause: "shorter than the 8-byte header length")
    }

    func testWriteIsAtomicAndReplacesTheOldFile() throws {
        let path = folder + "/m.safetensors"
        try SafeTensorsFile.write([("w", Tensor(shape: [1], scalars: [1]))], to: path)
        try SafeTensorsFile.write([("w", Tensor(shape: [1], scalars: [2]))], to: path)
        XCTAssertEqual(try SafeTensorsFile(contentsOf: path).tensor(named: "w")?.scalars, [2])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains("tmp") }
        XCTAssertEqual(leftovers, [])
        XCTAssertThrowsError(try SafeTensorsFile.write([("w", Tensor(zeros: [1]))], to: folder + "/no/such/dir/m.safetensors"))
    }
}

import XCTest
import Support
@testable import Text

final class CorpusFetcherTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder.remove() }

    private func spec(_ files: [(String, String)], packing: CorpusSpec.Download.Packing = .plain) -> CorpusSpec {
        CorpusSpec(name: "toy", canonicalBase: "https://invalid.example", folder: "toy", downloads: files.map { name, content in
            CorpusSpec.Download(remote: packing.isGzip ? name + ".gz" : name, localName: name, packing: packing,
                                sha256: SHA256.hex(of: Array(content.utf8)))
        })
    }

    func testLocalFolderIsVerifiedAndCopied() throws {
        let source = folder.path + "/collection/toy"
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        try "one\n".write(toFile: source + "/a.txt", atomically: true, encoding: .utf8)
        try "two\n".write(toFile: source + "/b.txt", atomically: true, encoding: .utf8)
        let target = folder.path + "/out/toy"
        let installed = try CorpusFetcher(spec: spec([("a.txt", "one\n"), ("b.txt", "two\n")]), destination: target,
                                          source: folder.path + "/collection").fetch()
        XCTAssertEqual(installed, [target + "/a.txt", target + "/b.txt"])
        XCTAssertEqual(try String(contentsOfFile: target + "/b.txt", encoding: .utf8), "two\n")
    }

    func testMismatchInstallsNothing() throws {
        _ = try folder.file("a.txt", "tampered\n")
        let target = folder.path + "/out"
        XCTAssertThrowsError(try CorpusFetcher(spec: spec([("a.txt", "one\n")]), destination: target, source: folder.path).fetch()) { error in
            guard case let .checksumMismatch(_, expected, actual)? = error as? CorpusFetchError else { return XCTFail("\(error)") }
            XCTAssertEqual(expected, SHA256.hex(of: Array("one\n".utf8)))
            XCTAssertEqual(actual, SHA256.hex(of: Array("tampered\n".utf8)))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: target), [])
    }

    func testMissingFileNamesWhereItLooked() throws {
        XCTAssertThrowsError(try CorpusFetcher(spec: spec([("a.txt", "x")]), destination: folder.path + "/out", source: folder.path).fetch()) { error in
            XCTAssertTrue(String(describing: error).contains(folder.path + "/toy/a.txt"), "\(error)")
        }
    }

    func testGzippedFilesAreUnpackedAndVerified() throws {
        let plain = try folder.file("c.txt", "packed text\n")
        try CorpusFetcher.runTool("gzip", ["-k", plain], output: nil, purpose: "make a test file")
        try FileManager.default.removeItem(atPath: plain)
        let target = folder.path + "/out"
        _ = try CorpusFetcher(spec: spec([("c.txt", "packed text\n")], packing: .gzip), destination: target, source: folder.path).fetch()
        XCTAssertEqual(try String(contentsOfFile: target + "/c.txt", encoding: .utf8), "packed text\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: target), ["c.txt"])
    }
}

private extension CorpusSpec.Download.Packing {
    var isGzip: Bool {
        if case .gzip = self { return true }
        return false
    }
}

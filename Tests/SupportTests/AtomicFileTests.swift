import Foundation
import XCTest
@testable import Support

final class AtomicFileTests: XCTestCase {
    private func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "lstmkit-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func testWritesAndReplacesWithoutLeavingTemporaries() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/out.txt"
        try AtomicFile.write("first\n", to: path)
        try AtomicFile.write("second\n", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["out.txt"])
    }

    func testFailureInBodyKeepsOldContent() throws {
        struct Boom: Error {}
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/keep.txt"
        try AtomicFile.write("old", to: path)
        XCTAssertThrowsError(try AtomicFile.write(to: path) { fd in
            try AtomicFile.writeAll(fd, UnsafeRawBufferPointer(start: nil, count: 0), path: path)
            throw Boom()
        })
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["keep.txt"])
    }

    func testMissingFolderIsOneLineErrorNamingThePath() throws {
        let path = "/nonexistent-lstmkit-folder/x.txt"
        XCTAssertThrowsError(try AtomicFile.write("x", to: path)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.hasPrefix("cannot write \(path): "), text)
            XCTAssertFalse(text.contains("\n"))
        }
    }

    func testRefusesToReplaceAPipeAndChecksBeforeWriting() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = folder + "/fifo"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        for attempt in [{ try AtomicFile.write("x", to: fifo) }, { try AtomicFile.checkWritable(fifo) }] {
            XCTAssertThrowsError(try attempt()) { error in
                XCTAssertEqual(String(describing: error), "cannot write \(fifo): it is a device, pipe or socket, not a regular file")
            }
        }
        var info = stat()
        XCTAssertEqual(stat(fifo, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO, "the pipe is still a pipe")
        XCTAssertThrowsError(try AtomicFile.checkWritable(folder)) { error in
            XCTAssertEqual(String(describing: error), "cannot write \(folder): Is a directory")
        }
        XCTAssertThrowsError(try AtomicFile.checkWritable(folder + "/missing/x.txt"))
        try AtomicFile.checkWritable(folder + "/new.txt")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["fifo"], "checking writes nothing")
        try AtomicFile.write("a", to: folder + "/a.txt")
        XCTAssertTrue(AtomicFile.isSameFile(folder + "/a.txt", folder + "/../" + (folder as NSString).lastPathComponent + "/a.txt"))
        XCTAssertFalse(AtomicFile.isSameFile(folder + "/a.txt", fifo))
        XCTAssertFalse(AtomicFile.isSameFile(folder + "/a.txt", folder + "/new.txt"))
    }

    func testLeftoversOfKilledWritesAreRemoved() throws {
        let folder = NSTemporaryDirectory() + "lstmkit-leftovers-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in [".last.safetensors.tmp-a1B2c3", ".x.tmp-zzzzzz", "keep.tmp-abcdef", ".keep.tmp-abc", "model.safetensors"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/" + name, contents: Data([1])))
        }
        XCTAssertEqual(AtomicFile.removeLeftovers(in: folder), 2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(),
                       [".keep.tmp-abc", "keep.tmp-abcdef", "model.safetensors"])
    }

    /// "-" is standard input: a file read through it is the same file as its path.
    func testStandardInputIsComparedByItsFile() throws {
        let path = NSTemporaryDirectory() + "lstmkit-stdin-\(UUID().uuidString).txt"
        try "x\n".write(toFile: path, atomically: false, encoding: .utf8)
        defer { unlink(path) }
        let saved = dup(0)
        let fd = open(path, O_RDONLY)
        XCTAssertTrue(saved >= 0 && fd >= 0)
        dup2(fd, 0)
        let same = AtomicFile.isSameFile(path, "-"), other = AtomicFile.isSameFile(path + ".other", "-")
        dup2(saved, 0)
        close(fd)
        close(saved)
        XCTAssertTrue(same)
        XCTAssertFalse(other)
    }

    /// Writing through a symbolic link replaces the file it names and keeps the link.
    func testWritingThroughALinkKeepsTheLink() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "old\n".write(toFile: folder + "/real.tsv", atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink("real.tsv", folder + "/link.tsv"), 0)
        try AtomicFile.checkWritable(folder + "/link.tsv")
        try AtomicFile.write("new\n", to: folder + "/link.tsv")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/link.tsv"), "real.tsv")
        XCTAssertEqual(try String(contentsOfFile: folder + "/real.tsv", encoding: .utf8), "new\n")
    }
}

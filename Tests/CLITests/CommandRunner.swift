import Foundation
import XCTest

/// Runs the built `lstmkit` binary through pipes, as a user's shell would.
struct CommandRunner {
    struct Result {
        var status: Int32
        var output: String
        var error: String
        var outputBytes: Data
    }

    /// The binary next to the test bundle (same build folder), which `swift test` builds since
    /// this test target depends on the executable.
    static var binary: String {
        var folder = Bundle.main.bundleURL
        if folder.pathExtension == "xctest" { folder.deleteLastPathComponent() }
        let candidate = folder.appendingPathComponent("lstmkit").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            let path = bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("lstmkit").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        // Fall back on the package's default build folder.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/lstmkit").path
    }

    /// Runs the binary with `arguments`; a non-empty `launcher` (a program and its arguments,
    /// e.g. setpriv to drop root) starts it instead, with the binary and `arguments` appended.
    static func run(_ arguments: [String], input: Data = Data(), directory: String? = nil,
                    launcher: [String] = []) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launcher.first ?? binary)
        process.arguments = launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + [binary] + arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Feed input and drain both outputs concurrently so no pipe fills up and blocks.
        let group = DispatchGroup()
        let errors = Collected()
        DispatchQueue.global().async(group: group) {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        DispatchQueue.global().async(group: group) {
            errors.data = stderr.fileHandleForReading.readDataToEndOfFile()
        }
        let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        group.wait()
        let errorData = errors.data
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                      error: String(decoding: errorData, as: UTF8.self), outputBytes: outputData)
    }

    /// Standard error as read on another thread; `group.wait()` orders the write before the read.
    private final class Collected: @unchecked Sendable {
        var data = Data()
    }

    static func run(_ arguments: [String], stdin text: String, directory: String? = nil,
                    launcher: [String] = []) throws -> Result {
        try run(arguments, input: Data(text.utf8), directory: directory, launcher: launcher)
    }
}

extension XCTestCase {
    /// A failed command: the exit status, a message containing `text`, one line when the status is
    /// 1 (library errors), and never a crash report.
    func assertOneLineError(_ r: CommandRunner.Result, status: Int32, contains text: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, status, r.error, file: file, line: line)
        XCTAssertTrue(r.error.contains(text), r.error, file: file, line: line)
        if status == 1 {
            XCTAssertEqual(r.error.split(separator: "\n").count, 1, r.error, file: file, line: line)
        }
        XCTAssertFalse(r.error.contains("Fatal error") || r.error.contains("Stack dump"), file: file, line: line)
    }

    /// Writes 200 `lines` as a corpus folder: train.txt (the first 160), valid.txt and test.txt
    /// (20 each).
    func writeCorpus(_ lines: [String], to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try lines[0..<160].joined(separator: "\n").write(toFile: folder + "/train.txt", atomically: true, encoding: .utf8)
        try lines[160..<180].joined(separator: "\n").write(toFile: folder + "/valid.txt", atomically: true, encoding: .utf8)
        try lines[180...].joined(separator: "\n").write(toFile: folder + "/test.txt", atomically: true, encoding: .utf8)
    }
}

import Foundation

/// Runs the built `lstmkit` executable, as a user would, and captures what it prints.
///
/// `swift test` builds every product of the package before running tests (SwiftPM 6.3: deleting
/// .build/debug/lstmkit and running `swift test --filter X` links it again), so the binary sits
/// beside the test bundle in the same build folder; that also follows `--scratch-path` and `-c
/// release`. The source-relative .build/debug/lstmkit (from #filePath) is the fallback.
struct LSTMKitProcess {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    struct NotBuilt: Error, CustomStringConvertible {
        var searched: [URL]
        var description: String {
            "the lstmkit executable is not built (looked at \(searched.map(\.path).joined(separator: ", "))): run swift build"
        }
    }

    /// The `lstmkit` binary of this build; throwing (so failing the test) when it is missing.
    static func executable() throws -> URL {
        var candidates: [URL] = []
        if let testBinary = CommandLine.arguments.first {
            let folder = URL(fileURLWithPath: testBinary).resolvingSymlinksInPath().deletingLastPathComponent()
            candidates.append(folder.appendingPathComponent("lstmkit"))
            // On macOS the bundle's executable is three levels down inside the .xctest.
            candidates.append(folder.appendingPathComponent("../../../lstmkit").standardized)
        }
        let packageRoot = URL(fileURLWithPath: "\(#filePath)")
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/lstmkit"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw NotBuilt(searched: candidates)
        }
        return found
    }

    /// Runs `lstmkit arguments...`, feeding `input` to its standard input through a pipe.
    static func run(_ arguments: [String], input: String = "", in folder: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // lstmkit reads all of its input before it prints, so writing first cannot deadlock.
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: out, as: UTF8.self),
            standardError: String(decoding: err, as: UTF8.self))
    }
}

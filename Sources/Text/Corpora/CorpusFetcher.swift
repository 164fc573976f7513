import Foundation
import Support

/// Why a corpus could not be fetched; one sentence naming the file and what to do.
public enum CorpusFetchError: Error, CustomStringConvertible, Equatable {
    case unknownCorpus(name: String, known: [String])
    case notFound(file: String, searched: [String])
    case checksumMismatch(path: String, expected: String, actual: String)
    case downloadFailed(url: String, cause: String)
    case toolMissing(tool: String, purpose: String)
    case unpackFailed(path: String, cause: String)

    public var description: String {
        switch self {
        case let .unknownCorpus(name, known):
            return "unknown corpus \(name); known corpora: \(known.joined(separator: ", "))"
        case let .notFound(file, searched):
            return "\(file) is not in the given folder (looked for \(searched.joined(separator: ", ")))"
        case let .checksumMismatch(path, expected, actual):
            return "\(path) has sha256 \(actual), expected \(expected): the file is damaged or a different version, so it was not installed"
        case let .downloadFailed(url, cause):
            return "cannot download \(url): \(cause)"
        case let .toolMissing(tool, purpose):
            return "\(tool) is needed to \(purpose) but is not installed; install it (e.g. apt-get install \(tool)) or fetch with --from a folder holding the unpacked files"
        case let .unpackFailed(path, cause):
            return "cannot unpack \(path): \(cause)"
        }
    }
}

/// Fetches a corpus into a folder, verifying every file's sha256 before it is installed (a
/// file that does not match is never written). The source is the corpus's canonical address,
/// another base address, or a local folder that holds the files (plain or still packed),
/// directly or in a subfolder named after the corpus.
public struct CorpusFetcher {
    public var spec: CorpusSpec
    /// Folder that receives the files.
    public var destination: String
    /// A local folder or a base URL; nil means the canonical address.
    public var source: String?
    /// Progress messages.
    public var log: (String) -> Void

    public init(spec: CorpusSpec, destination: String, source: String? = nil, log: @escaping (String) -> Void = { _ in }) {
        self.spec = spec
        self.destination = destination
        self.source = source
        self.log = log
    }

    private var sourceIsRemote: Bool {
        guard let source else { return true }
        return source.hasPrefix("http://") || source.hasPrefix("https://") || source.hasPrefix("ftp://")
    }

    /// Fetches every file; returns the paths installed.
    public func fetch() throws -> [String] {
        try ToyCorpora.makeFolder(destination)
        var installed: [String] = []
        for download in spec.downloads {
            installed += try fetch(download)
        }
        return installed
    }

    private func fetch(_ download: CorpusSpec.Download) throws -> [String] {
        let target = destination + "/" + download.localName
        if !sourceIsRemote, let folder = source {
            let candidates = [folder + "/" + spec.folder, folder]
            // An unpacked copy is verified and copied as it is.
            if case .zip = download.packing {} else {
                for base in candidates where FileManager.default.fileExists(atPath: base + "/" + download.localName) {
                    let path = base + "/" + download.localName
                    try Self.copyVerifying(from: path, to: target, sha256: download.sha256)
                    log("verified \(path) → \(target)")
                    return [target]
                }
            }
            for base in candidates where FileManager.default.fileExists(atPath: base + "/" + download.remote) {
                return try unpack(base + "/" + download.remote, download)
            }
            let searched = candidates.flatMap { base in [download.localName, download.remote].map { base + "/" + $0 } }
            throw CorpusFetchError.notFound(file: download.localName, searched: Array(Set(searched)).sorted())
        }
        let url = (source ?? spec.canonicalBase) + "/" + download.remote
        let temporary = try temporaryPath(for: download.remote)
        defer { unlink(temporary) }
        log("downloading \(url)")
        try Self.downloadFile(url, to: temporary)
        return try unpack(temporary, download)
    }

    /// Verifies and installs a fetched (or local) packed file.
    private func unpack(_ path: String, _ download: CorpusSpec.Download) throws -> [String] {
        switch download.packing {
        case .plain:
            try Self.copyVerifying(from: path, to: destination + "/" + download.localName, sha256: download.sha256)
            return [destination + "/" + download.localName]
        case .gzip:
            let unpacked = try temporaryPath(for: download.localName)
            defer { unlink(unpacked) }
            try Self.runTool("gzip", ["-dc", path], output: unpacked, purpose: "unpack \(download.remote)")
            try Self.copyVerifying(from: unpacked, to: destination + "/" + download.localName, sha256: download.sha256)
            log("verified \(download.localName)")
            return [destination + "/" + download.localName]
        case let .zip(members):
            try Self.copyVerifying(from: path, to: nil, sha256: download.sha256)
            log("verified \(download.remote)")
            var installed: [String] = []
            for member in members {
                let unpacked = try temporaryPath(for: member.localName)
                defer { unlink(unpacked) }
                try Self.runTool("unzip", ["-p", path, member.archivePath], output: unpacked, purpose: "unpack \(download.remote)")
                try Self.copyVerifying(from: unpacked, to: destination + "/" + member.localName, sha256: nil)
                installed.append(destination + "/" + member.localName)
            }
            return installed
        }
    }

    private func temporaryPath(for name: String) throws -> String {
        var template = Array("\(destination)/.\(name).part-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw FileWriteError(path: destination + "/." + name, cause: errnoText()) }
        close(fd)
        return String(cString: template)
    }

    /// Streams `source` through SHA-256 into `target` (atomically; nil only checks) and throws
    /// before anything is installed when the digest is not `sha256`.
    public static func copyVerifying(from source: String, to target: String?, sha256 expected: String?) throws {
        let input = open(source, O_RDONLY)
        guard input >= 0 else { throw TextFileError.cannotOpen(path: source, cause: errnoText()) }
        defer { close(input) }
        var hash = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        func pump(_ write: (UnsafeRawBufferPointer) throws -> Void) throws {
            while true {
                let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw TextFileError.readFailed(path: source, cause: errnoText())
                }
                if n == 0 { break }
                try buffer.withUnsafeBufferPointer { bytes in
                    let chunk = UnsafeBufferPointer(rebasing: bytes[0..<n])
                    hash.update(chunk)
                    try write(UnsafeRawBufferPointer(chunk))
                }
            }
            let actual = hash.finalizeHex()
            if let expected, actual != expected {
                throw CorpusFetchError.checksumMismatch(path: source, expected: expected, actual: actual)
            }
        }
        if let target {
            try AtomicFile.write(to: target) { fd in
                try pump { try AtomicFile.writeAll(fd, $0, path: target) }
            }
        } else {
            try pump { _ in }
        }
    }

    static func downloadFile(_ url: String, to path: String) throws {
        do {
            try runTool("curl", ["-fsSL", "--retry", "2", "-o", path, url], output: nil, purpose: "download \(url)")
        } catch CorpusFetchError.toolMissing {
            try runTool("wget", ["-q", "-O", path, url], output: nil, purpose: "download \(url)")
        } catch CorpusFetchError.unpackFailed(_, let cause) {
            throw CorpusFetchError.downloadFailed(url: url, cause: cause)
        }
    }

    /// Runs a system tool found on PATH, its standard output going to `output` if given.
    static func runTool(_ tool: String, _ arguments: [String], output: String?, purpose: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let errors = Pipe()
        process.standardError = errors
        var outputHandle: FileHandle?
        if let output {
            guard let handle = FileHandle(forWritingAtPath: output) else {
                throw FileWriteError(path: output, cause: errnoText())
            }
            outputHandle = handle
            process.standardOutput = handle
        }
        defer { try? outputHandle?.close() }
        do {
            try process.run()
        } catch {
            throw CorpusFetchError.toolMissing(tool: tool, purpose: purpose)
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // env exits with 127 when the tool is not on PATH.
        if process.terminationStatus == 127 { throw CorpusFetchError.toolMissing(tool: tool, purpose: purpose) }
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)
            throw CorpusFetchError.unpackFailed(
                path: arguments.last ?? tool, cause: text ?? "\(tool) exited with status \(process.terminationStatus)")
        }
    }
}

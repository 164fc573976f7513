#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Support

/// Why a file of segments could not be read; each description is one sentence naming the file.
public enum SegmentFileError: Error, CustomStringConvertible, Equatable, Sendable {
    case cannotRead(path: String, cause: String)
    case invalidUTF8(path: String, line: Int, byteOffset: Int)
    case empty(path: String)
    case lineCountMismatch(hypothesisPath: String, hypotheses: Int, referencePath: String, references: Int)

    public var description: String {
        switch self {
        case let .cannotRead(path, cause):
            return "cannot read \(path): \(cause)"
        case let .invalidUTF8(path, line, offset):
            return "\(path) is not valid UTF-8: line \(line), byte offset \(offset)"
        case let .empty(path):
            return "\(path) has no lines: there is nothing to score"
        case let .lineCountMismatch(hypPath, hyps, refPath, refs):
            return "\(hypPath) has \(hyps) lines but \(refPath) has \(refs): "
                + "hypotheses and references must be line-aligned"
        }
    }
}

/// Files of segments (detokenized sentences, one per line) read as sacreBLEU's command line
/// reads them: strict UTF-8, lines split at "\n" only (a final "\n" ends the last line rather
/// than starting an empty one), each line right-stripped of Python whitespace (so "\r\n" endings
/// and trailing blanks do not count).
public enum SegmentFile {
    /// The path that names standard input.
    public static let standardInput = "-"

    /// The lines of `path` (`-` reads standard input).
    public static func readLines(path: String) throws(SegmentFileError) -> [String] {
        let bytes = try contents(of: path)
        let name = displayName(path)
        try validateUTF8(bytes, name: name)
        var lines: [String] = []
        var start = 0
        for i in bytes.indices where bytes[i] == 0x0A {
            lines.append(line(bytes[start..<i]))
            start = i + 1
        }
        if start < bytes.count { lines.append(line(bytes[start...])) }
        return lines
    }

    /// Hypotheses and the reference streams for them, checked to be non-empty and line-aligned.
    public static func readAligned(hypotheses hypothesisPath: String, references referencePaths: [String])
        throws(SegmentFileError) -> (hypotheses: [String], references: [[String]])
    {
        let hypotheses = try readLines(path: hypothesisPath)
        guard !hypotheses.isEmpty else { throw .empty(path: displayName(hypothesisPath)) }
        var references: [[String]] = []
        for path in referencePaths {
            let stream = try readLines(path: path)
            guard stream.count == hypotheses.count else {
                throw .lineCountMismatch(
                    hypothesisPath: displayName(hypothesisPath), hypotheses: hypotheses.count,
                    referencePath: displayName(path), references: stream.count)
            }
            references.append(stream)
        }
        return (hypotheses, references)
    }

    static func displayName(_ path: String) -> String {
        path == standardInput ? "standard input" : path
    }

    private static func line(_ bytes: ArraySlice<UInt8>) -> String {
        PythonText.rstrip(String(decoding: bytes, as: UTF8.self))
    }

    /// Python's strict decoder and Swift's parser reject the same sequences: overlong forms,
    /// surrogates, code points past U+10FFFF, truncated sequences.
    private static func validateUTF8(_ bytes: [UInt8], name: String) throws(SegmentFileError) {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                offset += encoded.count
            case .emptyInput:
                return
            case .error:
                let line = 1 + bytes[..<offset].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                throw .invalidUTF8(path: name, line: line, byteOffset: offset)
            }
        }
    }

    private static func contents(of path: String) throws(SegmentFileError) -> [UInt8] {
        let name = displayName(path)
        let fd = path == standardInput ? STDIN_FILENO : open(path, O_RDONLY)
        guard fd >= 0 else {
            throw .cannotRead(path: name, cause: errno == ENOENT ? "no such file" : errnoText())
        }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw .cannotRead(path: name, cause: "it is a folder")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: name, cause: errnoText())
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[..<n])
        }
        return bytes
    }
}

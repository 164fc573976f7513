#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Support

/// Reads a text file line by line in fixed-size chunks, so memory stays flat however large the
/// file is (it grows only to hold the longest line).
///
/// Every line is checked: invalid UTF-8 is an error naming the file, line and byte offset
/// (or, in lossy mode, each maximal invalid subsequence becomes U+FFFD, the Unicode-recommended
/// practice); a NUL byte means the file is binary and is always an error. A UTF-8 byte order mark
/// at the start of the file is skipped; a line ends at LF, and a CR just before it is dropped, so
/// CRLF files read the same as LF files. The last line needs no line end.
public final class LineReader {
    /// The name used in errors (the path, or `<stdin>`).
    public let path: String
    /// Replace invalid UTF-8 by U+FFFD instead of failing.
    public let lossy: Bool
    /// The number of the line last returned (1-based; 0 before the first).
    public private(set) var lineNumber = 0
    /// Lines longer than this many bytes are an error, which keeps every offset in range of the
    /// 32-bit lengths ICU works with.
    public static let maximumLineLength = 1 << 30

    private let fd: Int32
    private let ownsDescriptor: Bool
    private let chunkSize: Int
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Unread bytes are buffer[start..<end]; buffer[start..<scanned] is known to hold no LF.
    private var start = 0
    private var end = 0
    private var scanned = 0
    /// File offset of buffer[0].
    private var bufferOffset = 0
    private var atEndOfFile = false
    /// Lossy mode's repaired copy of the current line.
    private var repaired: UnsafeMutablePointer<UInt8>?
    private var repairedCapacity = 0

    /// Opens `path` for reading.
    /// - Parameter chunkSize: bytes per read; small values exist for tests of chunk boundaries.
    public convenience init(path: String, lossy: Bool = false, chunkSize: Int = 1 << 20) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw TextFileError.cannotOpen(path: path, cause: errnoText()) }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw TextFileError.isDirectory(path: path)
        }
        self.init(fileDescriptor: fd, name: path, lossy: lossy, chunkSize: chunkSize, owns: true)
    }

    /// Reads from an open descriptor (e.g. 0 for standard input), which stays open afterwards.
    public convenience init(fileDescriptor: Int32, name: String, lossy: Bool = false, chunkSize: Int = 1 << 20) {
        self.init(fileDescriptor: fileDescriptor, name: name, lossy: lossy, chunkSize: chunkSize, owns: false)
    }

    private init(fileDescriptor: Int32, name: String, lossy: Bool, chunkSize: Int, owns: Bool) {
        self.fd = fileDescriptor
        self.path = name
        self.lossy = lossy
        self.ownsDescriptor = owns
        self.chunkSize = max(1, chunkSize)
        self.capacity = max(1, chunkSize)
        self.buffer = .allocate(capacity: capacity)
    }

    deinit {
        buffer.deallocate()
        repaired?.deallocate()
        if ownsDescriptor { close(fd) }
    }

    /// The next line without its line end, as valid UTF-8 bytes that stay valid only until the
    /// next call; nil at the end of the file.
    public func nextLine() throws -> UnsafeBufferPointer<UInt8>? {
        while true {
            if scanned < end, let found = memchr(buffer + scanned, 0x0A, end - scanned) {
                let newline = buffer.distance(to: found.assumingMemoryBound(to: UInt8.self))
                let lineStart = start
                start = newline + 1
                scanned = start
                return try finish(from: lineStart, to: newline)
            }
            scanned = end
            if atEndOfFile {
                guard start < end else { return nil }
                let lineStart = start
                start = end
                return try finish(from: lineStart, to: end)
            }
            try fill()
        }
    }

    /// The next line as a String (see `nextLine()`).
    public func readLine() throws -> String? {
        guard let bytes = try nextLine() else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Calls `body` with every remaining line's bytes (valid only during the call).
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        while let line = try nextLine() {
            try body(line)
        }
    }

    /// Reads more bytes behind `end`, first moving the unread part to the front and growing the
    /// buffer when one line fills it.
    private func fill() throws {
        if start > 0 {
            let unread = end - start
            if unread > 0 { buffer.update(from: buffer + start, count: unread) }
            bufferOffset += start
            scanned -= start
            end = unread
            start = 0
        }
        if capacity - end < chunkSize {
            if end >= Self.maximumLineLength {
                throw TextFileError.lineTooLong(path: path, line: lineNumber + 1, limit: Self.maximumLineLength)
            }
            let grown = max(capacity * 2, end + chunkSize)
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            bigger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = bigger
            capacity = grown
        }
        while true {
            let n = read(fd, buffer + end, min(chunkSize, capacity - end))
            if n > 0 {
                end += n
                return
            }
            if n == 0 {
                atEndOfFile = true
                return
            }
            if errno == EINTR { continue }
            let cause = errno == EISDIR ? "it is a directory" : errnoText()
            throw TextFileError.readFailed(path: path, cause: cause)
        }
    }

    /// Turns buffer[from..<to] (a line without its LF) into the line handed out: drops a BOM and
    /// a trailing CR, then validates (or repairs) the UTF-8.
    private func finish(from: Int, to: Int) throws -> UnsafeBufferPointer<UInt8> {
        lineNumber += 1
        var first = from
        var last = to
        if bufferOffset + first == 0, last - first >= 3,
           buffer[first] == 0xEF, buffer[first + 1] == 0xBB, buffer[first + 2] == 0xBF {
            first += 3
        }
        if last > first, buffer[last - 1] == 0x0D { last -= 1 }
        if last - first > Self.maximumLineLength {
            throw TextFileError.lineTooLong(path: path, line: lineNumber, limit: Self.maximumLineLength)
        }
        let line = UnsafeBufferPointer(start: buffer + first, count: last - first)
        switch UTF8Check.firstProblem(in: line) {
        case .none:
            return line
        case let .nul(at):
            throw TextFileError.binary(path: path, line: lineNumber, byteOffset: bufferOffset + first + at)
        case let .invalid(at):
            guard lossy else {
                throw TextFileError.invalidUTF8(path: path, line: lineNumber, byteOffset: bufferOffset + first + at)
            }
            // Each replaced byte grows to at most the 3 bytes of U+FFFD.
            let needed = 3 * line.count
            if repairedCapacity < needed {
                repaired?.deallocate()
                repaired = .allocate(capacity: needed)
                repairedCapacity = needed
            }
            let output = UnsafeMutableBufferPointer(start: repaired, count: repairedCapacity)
            switch UTF8Check.repair(line, from: at, into: output) {
            case let .nul(at):
                throw TextFileError.binary(path: path, line: lineNumber, byteOffset: bufferOffset + first + at)
            case let .repaired(count):
                return UnsafeBufferPointer(start: repaired, count: count)
            }
        }
    }
}

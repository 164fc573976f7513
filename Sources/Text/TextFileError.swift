/// Why a text file could not be read. Each description is one sentence naming the file and,
/// where it applies, the line (1-based) and the byte offset from the start of the file (0-based).
public enum TextFileError: Error, CustomStringConvertible, Equatable, Sendable {
    case cannotOpen(path: String, cause: String)
    case isDirectory(path: String)
    case readFailed(path: String, cause: String)
    case invalidUTF8(path: String, line: Int, byteOffset: Int)
    case binary(path: String, line: Int, byteOffset: Int)
    case lineTooLong(path: String, line: Int, limit: Int)

    public var description: String {
        switch self {
        case let .cannotOpen(path, cause):
            return "cannot open \(path): \(cause)"
        case let .isDirectory(path):
            return "\(path) is a directory, not a text file"
        case let .readFailed(path, cause):
            return "cannot read \(path): \(cause)"
        case let .invalidUTF8(path, line, offset):
            return "\(path) is not valid UTF-8 at line \(line), byte offset \(offset); "
                + "convert it to UTF-8 or read it in lossy mode (--lossy) to replace bad bytes with U+FFFD"
        case let .binary(path, line, offset):
            return "\(path) looks like a binary file (NUL byte at line \(line), byte offset \(offset)), not text"
        case let .lineTooLong(path, line, limit):
            return "line \(line) of \(path) is longer than \(limit) bytes, the most one line may hold"
        }
    }
}

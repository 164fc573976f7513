/// Where the REPL's lines come from: the terminal line editor, plain standard input, or a test's
/// scripted lines.
public protocol LineSource: AnyObject {
    /// True on a terminal: the REPL then shows a banner and a prompt.
    var isInteractive: Bool { get }

    /// The next line without its line terminator.
    func readLine(prompt: String) -> LineInput

    /// True if Ctrl-C was pressed since the last call (long commands poll it to stop early).
    func takeInterrupt() -> Bool

    /// Sets what Tab completes; sources without editing ignore it.
    func setCompleter(_ completer: @escaping (String) -> Completion)
}

extension LineSource {
    public func takeInterrupt() -> Bool { false }
    public func setCompleter(_ completer: @escaping (String) -> Completion) {}
}

/// What reading a line gave.
public enum LineInput: Equatable, Sendable {
    case line(String)
    /// Ctrl-D on an empty line, or the end of piped input.
    case endOfInput
    /// Ctrl-C at the prompt.
    case interrupted
}

/// What Tab does for the text before the cursor.
public struct Completion: Equatable, Sendable {
    /// Inserted at the cursor.
    public var insert: String
    /// Shown below the line when the word is ambiguous.
    public var listing: String

    public init(insert: String = "", listing: String = "") {
        self.insert = insert
        self.listing = listing
    }
}

import CEditLine
import Foundation
import Tensor

/// Reads the REPL's lines: with libedit's line editing, history (Up arrow, Ctrl-R) and Tab
/// completion when standard input is a terminal, and plainly, without prompt or decoration,
/// when it is not (a pipe, a file), so scripts and tests can drive the REPL.
///
/// On a terminal, Ctrl-D on an empty line ends the input and Ctrl-C at the prompt reports
/// `.interrupted` (the REPL leaves on both). While a command runs, Ctrl-C is only recorded, for
/// `takeInterrupt()`: a long generation stops and the prompt comes back.
public final class LineEditor: LineSource {
    public enum Mode: Equatable, Sendable {
        /// libedit on the terminal.
        case editing
        /// Plain lines from standard input.
        case plain
    }

    public let mode: Mode
    public var isInteractive: Bool { mode == .editing }

    private var editor: OpaquePointer?
    private let history: CommandHistory?
    private let warn: (String) -> Void
    private var historyWarned = false
    private var completer: CompleterBox?

    /// - Parameters:
    ///   - program: the name libedit looks up in ~/.editrc.
    ///   - history: where entered lines are kept across sessions (only when editing).
    ///   - warn: told once, in one line, if the history cannot be saved.
    public init(program: String = "lstmkit", history: CommandHistory?, warn: @escaping (String) -> Void) {
        self.history = history
        self.warn = warn
        // The editor draws on standard output, or on standard error when only that is a
        // terminal (`lstmkit repl > log` still edits on the screen).
        let drawOn = isatty(STDOUT_FILENO) == 1 ? STDOUT_FILENO : STDERR_FILENO
        if isatty(STDIN_FILENO) == 1, isatty(drawOn) == 1,
           let opened = cedit_open(program, STDIN_FILENO, drawOn, Int32(history?.limit ?? 1000)) {
            editor = opened
            mode = .editing
            for entry in history?.entries ?? [] { cedit_add_history(opened, entry) }
            SignalShield.prepare(for: SIGINT)
            cedit_interrupt_install()
        } else {
            mode = .plain
        }
    }

    deinit {
        close()
    }

    /// Restores the terminal and the default Ctrl-C action; later reads are plain.
    public func close() {
        guard let editor else { return }
        cedit_close(editor)
        cedit_interrupt_uninstall()
        self.editor = nil
    }

    public func readLine(prompt: String) -> LineInput {
        guard let editor else {
            guard var line = Swift.readLine(strippingNewline: true) else { return .endOfInput }
            if line.hasSuffix("\r") { line.removeLast() }
            return .line(line)
        }
        cedit_set_prompt(editor, prompt)
        var bytes: UnsafePointer<CChar>?
        let count = cedit_read_line(editor, &bytes)
        switch count {
        case CEDIT_INTERRUPTED.rawValue: return .interrupted
        case ..<0: return .endOfInput
        default: break
        }
        guard let bytes else { return .endOfInput }
        let line = bytes.withMemoryRebound(to: UInt8.self, capacity: Int(count)) {
            String(decoding: UnsafeBufferPointer(start: $0, count: Int(count)), as: UTF8.self)
        }
        remember(line)
        return .line(line)
    }

    public func takeInterrupt() -> Bool {
        editor != nil && cedit_interrupt_take() != 0
    }

    public func setCompleter(_ complete: @escaping (String) -> Completion) {
        guard let editor else { return }
        let box = CompleterBox(complete)
        completer = box
        cedit_set_completer(editor, completeThroughBox, Unmanaged.passUnretained(box).toOpaque())
    }

    private func remember(_ line: String) {
        guard let editor, !line.allSatisfy(\.isWhitespace) else { return }
        cedit_add_history(editor, line)
        do {
            try history?.add(line)
        } catch {
            if !historyWarned { warn("history not saved: \(error)") }
            historyWarned = true
        }
    }
}

/// Holds the Swift completer for the C callback, which gets it back through its context pointer.
private final class CompleterBox {
    let complete: (String) -> Completion
    init(_ complete: @escaping (String) -> Completion) { self.complete = complete }
}

private let completeThroughBox: cedit_completer = { context, before, insert, listing in
    guard let context, let before else { return }
    let box = Unmanaged<CompleterBox>.fromOpaque(context).takeUnretainedValue()
    let completion = box.complete(String(cString: before))
    if !completion.insert.isEmpty { insert?.pointee = strdup(completion.insert) }
    if !completion.listing.isEmpty { listing?.pointee = strdup(completion.listing) }
}

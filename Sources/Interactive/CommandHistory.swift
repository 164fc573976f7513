import Foundation
import Support

/// The REPL's history file: UTF-8, one entry per line, oldest first, at most `limit` entries.
///
/// Each new entry is saved at once, so a killed session loses nothing, and saving re-reads the
/// file first and appends to what is there, so two sessions running side by side keep both
/// their lines (interleaved) instead of the last to exit overwriting the other. Writes go
/// through `AtomicFile` (a reader never sees half a file) with permissions 0600, as shells keep
/// their histories.
public final class CommandHistory {
    /// The file, or nil to keep history in memory only.
    public let path: String?
    /// Entries kept, in memory and in the file.
    public let limit: Int
    /// The entries loaded at start plus those added since, oldest first.
    public private(set) var entries: [String]

    public init(path: String?, limit: Int = 1000) {
        // Write through a symbolic link (a history kept in a dotfiles folder) rather than
        // replacing the link with a file.
        self.path = path.map(Self.followingLinks)
        self.limit = max(1, limit)
        entries = []
        if let file = self.path { entries = Self.read(file, limit: self.limit) }
    }

    /// `$LSTMKIT_HISTORY` when set (empty turns the file off), else `~/.lstmkit_history`; nil
    /// when there is no home folder.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let chosen = environment["LSTMKIT_HISTORY"] { return chosen.isEmpty ? nil : chosen }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return (home.hasSuffix("/") ? home : home + "/") + ".lstmkit_history"
    }

    /// Records `line` (blank lines and a repeat of the previous entry are skipped) and saves it.
    /// - Returns: false when the line was skipped.
    /// - Throws: `FileWriteError` when the file cannot be written; the entry stays in memory.
    @discardableResult
    public func add(_ line: String) throws -> Bool {
        // A line never holds a newline when it comes from the editor; keep the file one per line.
        // Trailing spaces (Tab completion leaves one) would make equal lines differ.
        let entry = line.replacingOccurrences(of: "\n", with: " ").trimmingTrailingWhitespace()
        guard !entry.allSatisfy(\.isWhitespace), entry != entries.last else { return false }
        entries.append(entry)
        if entries.count > limit { entries.removeFirst(entries.count - limit) }
        guard let file = path else { return true }
        var saved = Self.read(file, limit: limit)
        if saved.last != entry { saved.append(entry) }
        if saved.count > limit { saved.removeFirst(saved.count - limit) }
        try AtomicFile.write(saved.map { $0 + "\n" }.joined(), to: file, permissions: 0o600)
        return true
    }

    /// Where a chain of symbolic links ends, even when the file there does not exist yet.
    static func followingLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<16 {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { break }
            current = target.hasPrefix("/") ? target : (current as NSString).deletingLastPathComponent + "/" + target
        }
        return current
    }

    /// The last `limit` entries of `file`; none when it is missing or unreadable (a history is
    /// a convenience: it never stops the REPL). Bytes that are not UTF-8 become U+FFFD.
    static func read(_ file: String, limit: Int) -> [String] {
        guard let data = FileManager.default.contents(atPath: file) else { return [] }
        let lines = String(decoding: data, as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: true)
            .map(String.init)
        return Array(lines.suffix(limit))
    }
}

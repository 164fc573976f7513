#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be written; the description is one sentence naming the file.
public struct FileWriteError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var cause: String
    public init(path: String, cause: String) {
        self.path = path
        self.cause = cause
    }
    public var description: String { "cannot write \(path): \(cause)" }
}

/// An output that names one of the command's inputs, refused before anything is written.
public struct OutputOverInputError: Error, CustomStringConvertible, Equatable {
    public var flag: String
    public var path: String
    public var input: String
    public var what: String
    public var description: String {
        "\(flag) \(path) is the \(input) file itself; writing \(what) would replace it, choose another file"
    }
}

/// Writes files so that a reader (or a crash) sees either the old content or the new, never a
/// mix: the bytes go to a temporary file beside the target, are flushed with `fsync`, and the
/// temporary file is renamed over the target; then the folder itself is synced so the rename
/// survives a power loss.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically, with `permissions` less the umask.
    public static func write(_ bytes: [UInt8], to path: String, permissions: mode_t = 0o644) throws {
        try write(to: path, permissions: permissions) { fd in
            try bytes.withUnsafeBytes { try writeAll(fd, $0, path: path) }
        }
    }

    /// Writes a UTF-8 string to `path` atomically, with `permissions` less the umask.
    public static func write(_ text: String, to path: String, permissions: mode_t = 0o644) throws {
        try write(Array(text.utf8), to: path, permissions: permissions)
    }

    /// Creates a temporary file beside `path`, lets `body` fill it through the descriptor (use
    /// `writeAll`), then syncs and renames it over `path`. On any error the temporary file is
    /// removed and `path` is untouched. The file gets `permissions` less the umask (private
    /// files such as a command history pass 0o600).
    public static func write(to named: String, permissions: mode_t = 0o644, _ body: (Int32) throws -> Void) throws {
        let path = linkTarget(named)
        try refuseSpecialFile(path)
        let folder = parentFolder(of: path)
        let (fd, temporary) = try makeTemporary(beside: path)
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            try body(fd)
            guard fsync(fd) == 0 else { throw FileWriteError(path: path, cause: errnoText()) }
            // mkstemp creates 0600; published files get the usual 0644 (less the umask).
            let mask = umask(0)
            umask(mask)
            fchmod(fd, permissions & ~mask)
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw FileWriteError(path: path, cause: errnoText()) }
        guard rename(temporary, path) == 0 else { throw FileWriteError(path: path, cause: errnoText()) }
        renamed = true
        let dirFD = open(folder, O_RDONLY)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    /// Throws the error `write` would throw for `path` because of where it is (a missing or
    /// unwritable folder, a folder or a device in its place), without touching `path`: a command
    /// that writes its result only after a long computation calls it first, so a mistyped path
    /// costs nothing.
    public static func checkWritable(_ named: String) throws {
        let path = linkTarget(named)
        try refuseSpecialFile(path)
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw FileWriteError(path: path, cause: String(cString: strerror(EISDIR)))
        }
        let (fd, temporary) = try makeTemporary(beside: path)
        close(fd)
        unlink(temporary)
    }

    /// The file a symbolic link names, so that writing through a link replaces its target and
    /// keeps the link (as editing through it would); `path` itself when it is no link or the
    /// link leads nowhere (a dangling link is then replaced by the file).
    static func linkTarget(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK, let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Creates `.<name>.tmp-XXXXXX` (mode 0600) in the folder of `path`: its descriptor and path.
    static func makeTemporary(beside path: String) throws -> (fd: Int32, path: String) {
        var template = Array("\(parentFolder(of: path))/.\(baseName(of: path)).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw FileWriteError(path: path, cause: errnoText()) }
        return (fd, String(cString: template))
    }

    /// Checks, before a command's work, the file it will write at the end: refused when it is
    /// one of the command's inputs (`inputs`: what the message calls each, and its path, "-" for
    /// standard input) or cannot be written there (`checkWritable`). `flag` and `what` name the
    /// output in the message ("-o", "the items").
    public static func checkOutput(_ path: String, flag: String, what: String, inputs: [(name: String, path: String?)]) throws {
        for input in inputs {
            guard let other = input.path, isSameFile(path, other) else { continue }
            throw OutputOverInputError(flag: flag, path: path, input: input.name, what: what)
        }
        try checkWritable(path)
    }

    /// Whether `a` and `b` name the same existing file (through links or different spellings);
    /// "-" names standard input (`--ranks items.tsv - < items.tsv` is caught too).
    public static func isSameFile(_ a: String, _ b: String) -> Bool {
        func info(_ path: String) -> stat? {
            var s = stat()
            return (path == "-" ? fstat(0, &s) : stat(path, &s)) == 0 ? s : nil
        }
        guard let x = info(a), let y = info(b) else { return false }
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    /// Renaming over a device (/dev/null), a FIFO or a socket would replace that node with a
    /// plain file (as root, /dev/null itself), so such a target is refused.
    static func refuseSpecialFile(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG || type == S_IFDIR else {
            throw FileWriteError(path: path, cause: "it is a device, pipe or socket, not a regular file")
        }
    }

    /// Removes the temporary files that `write` leaves in `folder` when the process is killed
    /// mid-write (SIGKILL, power loss): `.<name>.tmp-XXXXXX`, never read by anyone. Call it only
    /// where no other process is writing, e.g. when a run resumes. Returns how many it removed.
    @discardableResult
    public static func removeLeftovers(in folder: String) -> Int {
        guard let directory = opendir(folder) else { return 0 }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if isLeftover(name) { names.append(name) }
        }
        closedir(directory)
        return names.filter { unlink(folder + "/" + $0) == 0 }.count
    }

    /// Whether `name` has the shape of a temporary file made by `write`.
    static func isLeftover(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        // "." + at least one character + ".tmp-" + six characters from mkstemp.
        guard bytes.count >= 13, bytes[0] == UInt8(ascii: ".") else { return false }
        return bytes[(bytes.count - 11)..<(bytes.count - 6)].elementsEqual(".tmp-".utf8)
    }

    /// Writes every byte of `buffer` to `fd`, retrying short writes and EINTR.
    public static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < buffer.count {
            let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileWriteError(path: path, cause: errnoText())
            }
            offset += n
        }
    }

    static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

/// The C library's message for the current `errno`, e.g. "No space left on device".
public func errnoText() -> String {
    String(cString: strerror(errno))
}

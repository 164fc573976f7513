/// Buffered writes to a file descriptor (standard output by default): `print` per line costs a
/// lock and a write call each, which dominates when a command prints millions of tokens.
public final class BufferedOutput {
    private let fd: Int32
    private let name: String
    private var buffer: [UInt8] = []
    private let limit: Int

    public init(fileDescriptor: Int32 = 1, name: String = "<stdout>", capacity: Int = 1 << 16) {
        self.fd = fileDescriptor
        self.name = name
        self.limit = capacity
        buffer.reserveCapacity(capacity)
    }

    deinit {
        try? flush()
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= limit { try flush() }
    }

    public func write(byte: UInt8) throws {
        buffer.append(byte)
        if buffer.count >= limit { try flush() }
    }

    /// Writes `text` and a line end.
    public func writeLine(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count >= limit { try flush() }
    }

    /// Writes `tokens` separated by single spaces, and a line end.
    public func writeLine(joining tokens: [String]) throws {
        // Appending to a local array avoids an exclusivity check per append on the property.
        var local: [UInt8] = []
        swap(&local, &buffer)
        for (i, token) in tokens.enumerated() {
            if i > 0 { local.append(0x20) }
            local.append(contentsOf: token.utf8)
        }
        local.append(0x0A)
        swap(&local, &buffer)
        if buffer.count >= limit { try flush() }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try AtomicFile.writeAll(fd, $0, path: name) }
        buffer.removeAll(keepingCapacity: true)
    }
}

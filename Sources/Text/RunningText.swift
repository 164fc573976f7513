/// Gathers the lines of running text into paragraphs and hands out their sentences, so a
/// sentence that wraps over several lines comes out whole. A blank line ends a paragraph. Lines
/// are joined with a space (ICU treats a line end as a hard sentence break). Memory stays
/// bounded: once a paragraph passes `flushThreshold` bytes, every sentence but the last (which
/// may still continue) is handed out.
public final class RunningText {
    private let splitter: SentenceSplitter
    private let flushThreshold: Int
    private var paragraph: [UInt8] = []
    private var pending: [String] = []
    /// Paragraph size at which to split next; it moves up after a split that handed out
    /// nothing, so a paragraph without sentence ends is not re-split on every line.
    private var nextSplit: Int

    public init(locale: String = "en", flushThreshold: Int = 1 << 16) throws {
        splitter = try SentenceSplitter(locale: locale)
        self.flushThreshold = flushThreshold
        nextSplit = flushThreshold
    }

    /// Adds one line (UTF-8, without its line end); `body` receives the sentences completed.
    public func append(line: UnsafeBufferPointer<UInt8>, _ body: (String) throws -> Void) throws {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            try finish(body)
            return
        }
        if !paragraph.isEmpty { paragraph.append(0x20) }
        paragraph.append(contentsOf: line)
        // A paragraph with no sentence end at all is handed out whole past the line limit,
        // which keeps it within ICU's 32-bit lengths.
        if paragraph.count >= LineReader.maximumLineLength {
            try finish(body)
            return
        }
        guard paragraph.count >= nextSplit else { return }
        pending.removeAll(keepingCapacity: true)
        try paragraph.withUnsafeBufferPointer { bytes in
            try splitter.forEachSentence(utf8: bytes) { pending.append($0) }
        }
        guard let last = pending.popLast() else {
            paragraph.removeAll(keepingCapacity: true)
            nextSplit = flushThreshold
            return
        }
        for sentence in pending { try body(sentence) }
        paragraph = Array(last.utf8)
        nextSplit = paragraph.count + flushThreshold
    }

    /// Ends the current paragraph, handing out all its sentences.
    public func finish(_ body: (String) throws -> Void) throws {
        guard !paragraph.isEmpty else { return }
        try paragraph.withUnsafeBufferPointer { bytes in
            try splitter.forEachSentence(utf8: bytes, body)
        }
        paragraph.removeAll(keepingCapacity: true)
        nextSplit = flushThreshold
    }
}

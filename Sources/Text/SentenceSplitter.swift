import CICU

/// Cuts running text into sentences with ICU's sentence break rules (UAX #29), for text that is
/// not one sentence per line. Sentences come back with surrounding white space trimmed and
/// otherwise unchanged (normalization is the tokenizer's job).
///
/// Holds an ICU iterator and a buffer: use one per thread.
public final class SentenceSplitter {
    public let locale: String
    private let sentences: OpaquePointer
    private var units = UnitBuffer()

    public init(locale: String = "en") throws {
        self.locale = locale
        var error: Int32 = 0
        guard let iterator = cicu_break_open(Int32(CICU_BREAK_SENTENCE.rawValue), locale, &error) else {
            throw TokenizerError(
                operation: "opening the sentence break iterator for locale \(locale)",
                icuError: String(cString: cicu_error_name(error)))
        }
        sentences = iterator
    }

    deinit {
        cicu_break_close(sentences)
        units.free()
    }

    /// The sentences of `text`, empty ones dropped.
    public func split(_ text: String) throws -> [String] {
        var result: [String] = []
        var text = text
        try text.withUTF8 { bytes in
            try forEachSentence(utf8: bytes) { result.append($0) }
        }
        return result
    }

    /// Calls `body` with each sentence of the UTF-8 text, in order.
    public func forEachSentence(utf8 text: UnsafeBufferPointer<UInt8>, _ body: (String) throws -> Void) throws {
        let ascii = units.setUTF8(text)
        let base = units.base
        var error: Int32 = 0
        cicu_break_set_text(sentences, base, Int32(clamping: units.count), &error)
        guard error <= 0 else {
            throw TokenizerError(operation: "segmenting text into sentences", icuError: String(cString: cicu_error_name(error)))
        }
        var previous = 0
        while true {
            let next = Int(cicu_break_next(sentences))
            if next < 0 { break }
            var start = previous
            var end = next
            while start < end && CharacterClass.isWhiteSpace(base[start]) { start += 1 }
            while end > start && CharacterClass.isWhiteSpace(base[end - 1]) { end -= 1 }
            if end > start {
                try body(makeString(base + start, end - start, knownASCII: ascii))
            }
            previous = next
        }
    }
}

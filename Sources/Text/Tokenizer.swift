import CICU

/// Turns lines of text into tokens, as `TokenizerOptions` say.
///
/// Each line is transcoded to UTF-16 once, normalized and case-folded as a whole (ICU; much
/// faster than per token), then cut by ICU's word break iterator (or at white space), and each
/// piece classified from ICU's rule status. Pure-ASCII lines skip ICU normalization entirely,
/// since NFC, NFKC and case folding of ASCII are identity or plain lowercasing.
///
/// A tokenizer holds an ICU iterator and buffers: use one per thread.
public final class Tokenizer {
    public let options: TokenizerOptions

    private let words: OpaquePointer
    private var source = UnitBuffer()
    private var normalized = UnitBuffer()
    private var folded = UnitBuffer()
    /// Protected tokens as UTF-16, longest first so "<unknown>" would win over "<unk>".
    private let protected: [[UInt16]]
    private let protectedFirstUnits: [UInt16]
    private let elisionPrefixes: Set<String>
    /// Segment plain Latin text without ICU where that gives ICU's answer (see `LatinWords`);
    /// tests turn it off to compare the two.
    var usesFastPath = true

    public init(options: TokenizerOptions = TokenizerOptions()) throws {
        self.options = options
        var error: Int32 = 0
        guard let iterator = cicu_break_open(Int32(CICU_BREAK_WORD.rawValue), options.locale, &error) else {
            throw TokenizerError(
                operation: "opening the word break iterator for locale \(options.locale)",
                icuError: String(cString: cicu_error_name(error)))
        }
        words = iterator
        protected = options.protectedTokens.filter { !$0.isEmpty }.map { Array($0.utf16) }
            .sorted { $0.count > $1.count }
        protectedFirstUnits = Array(Set(protected.map { $0[0] })).sorted()
        elisionPrefixes = options.effectiveSplitsElision ? Elision.prefixes(forLanguage: options.language) : []
    }

    deinit {
        cicu_break_close(words)
        source.free()
        normalized.free()
        folded.free()
    }

    /// The tokens of `text` (one line, or any text: line ends are white space too).
    public func tokenize(_ text: String) throws -> [String] {
        var result: [String] = []
        var text = text
        try text.withUTF8 { try tokenize(utf8: $0, into: &result) }
        return result
    }

    /// The tokens of `text` with their classes.
    public func tokens(in text: String) throws -> [Token] {
        var result: [Token] = []
        var text = text
        try text.withUTF8 { bytes in
            try forEachToken(utf8: bytes) { result.append(Token($0, $1)) }
        }
        return result
    }

    /// Replaces the content of `tokens` by the tokens of one UTF-8 line (reusing its storage).
    public func tokenize(utf8 line: UnsafeBufferPointer<UInt8>, into tokens: inout [String]) throws {
        tokens.removeAll(keepingCapacity: true)
        try forEachToken(utf8: line) { text, _ in tokens.append(text) }
    }

    /// Calls `body` with each token of one UTF-8 line and its class, in order. Punctuation is
    /// already dropped and numbers replaced when the options say so.
    public func forEachToken(
        utf8 line: UnsafeBufferPointer<UInt8>, _ body: (String, TokenClass) throws -> Void
    ) throws {
        let ascii = try prepare(line)
        let text = UnsafePointer(ascii ? source.base : normalized.base)
        let length = ascii ? source.count : normalized.count
        try withoutActuallyEscaping(body) { body in
            var emitter = Emitter(options: options, ascii: ascii, body: body)
            emitter.fastPath = usesFastPath
            switch options.split {
            case .whitespace:
                try splitAtWhiteSpace(text, length, &emitter)
            case .icu:
                try splitWithICU(text, length, &emitter)
            }
        }
    }

    // MARK: - Normalization of the whole line

    /// Transcodes the line and normalizes it. Returns true when the line is ASCII, whose
    /// normalized form is then `source` itself; otherwise the result is in `normalized`.
    private func prepare(_ line: UnsafeBufferPointer<UInt8>) throws -> Bool {
        if source.setUTF8(line) {
            if options.foldsCase {
                let p = source.base
                for i in 0..<source.count where p[i] &- 65 < 26 {
                    p[i] += 32
                }
            }
            return true
        }
        let input = UnsafePointer(source.base)
        let count = source.count
        switch (options.normalization, options.foldsCase) {
        case (.none, false):
            try normalized.fill(from: input, count: count, operation: "copying") { src, n, dst, cap, error in
                let needed = Int(n)
                guard needed <= Int(cap) else { error = cicu_buffer_overflow_code(); return n }
                dst.update(from: src, count: needed)
                return n
            }
        case (.none, true):
            try normalized.fill(from: input, count: count, operation: "case folding") { cicu_fold_case($0, $1, $2, $3, &$4) }
        case (.nfc, false):
            try normalize(input, count, mode: CICU_NFC, into: &normalized)
        case (.nfc, true):
            try folded.fill(from: input, count: count, operation: "case folding") { cicu_fold_case($0, $1, $2, $3, &$4) }
            // Folding can leave text that is no longer NFC (e.g. "ǰ" folds to j + U+030C).
            try normalize(UnsafePointer(folded.base), folded.count, mode: CICU_NFC, into: &normalized)
        case (.nfkc, false):
            try normalize(input, count, mode: CICU_NFKC, into: &normalized)
        case (.nfkc, true):
            try normalize(input, count, mode: CICU_NFKC_CASEFOLD, into: &normalized)
        }
        return false
    }

    private func normalize(_ input: UnsafePointer<UInt16>, _ count: Int, mode: cicu_norm_mode,
                           into output: inout UnitBuffer) throws {
        let code = Int32(mode.rawValue)
        try output.fill(from: input, count: count, operation: "normalizing") { src, n, dst, cap, error in
            cicu_normalize(code, src, n, dst, cap, &error)
        }
    }

    // MARK: - Splitting

    private func splitAtWhiteSpace(_ text: UnsafePointer<UInt16>, _ length: Int, _ emitter: inout Emitter) throws {
        var i = 0
        while i < length {
            while i < length && CharacterClass.isWhiteSpace(text[i]) { i += 1 }
            let start = i
            while i < length && !CharacterClass.isWhiteSpace(text[i]) { i += 1 }
            if i > start {
                let kind = isProtected(text, start, i) ? TokenClass.special : CharacterClass.classifyLoose(text, start, i)
                try emitter.emit(text, start, i, kind)
            }
        }
    }

    /// Cuts protected tokens out first, then runs ICU over the stretches between them.
    private func splitWithICU(_ text: UnsafePointer<UInt16>, _ length: Int, _ emitter: inout Emitter) throws {
        let firstUnits = protectedFirstUnits
        var stretchStart = 0
        if let onlyFirst = firstUnits.first, firstUnits.count == 1 {
            // The usual case: every protected token starts with "<".
            stretchStart = try cutProtected(text, length, &emitter) { $0 == onlyFirst }
        } else if !firstUnits.isEmpty {
            stretchStart = try cutProtected(text, length, &emitter) { firstUnits.contains($0) }
        }
        try segment(text, stretchStart, length, &emitter)
    }

    /// Emits the protected tokens and the ICU segments before each; returns where the last
    /// stretch (still to segment) starts.
    @inline(__always)
    private func cutProtected(_ text: UnsafePointer<UInt16>, _ length: Int, _ emitter: inout Emitter,
                              isFirstUnit: (UInt16) -> Bool) throws -> Int {
        var stretchStart = 0
        var i = 0
        while i < length {
            if isFirstUnit(text[i]), let matched = protectedMatch(text, i, length) {
                try segment(text, stretchStart, i, &emitter)
                try emitter.emit(text, i, i + matched, .special)
                i += matched
                stretchStart = i
            } else {
                i += 1
            }
        }
        return stretchStart
    }

    private func protectedMatch(_ text: UnsafePointer<UInt16>, _ at: Int, _ length: Int) -> Int? {
        for candidate in protected where candidate.count <= length - at {
            var k = 0
            while k < candidate.count && candidate[k] == text[at + k] { k += 1 }
            if k == candidate.count { return k }
        }
        return nil
    }

    private func isProtected(_ text: UnsafePointer<UInt16>, _ start: Int, _ end: Int) -> Bool {
        guard protectedFirstUnits.contains(text[start]) else { return false }
        return protected.contains { candidate in
            candidate.count == end - start && candidate.indices.allSatisfy { candidate[$0] == text[start + $0] }
        }
    }

    /// Word segmentation of text[start..<end]: ICU's, or the same computed directly for ASCII.
    private func segment(_ text: UnsafePointer<UInt16>, _ start: Int, _ end: Int, _ emitter: inout Emitter) throws {
        guard end > start else { return }
        if emitter.fastPath && LatinWords.canSegment(text, start, end) {
            try LatinWords.segment(text, start, end) { from, to, kind in
                if kind == .word && !elisionPrefixes.isEmpty {
                    try emitSplittingElision(text, from, to, &emitter)
                } else {
                    try emitter.emit(text, from, to, kind)
                }
            }
            return
        }
        var error: Int32 = 0
        let base = text + start
        cicu_break_set_text(words, base, Int32(end - start), &error)
        guard error <= 0 else {
            throw TokenizerError(operation: "segmenting a line into words", icuError: String(cString: cicu_error_name(error)))
        }
        var previous = 0
        while true {
            let next = Int(cicu_break_next(words))
            if next < 0 { break }
            let status = cicu_break_rule_status(words)
            let kind: TokenClass?
            switch status {
            case 100..<200: kind = .number
            case 200..<300: kind = .word
            case 300..<500: kind = .ideographic
            case 0..<100: kind = CharacterClass.classifyNonWord(base, previous, next)
            default: kind = .word
            }
            if let kind {
                if kind == .word && !elisionPrefixes.isEmpty {
                    try emitSplittingElision(base, previous, next, &emitter)
                } else {
                    try emitter.emit(base, previous, next, kind)
                }
            }
            previous = next
        }
    }

    /// Emits a word, first cutting off elided prefixes ("qu'", "l'") where the locale has them.
    private func emitSplittingElision(_ text: UnsafePointer<UInt16>, _ start: Int, _ end: Int,
                                      _ emitter: inout Emitter) throws {
        var from = start
        var i = start + 1
        while i < end - 1 {
            let unit = text[i]
            if unit == 0x27 || unit == 0x2019 {
                let prefix = makeString(text + from, i - from).lowercased()
                guard elisionPrefixes.contains(prefix) else { break }
                try emitter.emit(text, from, i + 1, .word)
                from = i + 1
            }
            i += 1
        }
        try emitter.emit(text, from, end, .word)
    }
}

/// Applies the token filters (punctuation, number replacement) and creates the strings.
private struct Emitter {
    let keepsPunctuation: Bool
    let numberReplacement: String?
    let ascii: Bool
    /// Segment plain Latin text without ICU.
    var fastPath = false
    let body: (String, TokenClass) throws -> Void

    init(options: TokenizerOptions, ascii: Bool, body: @escaping (String, TokenClass) throws -> Void) {
        keepsPunctuation = options.keepsPunctuation
        numberReplacement = options.numberReplacement
        self.ascii = ascii
        self.body = body
    }

    @inline(__always)
    mutating func emit(_ text: UnsafePointer<UInt16>, _ start: Int, _ end: Int, _ kind: TokenClass) throws {
        if kind == .punctuation && !keepsPunctuation { return }
        if kind == .number, let replacement = numberReplacement {
            try body(replacement, .number)
            return
        }
        try body(makeString(text + start, end - start, knownASCII: ascii), kind)
    }
}

/// Joins tokens back into text with the spacing conventions of a language: no space before
/// closing punctuation (`. , ; : ! ? ) ] }`) nor after opening brackets and quotes, contractions
/// fused ("is" "n't" → "isn't"), hyphens and elided words ("l'" "homme") joined, none between
/// Chinese or Japanese characters, and French spacing (a space before `; : ! ?` and inside
/// `« »`) for French. Straight quotes alternate between opening and closing.
///
/// Tokenizing loses where spaces were, so this is a best guess for text that follows the
/// conventions; translation output does.
public struct Detokenizer: Sendable {
    public let locale: String
    private let language: String

    public init(locale: String = "en") {
        self.locale = locale
        self.language = TokenizerOptions(locale: locale).language
    }

    private var french: Bool { language == "fr" }
    private var fusesElision: Bool { !Elision.prefixes(forLanguage: language).isEmpty }

    private static let closing: Set<String> = [".", ",", ";", ":", "!", "?", ")", "]", "}", "%", "…", "...", "''", "”", "’", "»", "›"]
    private static let opening: Set<String> = ["(", "[", "{", "``", "“", "‘", "«", "‹", "¿", "¡", "„", "‚"]
    private static let frenchSpacedBefore: Set<String> = [";", ":", "!", "?", "»", "›"]
    private static let frenchSpacedAfter: Set<String> = ["«", "‹"]
    private static let hyphens: Set<String> = ["-", "‐", "‑"]
    private static let digitJoiners: Set<String> = [":", "/", ".", ","]

    public func detokenize(_ tokens: [String]) -> String {
        var out = ""
        var spaceAfterPrevious = false
        var doubleQuoteOpen = false
        var singleQuoteOpen = false
        for (index, token) in tokens.enumerated() {
            var spaceBefore = spaceAfterPrevious
            var spaceAfter = true
            if Self.closing.contains(token) || isContraction(token) { spaceBefore = false }
            if Self.opening.contains(token) { spaceAfter = false }
            if language == "de" {
                // German quotes: „ opens, “ closes (English uses “ to open).
                if token == "“" || token == "‘" { spaceBefore = false; spaceAfter = true }
            }
            if french {
                if Self.frenchSpacedBefore.contains(token) { spaceBefore = spaceAfterPrevious }
                if Self.frenchSpacedAfter.contains(token) { spaceAfter = true }
            }
            if token == "\"" || token == "'" {
                let isOpen = token == "\"" ? doubleQuoteOpen : singleQuoteOpen
                if isOpen { spaceBefore = false } else { spaceAfter = false }
                if token == "\"" { doubleQuoteOpen.toggle() } else { singleQuoteOpen.toggle() }
            }
            if Self.hyphens.contains(token) {
                spaceBefore = false
                spaceAfter = false
            }
            if language == "en" && token == "$" { spaceAfter = false }
            if fusesElision, let last = token.last, last == "'" || last == "’", token.count > 1 {
                spaceAfter = false
            }
            if Self.digitJoiners.contains(token), index > 0, index + 1 < tokens.count,
               tokens[index - 1].last?.isNumber == true, tokens[index + 1].first?.isNumber == true {
                spaceBefore = false
                spaceAfter = false
            }
            if let previous = out.unicodeScalars.last, let next = token.unicodeScalars.first,
               Self.isCJK(previous) || Self.isCJK(next) {
                spaceBefore = false
            }
            if !out.isEmpty && spaceBefore { out += " " }
            out += token
            spaceAfterPrevious = spaceAfter
        }
        return out
    }

    /// English clitics the tokenizer (or the Penn Treebank) writes as their own token.
    private func isContraction(_ token: String) -> Bool {
        guard language == "en" else { return false }
        let lower = token.lowercased()
        if lower == "n't" || lower == "n’t" { return true }
        guard let first = lower.first, first == "'" || first == "’", lower.count > 1 else { return false }
        return ["s", "re", "ve", "ll", "d", "m"].contains(String(lower.dropFirst()))
    }

    /// Han, kana, CJK punctuation and full-width forms: written without spaces between them.
    private static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3000...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF00...0xFFEF,
             0x20000...0x2FFFF:
            return true
        default:
            return false
        }
    }
}

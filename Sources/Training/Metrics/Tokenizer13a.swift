/// The `13a` tokenizer of mteval-v13a.pl as sacreBLEU 2.x applies it (its default for BLEU).
///
/// Steps, on Unicode scalars: drop `<skipped>`, join `-\n` hyphenated breaks, turn other
/// newlines into spaces; if the line holds `&`, unescape `&quot;`, `&amp;`, `&lt;`, `&gt;` (in
/// that order, one pass each); pad with a space on both sides; then four rewrites, each a
/// left-to-right scan with non-overlapping matches as Python's `re.sub` makes them:
/// 1. every ASCII symbol except `'` `,` `-` `.` is set apart by spaces;
/// 2. `.` and `,` are split from a preceding non-digit;
/// 3. `.` and `,` are split from a following non-digit;
/// 4. `-` is split from a preceding digit.
/// Finally whitespace runs (Python's definition) collapse to one space, none at the ends.
/// Only ASCII is special: other scripts, emoji and Unicode punctuation stay glued to words.
public struct Tokenizer13a: Sendable {
    public init() {}

    /// The tokenized line, tokens separated by single spaces (sacreBLEU's output).
    public func callAsFunction(_ line: String) -> String {
        let words = tokens(Array(line.unicodeScalars))
        return words.map { PythonText.string($0) }.joined(separator: " ")
    }

    /// The tokens of `line`, each a sequence of Unicode scalars.
    func tokens(_ line: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var s = replacing(line, "<skipped>", with: "")
        s = replacing(s, "-\n", with: "")
        s = replacing(s, "\n", with: " ")
        if s.contains("&") {
            s = replacing(s, "&quot;", with: "\"")
            s = replacing(s, "&amp;", with: "&")
            s = replacing(s, "&lt;", with: "<")
            s = replacing(s, "&gt;", with: ">")
        }
        s = [" "] + s + [" "]
        s = isolatingSymbols(s)
        s = rewritingPairs(s, matches: { !isDigit($0) && isPeriodOrComma($1) },
                           as: { a, b in [a, " ", b, " "] })
        s = rewritingPairs(s, matches: { isPeriodOrComma($0) && !isDigit($1) },
                           as: { a, b in [" ", a, " ", b] })
        s = rewritingPairs(s, matches: { isDigit($0) && $1 == "-" },
                           as: { a, b in [a, " ", b, " "] })
        return PythonText.split(s)
    }

    /// Python's `str.replace`: every non-overlapping occurrence, scanning left to right.
    private func replacing(_ text: [Unicode.Scalar], _ target: String, with replacement: String)
        -> [Unicode.Scalar]
    {
        let t = Array(target.unicodeScalars)
        let r = Array(replacement.unicodeScalars)
        guard text.count >= t.count, let first = t.first else { return text }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if text[i] == first, i + t.count <= text.count, text[i..<(i + t.count)].elementsEqual(t) {
                out.append(contentsOf: r)
                i += t.count
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    /// Rule 1, `([\{-\~\[-\` -\&\(-\+\:-\@\/])` → ` \1 `.
    private func isolatingSymbols(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count * 2)
        for c in text {
            switch c.value {
            case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F:
                out.append(contentsOf: [" ", c, " "])
            default:
                out.append(c)
            }
        }
        return out
    }

    /// A two-character pattern substituted as `re.sub` does: after a match the scan resumes
    /// behind it, so overlapping candidates ("a.." ) are rewritten only once.
    private func rewritingPairs(
        _ text: [Unicode.Scalar],
        matches: (Unicode.Scalar, Unicode.Scalar) -> Bool,
        as replacement: (Unicode.Scalar, Unicode.Scalar) -> [Unicode.Scalar]
    ) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count + text.count / 2)
        var i = 0
        while i < text.count {
            if i + 1 < text.count, matches(text[i], text[i + 1]) {
                out.append(contentsOf: replacement(text[i], text[i + 1]))
                i += 2
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    private func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }
    private func isPeriodOrComma(_ c: Unicode.Scalar) -> Bool { c == "." || c == "," }
}

/// The few Python `str` operations sacreBLEU builds on, reproduced on Unicode scalars.
///
/// sacreBLEU compares text as Python does: by code points, with Python's own idea of whitespace
/// (`str.split()`, `str.rstrip()`) and of lowercase (`str.lower()`). Swift's `String` compares by
/// canonical equivalence ("Cafe\u{301}" == "Café") and splits on a different whitespace set, so
/// every metric here works on arrays of `Unicode.Scalar` through these helpers instead.
enum PythonText {
    /// Python's `str.isspace()`: Unicode White_Space minus nothing, plus the four ASCII
    /// information separators U+001C–U+001F (Python counts bidi classes B and S as space).
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029,
             0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// `str.split()` with no argument: runs of whitespace separate words, no empty words.
    static func split(_ text: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var start: Int? = nil
        for i in text.indices {
            if isSpace(text[i]) {
                if let s = start { words.append(Array(text[s..<i])) }
                start = nil
            } else if start == nil {
                start = i
            }
        }
        if let s = start { words.append(Array(text[s...])) }
        return words
    }

    /// `str.rstrip()` with no argument.
    static func rstrip(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var end = text.count
        while end > 0, isSpace(text[end - 1]) { end -= 1 }
        return Array(text[..<end])
    }

    /// `str.rstrip()` on a Swift string.
    static func rstrip(_ text: String) -> String {
        string(rstrip(Array(text.unicodeScalars)))
    }

    /// `str.lower()`: the full lowercase mapping of each code point (so "İ" becomes two), with
    /// Python's one context rule, capital sigma becoming final "ς" at the end of a word.
    static func lower(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count)
        for i in text.indices {
            let s = text[i]
            if s.value < 0x80 {
                out.append(s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(s.value + 32)! : s)
            } else if s.value == 0x3A3 {
                out.append(isFinalSigma(text, at: i) ? "\u{3C2}" : "\u{3C3}")
            } else {
                out.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return out
    }

    /// Unicode's Final_Sigma context as Python tests it: a cased letter before (skipping
    /// case-ignorables) and no cased letter after (skipping case-ignorables).
    private static func isFinalSigma(_ text: [Unicode.Scalar], at i: Int) -> Bool {
        var j = i - 1
        while j >= 0, text[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0, text[j].properties.isCased else { return false }
        j = i + 1
        while j < text.count, text[j].properties.isCaseIgnorable { j += 1 }
        return j == text.count || !text[j].properties.isCased
    }

    static func string<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
        var s = String()
        s.unicodeScalars.append(contentsOf: scalars)
        return s
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PythonText {
    /// Python's `f"{value:.{digits}f}"`. Both Python and the C library round the exact binary
    /// value correctly (half-even on exact ties), so `printf` gives the same digits.
    static func fixed(_ value: Double, digits: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 400)
        let written = withVaList([value]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, "%.\(digits)f", args) }
        }
        guard written >= 0, Int(written) < buffer.count else { return "\(value)" }
        return String(decoding: buffer[..<Int(written)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

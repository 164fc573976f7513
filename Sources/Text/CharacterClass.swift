import CICU

/// Character tests the tokenizer runs on UTF-16 text: an ASCII table for the common case and
/// ICU's properties for the rest, so they agree with ICU's break rules.
enum CharacterClass {
    // Same codes as cicu_char_class.
    static let other: UInt8 = 0
    static let whiteSpace: UInt8 = 1
    static let punctuation: UInt8 = 2
    static let digit: UInt8 = 3
    static let symbol: UInt8 = 4
    static let ignorable: UInt8 = 5

    /// Class of an ASCII code point (a switch, not a table: a static table costs a lazy-init
    /// check on every access).
    @inline(__always)
    static func asciiClass(_ c: UInt32) -> UInt8 {
        switch c {
        case 0x41...0x5A, 0x61...0x7A: return other
        case 9...13, 32: return whiteSpace
        case 48...57: return digit
        case 36, 43, 60, 61, 62, 94, 96, 124, 126: return symbol // $ + < = > ^ ` | ~
        case 33...47, 58...64, 91...96, 123...126: return punctuation
        case 0..<32, 127: return ignorable
        default: return other
        }
    }

    /// The class of one code point.
    @inline(__always)
    static func of(_ scalar: UInt32) -> UInt8 {
        scalar < 128 ? asciiClass(scalar) : UInt8(truncatingIfNeeded: cicu_char_class(Int32(bitPattern: scalar)))
    }

    /// White_Space of one UTF-16 unit; every White_Space character is in the BMP.
    @inline(__always)
    static func isWhiteSpace(_ unit: UInt16) -> Bool {
        if unit < 128 { return unit == 32 || (unit >= 9 && unit <= 13) }
        if unit & 0xF800 == 0xD800 { return false }
        return cicu_char_class(Int32(unit)) == Int32(whiteSpace)
    }

    /// Calls `body` with each code point of text[start..<end] (lone surrogates as themselves).
    @inline(__always)
    static func forEachScalar(_ text: UnsafePointer<UInt16>, _ start: Int, _ end: Int, _ body: (UInt32) -> Void) {
        var i = start
        while i < end {
            let unit = UInt32(text[i])
            if unit & 0xFC00 == 0xD800, i + 1 < end, text[i + 1] & 0xFC00 == 0xDC00 {
                body(0x10000 + ((unit - 0xD800) << 10) + (UInt32(text[i + 1]) - 0xDC00))
                i += 2
            } else {
                body(unit)
                i += 1
            }
        }
    }

    /// Class of a piece ICU marked as "not a word" (status below 100): nil when it is only white
    /// space or invisible controls (dropped), punctuation when every visible character is
    /// punctuation, otherwise symbol (emoji, currency, math, ...).
    static func classifyNonWord(_ text: UnsafePointer<UInt16>, _ start: Int, _ end: Int) -> TokenClass? {
        var sawPunctuation = false
        var sawOther = false
        forEachScalar(text, start, end) { scalar in
            switch of(scalar) {
            case whiteSpace, ignorable: break
            case punctuation: sawPunctuation = true
            default: sawOther = true
            }
        }
        if sawOther { return .symbol }
        return sawPunctuation ? .punctuation : nil
    }

    /// Class of a white-space-separated token, for pre-tokenized text where ICU's status is not
    /// available: digits with inner separators are a number, all-punctuation is punctuation,
    /// punctuation and symbols only is a symbol, anything else a word.
    static func classifyLoose(_ text: UnsafePointer<UInt16>, _ start: Int, _ end: Int) -> TokenClass {
        var digits = 0
        var separators = 0
        var punctuationCount = 0
        var symbols = 0
        var others = 0
        forEachScalar(text, start, end) { scalar in
            switch of(scalar) {
            case digit: digits += 1
            case punctuation:
                punctuationCount += 1
                if scalar == 0x2C || scalar == 0x2E || scalar == 0x27 { separators += 1 }
            case symbol: symbols += 1
            default: others += 1
            }
        }
        if digits > 0 && others == 0 && symbols == 0 && punctuationCount == separators { return .number }
        if others == 0 && digits == 0 {
            return symbols == 0 ? .punctuation : .symbol
        }
        return .word
    }
}

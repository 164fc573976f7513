/// ICU's word segmentation of plain Latin-script text, computed without ICU (ICU's iterator is
/// the tokenizer's largest cost: about 40% of the time on English text).
///
/// For text made of ASCII, the Latin letters U+00C0–U+024F, « » and ’, the Unicode word break
/// rules (UAX #29) reduce to: letters and digits stick together (WB5, WB8–WB10); an apostrophe
/// (' or ’) or period between two letters joins them (WB6/7: "don't", "U.S.A"); a comma,
/// semicolon, apostrophe or period between two digits joins them (WB11/12: "1,000.50");
/// everything else stands alone, and white space is dropped. ICU 72 also joins at '@' and '_'
/// (WB13, e-mail addresses), details that have changed between ICU versions, so text with
/// either (or any other character) goes to ICU. The class follows ICU's rule status: a token
/// ending in a digit is a number ("a1", "1,000"), one ending in a letter a word ("3rd").
/// A test compares this with ICU on many random strings.
enum LatinWords {
    /// Whether `segment` gives ICU's answer for text[start..<end].
    @inline(__always)
    static func canSegment(_ text: UnsafePointer<UInt16>, _ start: Int, _ end: Int) -> Bool {
        for i in start..<end {
            let c = text[i]
            if c < 0x80 {
                if c == 0x40 || c == 0x5F { return false }
            } else if !(isLatinLetter(c) || c == 0xAB || c == 0xBB || c == 0x2019) {
                return false
            }
        }
        return true
    }

    /// Latin-1 Supplement and Latin Extended-A/B letters, all Word_Break=ALetter.
    @inline(__always) private static func isLatinLetter(_ c: UInt16) -> Bool {
        c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7
    }
    @inline(__always) private static func isLetter(_ c: UInt16) -> Bool {
        (c | 0x20) &- 0x61 < 26 || (c >= 0xC0 && isLatinLetter(c))
    }
    @inline(__always) private static func isDigit(_ c: UInt16) -> Bool { c &- 0x30 < 10 }
    /// ' . ’ (MidNumLet and Single_Quote).
    @inline(__always) private static func joinsBoth(_ c: UInt16) -> Bool { c == 0x27 || c == 0x2E || c == 0x2019 }

    /// Calls `emit(from, to, class)` for each token of text[start..<end] (see `canSegment`).
    @inline(__always)
    static func segment(_ text: UnsafePointer<UInt16>, _ start: Int, _ end: Int,
                        _ emit: (Int, Int, TokenClass) throws -> Void) rethrows {
        var i = start
        while i < end {
            let c = text[i]
            if isLetter(c) || isDigit(c) {
                var j = i + 1
                while j < end {
                    let d = text[j]
                    if isLetter(d) || isDigit(d) {
                        j += 1
                        continue
                    }
                    guard j + 1 < end else { break }
                    let before = text[j - 1]
                    let after = text[j + 1]
                    let joinsLetters = joinsBoth(d) && isLetter(before) && isLetter(after)
                    let joinsDigits = (joinsBoth(d) || d == 0x2C || d == 0x3B) && isDigit(before) && isDigit(after)
                    guard joinsLetters || joinsDigits else { break }
                    j += 2
                }
                try emit(i, j, isDigit(text[j - 1]) ? .number : .word)
                i = j
            } else if c >= 0x80 {
                try emit(i, i + 1, .punctuation) // « » ’
                i += 1
            } else {
                let kind = CharacterClass.asciiClass(UInt32(c))
                if kind == CharacterClass.punctuation {
                    try emit(i, i + 1, .punctuation)
                } else if kind == CharacterClass.symbol {
                    try emit(i, i + 1, .symbol)
                }
                i += 1
            }
        }
    }
}

/// UTF-8 validation and lossy repair, following the well-formed byte sequences of the Unicode
/// Standard (table 3-7): no overlong forms, no surrogates, nothing above U+10FFFF.
enum UTF8Check {
    enum Problem: Equatable {
        case invalid(at: Int)
        case nul(at: Int)
    }

    enum Repair: Equatable {
        case repaired(count: Int)
        case nul(at: Int)
    }

    private static let highBits: UInt64 = 0x8080_8080_8080_8080
    private static let lowBits: UInt64 = 0x0101_0101_0101_0101

    /// The first invalid sequence or NUL byte in `bytes`, or nil when it is clean UTF-8.
    static func firstProblem(in bytes: UnsafeBufferPointer<UInt8>) -> Problem? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var i = 0
        while i < count {
            // Eight ASCII bytes at a time: no high bit set and no zero byte.
            if count - i >= 8 {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let hasZero = (word &- lowBits) & ~word & highBits
                if word & highBits == 0 && hasZero == 0 {
                    i += 8
                    continue
                }
            }
            let byte = base[i]
            if byte == 0 { return .nul(at: i) }
            if byte < 0x80 {
                i += 1
                continue
            }
            let length = sequenceLength(base, i, count)
            if length <= 0 { return .invalid(at: i) }
            i += length
        }
        return nil
    }

    /// Copies `bytes` into `output`, replacing each maximal invalid subsequence from `from` on by
    /// U+FFFD (bytes before `from` are known valid). `output` holds at least 3 × bytes.count.
    static func repair(_ bytes: UnsafeBufferPointer<UInt8>, from: Int,
                       into output: UnsafeMutableBufferPointer<UInt8>) -> Repair {
        guard let base = bytes.baseAddress, let out = output.baseAddress else { return .repaired(count: 0) }
        let count = bytes.count
        out.update(from: base, count: from)
        var o = from
        var i = from
        while i < count {
            let byte = base[i]
            if byte == 0 { return .nul(at: i) }
            if byte < 0x80 {
                out[o] = byte
                o += 1
                i += 1
                continue
            }
            let length = sequenceLength(base, i, count)
            if length > 0 {
                (out + o).update(from: base + i, count: length)
                o += length
                i += length
            } else {
                out[o] = 0xEF
                out[o + 1] = 0xBF
                out[o + 2] = 0xBD
                o += 3
                i += -length
            }
        }
        return .repaired(count: o)
    }

    /// Length of the well-formed sequence starting with the non-ASCII byte at `i`; when it is
    /// ill-formed, minus the length of its maximal subpart (at least 1), the bytes one U+FFFD
    /// replaces.
    @inline(__always)
    static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ count: Int) -> Int {
        let lead = p[i]
        let expected: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: expected = 2
        case 0xE0: expected = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: expected = 3
        case 0xED: expected = 3; high = 0x9F
        case 0xF0: expected = 4; low = 0x90
        case 0xF1...0xF3: expected = 4
        case 0xF4: expected = 4; high = 0x8F
        default: return -1
        }
        var k = 1
        while k < expected {
            guard i + k < count else { return -k }
            let b = p[i + k]
            let (lo, hi) = k == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
            guard b >= lo && b <= hi else { return -k }
            k += 1
        }
        return expected
    }
}

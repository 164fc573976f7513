import CICU

/// A growable buffer of UTF-16 code units, reused from line to line so the hot path allocates
/// nothing but the token strings. Owned by one class instance, which frees it in `deinit`.
struct UnitBuffer {
    private(set) var base: UnsafeMutablePointer<UInt16>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int = 1024) {
        self.capacity = max(16, capacity)
        self.base = .allocate(capacity: self.capacity)
    }

    /// Makes room for `needed` units; the content is discarded when the buffer grows.
    mutating func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        base.deallocate()
        capacity = max(needed, capacity * 2)
        base = .allocate(capacity: capacity)
    }

    func free() {
        base.deallocate()
    }

    /// Fills the buffer with `utf8` as UTF-16 and tells whether it was all ASCII. Ill-formed
    /// input (which `LineReader` never hands out) becomes U+FFFD rather than a crash.
    mutating func setUTF8(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        reserve(utf8.count)
        count = 0
        guard let p = utf8.baseAddress else { return true }
        let n = utf8.count
        let out = base
        var i = 0
        var o = 0
        // Plain loop over ASCII; the compiler vectorizes it.
        while i < n {
            let b = p[i]
            if b >= 0x80 { break }
            out[o] = UInt16(b)
            i += 1
            o += 1
        }
        if i == n {
            count = o
            return true
        }
        while i < n {
            let b = p[i]
            if b < 0x80 {
                out[o] = UInt16(b)
                o += 1
                i += 1
                continue
            }
            let length = UTF8Check.sequenceLength(p, i, n)
            guard length > 0 else {
                out[o] = 0xFFFD
                o += 1
                i += -length
                continue
            }
            var scalar: UInt32
            switch length {
            case 2: scalar = UInt32(b & 0x1F)
            case 3: scalar = UInt32(b & 0x0F)
            default: scalar = UInt32(b & 0x07)
            }
            for k in 1..<length {
                scalar = scalar << 6 | UInt32(p[i + k] & 0x3F)
            }
            if scalar < 0x10000 {
                out[o] = UInt16(scalar)
                o += 1
            } else {
                let v = scalar - 0x10000
                out[o] = UInt16(0xD800 + (v >> 10))
                out[o + 1] = UInt16(0xDC00 + (v & 0x3FF))
                o += 2
            }
            i += length
        }
        count = o
        return false
    }

    /// Runs an ICU transform (normalization, case folding) from `source` into this buffer,
    /// growing it once when ICU reports the output does not fit.
    mutating func fill(
        from source: UnsafePointer<UInt16>, count sourceCount: Int, operation: String,
        _ transform: (UnsafePointer<UInt16>, Int32, UnsafeMutablePointer<UInt16>, Int32, inout Int32) -> Int32
    ) throws {
        reserve(sourceCount + sourceCount / 4 + 16)
        var error: Int32 = 0
        var produced = transform(source, Int32(sourceCount), base, Int32(clamping: capacity), &error)
        if error == cicu_buffer_overflow_code() {
            reserve(Int(produced))
            error = 0
            produced = transform(source, Int32(sourceCount), base, Int32(clamping: capacity), &error)
        }
        guard error <= 0 else {
            throw TokenizerError(operation: operation, icuError: String(cString: cicu_error_name(error)))
        }
        count = Int(produced)
    }
}

/// A String from UTF-16 units, with a fast path for ASCII (about 25 ns against 200 ns per token
/// for `String(decoding:as:)`, shared/MEASURED.md) and a hand-written UTF-8 encoder for the
/// rest (the generic decoder is slower still on non-ASCII text).
@inline(__always)
func makeString(_ p: UnsafePointer<UInt16>, _ n: Int, knownASCII: Bool = false) -> String {
    var ascii = knownASCII
    if !ascii {
        var bits: UInt16 = 0
        for i in 0..<n { bits |= p[i] }
        ascii = bits < 0x80
    }
    if ascii {
        return String(unsafeUninitializedCapacity: n) { buffer in
            for i in 0..<n { buffer[i] = UInt8(truncatingIfNeeded: p[i]) }
            return n
        }
    }
    return String(unsafeUninitializedCapacity: 3 * n) { out in
        var o = 0
        var i = 0
        while i < n {
            let u = UInt32(p[i])
            i += 1
            var scalar = u
            if u & 0xFC00 == 0xD800, i < n, p[i] & 0xFC00 == 0xDC00 {
                scalar = 0x10000 + ((u - 0xD800) << 10) + (UInt32(p[i]) - 0xDC00)
                i += 1
            } else if u & 0xF800 == 0xD800 {
                scalar = 0xFFFD // lone surrogate
            }
            switch scalar {
            case 0..<0x80:
                out[o] = UInt8(scalar)
                o += 1
            case 0x80..<0x800:
                out[o] = UInt8(0xC0 | scalar >> 6)
                out[o + 1] = UInt8(0x80 | scalar & 0x3F)
                o += 2
            case 0x800..<0x10000:
                out[o] = UInt8(0xE0 | scalar >> 12)
                out[o + 1] = UInt8(0x80 | (scalar >> 6) & 0x3F)
                out[o + 2] = UInt8(0x80 | scalar & 0x3F)
                o += 3
            default:
                // A pair is two units in and four bytes out, within the 3 bytes per unit reserved.
                out[o] = UInt8(0xF0 | scalar >> 18)
                out[o + 1] = UInt8(0x80 | (scalar >> 12) & 0x3F)
                out[o + 2] = UInt8(0x80 | (scalar >> 6) & 0x3F)
                out[o + 3] = UInt8(0x80 | scalar & 0x3F)
                o += 4
            }
        }
        return o
    }
}

/// The one seeded random generator of LSTMKit: xoshiro256** (Blackman and Vigna, 2018), seeded
/// through SplitMix64 as its authors recommend.
///
/// It is a class so one generator can be handed explicitly to every consumer (initialisers,
/// dropout, data shuffling, sampling, the toy-corpus grammars) and advance in one deterministic
/// sequence. Its whole state is four
/// 64-bit words (`state`), which checkpoints save so a resumed run draws the same numbers.
public final class RandomGenerator: RandomNumberGenerator {
    // The four xoshiro256** state words; never all zero.
    @usableFromInline var s0: UInt64 = 0
    @usableFromInline var s1: UInt64 = 0
    @usableFromInline var s2: UInt64 = 0
    @usableFromInline var s3: UInt64 = 0

    /// The four state words, for saving.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    public init(seed: UInt64) {
        var s = seed
        var words: [UInt64] = []
        for _ in 0..<4 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            words.append(z ^ (z >> 31))
        }
        (s0, s1, s2, s3) = (words[0], words[1], words[2], words[3])
    }

    /// Restores a saved state; nil unless it is four words, not all zero.
    public init?(state: [UInt64]) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    /// The state as text (four hexadecimal words), for checkpoint metadata.
    public var stateText: String {
        state.map { String($0, radix: 16) }.joined(separator: " ")
    }

    /// Parses `stateText`; nil when malformed.
    public convenience init?(stateText: String) {
        let words = stateText.split(separator: " ").compactMap { UInt64($0, radix: 16) }
        guard words.count == 4 else { return nil }
        self.init(state: words)
    }

    @inlinable
    public func next() -> UInt64 {
        var words = (s0, s1, s2, s3)
        let result = Self.advance(&words)
        (s0, s1, s2, s3) = words
        return result
    }

    /// One xoshiro256** step on four state words held by the caller; returns the output.
    @inlinable
    static func advance(_ s: inout (UInt64, UInt64, UInt64, UInt64)) -> UInt64 {
        let result = rotateLeft(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotateLeft(s.3, 45)
        return result
    }

    @inlinable
    static func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// Uniform in [0, 1) with 24 random bits (every Float in the grid k·2⁻²⁴).
    @inlinable
    public func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// `count` values of `nextUnitFloat()`, the same numbers in the same order, with the state
    /// held in locals for the whole loop: calling `next()` per element reads and writes the
    /// class's stored words each time, under dynamic exclusivity checks (dropout masks draw
    /// millions of values a batch).
    public func fillUnitFloats(_ target: UnsafeMutablePointer<Float>, count: Int) {
        var words = (s0, s1, s2, s3)
        for i in 0..<count {
            target[i] = Float(Self.advance(&words) >> 40) * 0x1p-24
        }
        (s0, s1, s2, s3) = words
    }

    /// Uniform in [lower, upper).
    @inlinable
    public func nextFloat(in lower: Float, _ upper: Float) -> Float {
        lower + (upper - lower) * nextUnitFloat()
    }

    /// Standard normal by Box–Muller (one value per call; the pair's twin is discarded, so the
    /// sequence has no hidden cached state to save).
    public func nextNormal() -> Float {
        let u1 = Double(next() >> 11) * 0x1p-53
        let u2 = Double(next() >> 11) * 0x1p-53
        let radius = (-2 * _log(1 - u1)).squareRoot()
        return Float(radius * _cos(2 * Double.pi * u2))
    }

    /// Uniform integer in `0..<bound` (bound > 0), without modulo bias.
    public func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below: \(bound))")
        var generator = self
        return Int(generator.next(upperBound: UInt64(bound)))
    }

    // MARK: choices (the corpus generators)

    /// Uniform in 0..<n (n > 0), without modulo bias; the same as `nextInt(below:)`.
    public func below(_ n: Int) -> Int { nextInt(below: n) }

    /// True with probability `p`.
    public func chance(_ p: Double) -> Bool {
        Double(next() >> 11) * 0x1p-53 < p
    }

    /// A uniformly chosen element of a non-empty array.
    public func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }

    /// An index drawn with the given non-negative weights (not all zero).
    public func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var r = Double(next() >> 11) * 0x1p-53 * total
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }
}

#if canImport(Glibc)
import Glibc
@usableFromInline func _log(_ x: Double) -> Double { Glibc.log(x) }
@usableFromInline func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#elseif canImport(Darwin)
import Darwin
@usableFromInline func _log(_ x: Double) -> Double { Darwin.log(x) }
@usableFromInline func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif

/// Eight-lane Float32 SIMD, the unit every elementwise kernel works in.
public typealias Float8 = SIMD8<Float>

/// Vectorised math on `Float8` and loops over unsafe buffers.
///
/// The transcendental functions use Cephes-style range reduction and minimax polynomials
/// (about 1–2 ulp for `exp`, a few ulp for `tanh` and `sigmoid`); the tolerance contract with
/// PyTorch (1e-5 + 1e-4·|e|) leaves two orders of magnitude of room. Everything avoids
/// operations that would become per-lane library calls on a baseline x86-64 target (no
/// `rounded()`, no `addingProduct`): rounding uses the 1.5·2²³ trick, products are `a * b + c`.
public enum Vector {
    // MARK: loads and stores

    @inlinable @inline(__always)
    public static func load(_ p: UnsafePointer<Float>) -> Float8 {
        UnsafeRawPointer(p).loadUnaligned(as: Float8.self)
    }

    @inlinable @inline(__always)
    public static func load(_ p: UnsafeMutablePointer<Float>) -> Float8 {
        UnsafeRawPointer(p).loadUnaligned(as: Float8.self)
    }

    @inlinable @inline(__always)
    public static func store(_ v: Float8, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float8.self)
    }

    /// Loads `count` (< 8) elements, padding the other lanes with `padding`.
    @inlinable @inline(__always)
    public static func loadPartial(_ p: UnsafePointer<Float>, count: Int, padding: Float = 0) -> Float8 {
        var v = Float8(repeating: padding)
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    /// Stores the first `count` (< 8) lanes.
    @inlinable @inline(__always)
    public static func storePartial(_ v: Float8, _ p: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { p[i] = v[i] }
    }

    /// Loads `count` elements when fewer than 8 remain (zero padding), else a full vector: the
    /// one load kernels use so a row's tail needs no separate scalar loop.
    @inlinable @inline(__always)
    public static func load(_ p: UnsafePointer<Float>, count: Int) -> Float8 {
        count >= 8 ? load(p) : loadPartial(p, count: count)
    }

    @inlinable @inline(__always)
    public static func load(_ p: UnsafeMutablePointer<Float>, count: Int) -> Float8 {
        count >= 8 ? load(p) : loadPartial(p, count: count)
    }

    /// Stores 8 lanes, or the first `count` when fewer remain.
    @inlinable @inline(__always)
    public static func store(_ v: Float8, _ p: UnsafeMutablePointer<Float>, count: Int) {
        if count >= 8 { store(v, p) } else { storePartial(v, p, count: count) }
    }

    /// Lane-wise maximum. The standard library's `pointwiseMax` is an out-of-line scalar loop
    /// (it orders NaNs); a compare and blend stays in registers. A NaN in `a` is kept.
    @inlinable @inline(__always)
    public static func maximum(_ a: Float8, _ b: Float8) -> Float8 {
        a.replacing(with: b, where: b .> a)
    }

    /// Lane-wise minimum (see `maximum`).
    @inlinable @inline(__always)
    public static func minimum(_ a: Float8, _ b: Float8) -> Float8 {
        a.replacing(with: b, where: b .< a)
    }

    // MARK: transcendental functions

    /// e^x, clamped to the normal Float range (exp(−100) is 2⁻¹²⁶, not 0).
    @inlinable @inline(__always)
    public static func exp(_ x: Float8) -> Float8 {
        let x = minimum(maximum(x, Float8(repeating: -87.33654)), Float8(repeating: 88.37626))
        // n = round(x / ln 2) by adding 1.5·2²³: the integer lands in the low mantissa bits.
        let magic = Float8(repeating: 12582912.0)
        let shifted = x * Float8(repeating: 1.44269504088896341) + magic
        let n = shifted - magic
        var r = x - n * Float8(repeating: 0.693359375)
        r = r - n * Float8(repeating: -2.12194440e-4)
        var p = Float8(repeating: 1.9875691500e-4)
        p = p * r + Float8(repeating: 1.3981999507e-3)
        p = p * r + Float8(repeating: 8.3334519073e-3)
        p = p * r + Float8(repeating: 4.1665795894e-2)
        p = p * r + Float8(repeating: 1.6666665459e-1)
        p = p * r + Float8(repeating: 5.0000001201e-1)
        let e = p * (r * r) + r + Float8(repeating: 1)
        // 2ⁿ from the integer bits of `shifted`.
        let nBits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let scale = unsafeBitCast((nBits &+ 127) &<< 23, to: Float8.self)
        return e * scale
    }

    /// 1 / (1 + e^−x).
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float8) -> Float8 {
        Float8(repeating: 1) / (Float8(repeating: 1) + exp(-x))
    }

    /// Hyperbolic tangent: an odd polynomial near zero (where 1 − 2/(e^2x + 1) would cancel),
    /// the exponential form elsewhere.
    @inlinable @inline(__always)
    public static func tanh(_ x: Float8) -> Float8 {
        let a = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: Float8.self)
        let z = x * x
        var p = Float8(repeating: -5.70498872745e-3)
        p = p * z + Float8(repeating: 2.06390887954e-2)
        p = p * z + Float8(repeating: -5.37397155531e-2)
        p = p * z + Float8(repeating: 1.33314422036e-1)
        p = p * z + Float8(repeating: -3.33332819422e-1)
        let small = p * z * x + x
        let e = exp(a + a)
        var large = Float8(repeating: 1) - Float8(repeating: 2) / (e + Float8(repeating: 1))
        large = large.replacing(with: -large, where: x .< Float8(repeating: 0))
        return small.replacing(with: large, where: a .>= Float8(repeating: 0.625))
    }

    // MARK: buffer loops

    /// Applies `f` to `count` elements of `x`, writing to `y` (which may be `x`).
    @inlinable @inline(__always)
    public static func map(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
                           _ f: (Float8) -> Float8) {
        var i = 0
        while i + 8 <= count {
            store(f(load(x + i)), y + i)
            i += 8
        }
        if i < count {
            storePartial(f(loadPartial(x + i, count: count - i)), y + i, count: count - i)
        }
    }

    /// Sum of `count` elements, accumulated in four vector lanes groups then in Double.
    @inlinable
    public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var a0 = Float8(), a1 = Float8(), a2 = Float8(), a3 = Float8()
        var i = 0
        while i + 32 <= count {
            a0 += load(x + i); a1 += load(x + i + 8); a2 += load(x + i + 16); a3 += load(x + i + 24)
            i += 32
        }
        var total = Double((a0 + a1).sum()) + Double((a2 + a3).sum())
        while i < count { total += Double(x[i]); i += 1 }
        return total
    }

    /// Σ x², accumulated in Float lanes per block of 4096 and in Double across blocks, so long
    /// vectors (a 10⁷-element weight) keep their precision.
    @inlinable
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var total = 0.0
        var start = 0
        while start < count {
            let end = min(count, start + 4096)
            var a0 = Float8(), a1 = Float8()
            var i = start
            while i + 16 <= end {
                let v0 = load(x + i), v1 = load(x + i + 8)
                a0 += v0 * v0; a1 += v1 * v1
                i += 16
            }
            var block = Double((a0 + a1).sum())
            while i < end { block += Double(x[i] * x[i]); i += 1 }
            total += block
            start = end
        }
        return total
    }

    /// Largest element of a non-empty buffer.
    @inlinable
    public static func max(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var m = Float8(repeating: -.infinity)
        var i = 0
        while i + 8 <= count {
            m = maximum(m, load(x + i))
            i += 8
        }
        var result = m.max()
        while i < count { result = Swift.max(result, x[i]); i += 1 }
        return result
    }

    /// x += b, returning the largest element of the sum: adds a bias row into a row of logits
    /// in the same sweep that finds its maximum (the first step of a softmax).
    @inlinable
    public static func addAndMax(_ b: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>, count: Int) -> Float {
        var m = Float8(repeating: -.infinity)
        var i = 0
        while i + 8 <= count {
            let sum = load(x + i) + load(b + i)
            store(sum, x + i)
            m = maximum(m, sum)
            i += 8
        }
        var result = m.max()
        while i < count { x[i] += b[i]; result = Swift.max(result, x[i]); i += 1 }
        return result
    }

    /// y += alpha · x.
    @inlinable
    public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        let a = Float8(repeating: alpha)
        var i = 0
        while i + 8 <= count {
            store(load(y + i) + a * load(x + i), y + i)
            i += 8
        }
        while i < count { y[i] += alpha * x[i]; i += 1 }
    }

    /// y += x.
    @inlinable
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            store(load(y + i) + load(x + i), y + i)
            i += 8
        }
        while i < count { y[i] += x[i]; i += 1 }
    }

    /// x *= alpha.
    @inlinable
    public static func scale(_ x: UnsafeMutablePointer<Float>, by alpha: Float, count: Int) {
        let a = Float8(repeating: alpha)
        var i = 0
        while i + 8 <= count {
            store(load(x + i) * a, x + i)
            i += 8
        }
        while i < count { x[i] *= alpha; i += 1 }
    }

    /// z = x ⊙ y elementwise (z may alias x or y).
    @inlinable
    public static func multiply(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                into z: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            store(load(x + i) * load(y + i), z + i)
            i += 8
        }
        while i < count { z[i] = x[i] * y[i]; i += 1 }
    }

    /// Adds each of `rows` rows of `x` (row stride `stride`) into `y` (`columns` elements):
    /// the column sums a bias gradient needs. Rows are added in order, so the result does not
    /// depend on the thread count.
    @inlinable
    public static func addRows(_ x: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int,
                               into y: UnsafeMutablePointer<Float>) {
        var j = 0
        // Blocks of 32 columns held in registers across all rows.
        while j + 32 <= columns {
            var a0 = load(y + j), a1 = load(y + j + 8), a2 = load(y + j + 16), a3 = load(y + j + 24)
            var p = x + j
            for _ in 0..<rows {
                a0 += load(p); a1 += load(p + 8); a2 += load(p + 16); a3 += load(p + 24)
                p += stride
            }
            store(a0, y + j); store(a1, y + j + 8); store(a2, y + j + 16); store(a3, y + j + 24)
            j += 32
        }
        while j < columns {
            var a = y[j]
            var p = x + j
            for _ in 0..<rows { a += p.pointee; p += stride }
            y[j] = a
            j += 1
        }
    }
}

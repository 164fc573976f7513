import CDNNL

/// Matrix products through oneDNN's `dnnl_sgemm` (row-major; OpenMP threads, see `Threads`).
///
/// Every matrix product in LSTMKit goes through here: oneDNN picks an AVX2/AVX-512 kernel from
/// the CPU and stays fast at the small shapes of one LSTM step (docs/ARCHITECTURE.md).
public enum GEMM {
    /// `C = alpha · op(A) · op(B) + beta · C` on row-major matrices, where `op(A)` is `m × k`,
    /// `op(B)` is `k × n` and `C` is `m × n`; `lda`, `ldb`, `ldc` are row strides in elements
    /// (of the stored matrices, before transposition).
    ///
    /// With `beta == 0`, `C` is overwritten and need not be initialised.
    @inlinable
    public static func multiply(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            // oneDNN rejects k = 0; the product is empty, so C = beta · C.
            for row in 0..<m {
                let r = c + row * ldc
                for j in 0..<n { r[j] = beta == 0 ? 0 : beta * r[j] }
            }
            return
        }
        let status = dnnl_sgemm(
            transposeA ? transposed : notTransposed, transposeB ? transposed : notTransposed,
            Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
        precondition(status == dnnl_success,
                     "dnnl_sgemm failed (status \(status.rawValue)) for m \(m) n \(n) k \(k) lda \(lda) ldb \(ldb) ldc \(ldc)")
    }

    /// `count` independent products `C_i = alpha · op(A_i) · op(B_i) + beta · C_i`, where
    /// `A_i = a + i · strideA` and so on. Strides and leading dimensions are free, so a batch can
    /// walk a time-major `(T, B, H)` tensor per sequence (`lda = B·H`, `strideA = H`), as
    /// attention over encoder outputs does.
    @inlinable
    public static func batchedMultiply(
        count: Int,
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, strideA: Int,
        b: UnsafePointer<Float>, ldb: Int, strideB: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int
    ) {
        for i in 0..<count {
            multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                     a: a + i * strideA, lda: lda, b: b + i * strideB, ldb: ldb,
                     beta: beta, c: c + i * strideC, ldc: ldc)
        }
    }

    @usableFromInline static let notTransposed = CChar(UInt8(ascii: "N"))
    @usableFromInline static let transposed = CChar(UInt8(ascii: "T"))
}

extension Tensor {
    /// Matrix product of two rank-2 tensors into `result`:
    /// `result = alpha · op(a) · op(b) + beta · result`.
    ///
    /// - Parameters:
    ///   - a: `(m, k)`, or `(k, m)` with `transposeA`.
    ///   - b: `(k, n)`, or `(n, k)` with `transposeB`.
    ///   - result: `(m, n)`.
    public static func matmul(
        _ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false,
        into result: Tensor, alpha: Float = 1, beta: Float = 0
    ) {
        precondition(a.rank == 2 && b.rank == 2 && result.rank == 2,
                     "matmul needs matrices, got \(a.shape) · \(b.shape) → \(result.shape)")
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (k2, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        precondition(k == k2 && result.shape == [m, n],
                     "matmul shapes \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "") → \(result.shape)")
        GEMM.multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                      a: a.pointer, lda: a.shape[1], b: b.pointer, ldb: b.shape[1],
                      beta: beta, c: result.pointer, ldc: n)
    }

    /// `op(a) · op(b)` as a new tensor (see `matmul(_:transposeA:_:transposeB:into:)`).
    public static func matmul(_ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false) -> Tensor {
        let m = transposeA ? a.shape[1] : a.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        let result = Tensor(zeros: [m, n])
        matmul(a, transposeA: transposeA, b, transposeB: transposeB, into: result)
        return result
    }

    /// Batched matrix product of rank-3 tensors: `result[i] = alpha · op(a[i]) · op(b[i]) + beta · result[i]`.
    ///
    /// - Parameters:
    ///   - a: `(N, m, k)`, or `(N, k, m)` with `transposeA`.
    ///   - b: `(N, k, n)`, or `(N, n, k)` with `transposeB`.
    ///   - result: `(N, m, n)`.
    public static func batchedMatmul(
        _ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false,
        into result: Tensor, alpha: Float = 1, beta: Float = 0
    ) {
        precondition(a.rank == 3 && b.rank == 3 && result.rank == 3 && a.shape[0] == b.shape[0]
                     && a.shape[0] == result.shape[0],
                     "batchedMatmul shapes \(a.shape) · \(b.shape) → \(result.shape)")
        let (m, k) = transposeA ? (a.shape[2], a.shape[1]) : (a.shape[1], a.shape[2])
        let (k2, n) = transposeB ? (b.shape[2], b.shape[1]) : (b.shape[1], b.shape[2])
        precondition(k == k2 && result.shape[1] == m && result.shape[2] == n,
                     "batchedMatmul shapes \(a.shape) · \(b.shape) → \(result.shape)")
        GEMM.batchedMultiply(
            count: a.shape[0], transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a.pointer, lda: a.shape[2], strideA: a.shape[1] * a.shape[2],
            b: b.pointer, ldb: b.shape[2], strideB: b.shape[1] * b.shape[2],
            beta: beta, c: result.pointer, ldc: n, strideC: m * n)
    }
}

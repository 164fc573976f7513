import XCTest
import Tensor
import TestSupport

final class GEMMTests: XCTestCase {
    /// Naive row-major product in Double, the reference.
    func naive(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let av = transposeA ? a[p * m + i] : a[i * k + p]
                    let bv = transposeB ? b[j * k + p] : b[p * n + j]
                    s += Double(av) * Double(bv)
                }
                c[i * n + j] = s
            }
        }
        return c
    }

    func testProductsMatchNaiveForEveryTransposition() {
        let g = RandomGenerator(seed: 1)
        let (m, n, k) = (5, 7, 3)
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let a = Tensor(zeros: transposeA ? [k, m] : [m, k])
                let b = Tensor(zeros: transposeB ? [n, k] : [k, n])
                g.fillUniform(a, bound: 1)
                g.fillUniform(b, bound: 1)
                let c = Tensor.matmul(a, transposeA: transposeA, b, transposeB: transposeB)
                let expected = naive(a.scalars, b.scalars, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
                XCTAssertNil(Tolerance(absolute: 1e-6, relative: 1e-5).mismatchReport(c.scalars, expected, name: "C tA=\(transposeA) tB=\(transposeB)"))
            }
        }
    }

    func testAlphaBetaAccumulate() {
        let a = Tensor(shape: [1, 2], scalars: [1, 2])
        let b = Tensor(shape: [2, 1], scalars: [3, 4])
        let c = Tensor(shape: [1, 1], scalars: [10])
        Tensor.matmul(a, b, into: c, alpha: 2, beta: 0.5)
        XCTAssertEqual(c.scalars, [2 * 11 + 5])
    }

    func testBatchedMatmulMatchesPerItemProducts() {
        let g = RandomGenerator(seed: 2)
        let a = Tensor(zeros: [3, 2, 4]), b = Tensor(zeros: [3, 5, 4])
        g.fillUniform(a, bound: 1)
        g.fillUniform(b, bound: 1)
        let c = Tensor(zeros: [3, 2, 5])
        Tensor.batchedMatmul(a, b, transposeB: true, into: c)
        for i in 0..<3 {
            let expected = naive(a.slice(i).scalars, b.slice(i).scalars, m: 2, n: 5, k: 4, transposeA: false, transposeB: true)
            XCTAssertNil(Tolerance(absolute: 1e-6, relative: 1e-5).mismatchReport(c.slice(i).scalars, expected, name: "batch \(i)"))
        }
    }

    func testStridedBatchWalksTimeMajorTensor() {
        // Scores of one query per sequence against a (T, B, H) memory: batch over B with
        // lda = B·H, the access pattern attention needs.
        let (t, b, h) = (4, 3, 2)
        let memory = Tensor(shape: [t, b, h], scalars: (0..<(t * b * h)).map { Float($0) })
        let query = Tensor(shape: [b, h], scalars: [1, 0, 0, 1, 1, 1])
        let scores = Tensor(zeros: [b, t])
        GEMM.batchedMultiply(count: b, transposeB: true, m: 1, n: t, k: h,
                             a: query.pointer, lda: h, strideA: h,
                             b: memory.pointer, ldb: b * h, strideB: h,
                             c: scores.pointer, ldc: t, strideC: t)
        for s in 0..<b {
            for step in 0..<t {
                let expected = (0..<h).reduce(Float(0)) { $0 + query[s, $1] * memory[step, s, $1] }
                XCTAssertEqual(scores[s, step], expected)
            }
        }
    }

    func testEmptyInnerDimensionScalesC() {
        let c = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let a = Tensor(zeros: [2, 0]), b = Tensor(zeros: [0, 2])
        Tensor.matmul(a, b, into: c, beta: 2)
        XCTAssertEqual(c.scalars, [2, 4, 6, 8])
    }
}

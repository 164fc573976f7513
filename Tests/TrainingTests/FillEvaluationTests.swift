import XCTest
@testable import Training

/// The statistics `fill-eval` prints: scores from ranks, and the paired comparison of two models.
final class FillEvaluationTests: XCTestCase {
    func testScoresFromRanks() {
        let s = FillEvaluation.Scores(ranks: [1, 2, 1, 7])
        XCTAssertEqual(s.accuracyAt1, 0.5)
        XCTAssertEqual(s.accuracyAt5, 0.75)
        XCTAssertEqual(s.meanReciprocalRank, (1 + 0.5 + 1 + 1.0 / 7) / 4, accuracy: 1e-12)
        XCTAssertEqual(s.count, 4)
    }

    /// Exact binomial sums, worked out with whole numbers (Python's fractions.Fraction and
    /// math.comb): 2 · Σ_{k ≤ min} C(n, k) / 2ⁿ.
    func testExactMcNemarPMatchesExactArithmetic() {
        let cases: [(Int, Int, Double)] = [
            (0, 5, 0.0625), (2, 8, 0.109375), (8, 2, 0.109375), (5, 5, 1), (0, 0, 1),
            (45, 93, 5.3730760472650606e-05), (400, 480, 0.007707305043339141),
        ]
        for (b, c, expected) in cases {
            XCTAssertEqual(FillEvaluation.PairedComparison.exactTwoSidedP(b, c), expected, accuracy: expected * 1e-9,
                           "b = \(b), c = \(c)")
        }
    }

    func testPairedCountsOnlyItemsOneModelGotRight() {
        // Items: both right, only A, only B, neither, only A, only A.
        let evaluation = FillEvaluation(ranks: [[1, 1, 3, 2, 1, 1], [1, 4, 1, 5, 2, 9]])
        let c = evaluation.paired(0, 1)
        XCTAssertEqual(c.onlyFirst, 3)
        XCTAssertEqual(c.onlySecond, 1)
        XCTAssertEqual(c.pValue, 0.625, accuracy: 1e-12)   // 2 · (1 + 4) / 16
        XCTAssertEqual(evaluation.paired(1, 0), FillEvaluation.PairedComparison(onlyFirst: 1, onlySecond: 3))
    }
}

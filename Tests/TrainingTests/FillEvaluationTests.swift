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
        XCTAssertEqual(evaluation.paired(1, 0), FillEvaluation.PairedComparison(onlyFirst: 1, onlySecond: 3, items: 6))
        XCTAssertEqual(c.items, 6)
        XCTAssertEqual(c.difference, 2.0 / 6, accuracy: 1e-12)
    }

    /// The paired (Wald) interval, against values worked out by hand: with b = 84, c = 37 of
    /// n = 1000, d = 0.047 and √(121 − 47²/1000) / 1000 = 0.0109; with b = c the interval is
    /// symmetric about 0; with no discordant items it is the point 0.
    func testPairedIntervalOfTheDifference() {
        let c = FillEvaluation.PairedComparison(onlyFirst: 84, onlySecond: 37, items: 1000)
        let se = (121.0 - 47.0 * 47.0 / 1000).squareRoot() / 1000
        XCTAssertEqual(c.difference, 0.047, accuracy: 1e-12)
        XCTAssertEqual(c.interval.lowerBound, 0.047 - 1.959963984540054 * se, accuracy: 1e-12)
        XCTAssertEqual(c.interval.upperBound, 0.047 + 1.959963984540054 * se, accuracy: 1e-12)
        XCTAssertEqual(c.interval.lowerBound, 0.025638, accuracy: 1e-6)
        XCTAssertEqual(c.interval.upperBound, 0.068362, accuracy: 1e-6)
        let even = FillEvaluation.PairedComparison(onlyFirst: 11, onlySecond: 11, items: 1000)
        XCTAssertEqual(even.interval.lowerBound, -even.interval.upperBound, accuracy: 1e-15)
        XCTAssertEqual(even.interval.upperBound, 1.959963984540054 * 22.0.squareRoot() / 1000, accuracy: 1e-12)
        XCTAssertEqual(FillEvaluation.PairedComparison(onlyFirst: 0, onlySecond: 0, items: 5).interval, 0...0)
    }
}

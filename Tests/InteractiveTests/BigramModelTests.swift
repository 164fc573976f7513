import Foundation
import Interactive
import Models
import TestSupport
import XCTest

final class BigramModelTests: XCTestCase {
    func testCountsWithSmoothing() throws {
        let model = BigramModel(sentences: ["a b .", "a c"], smoothing: 0.5)
        // Vocabulary: <unk> <eos> a b . c; after "a": b once, c once, of 2; V = 6.
        XCTAssertEqual(model.words, ["<unk>", "<eos>", "a", "b", ".", "c"])
        var state = try model.makeState()
        try model.feed([2], into: &state)
        let p = try model.nextWordLogProbabilities(state).map { exp(Double($0)) }
        let expected = [0.5, 0.5, 0.5, 1.5, 0.5, 1.5].map { $0 / (2 + 0.5 * 6) }
        XCTAssertNil(Tolerance(absolute: 1e-6, relative: 1e-5).mismatchReport(p, expected))
        // A text starts after an end of sentence: "a" began both sentences.
        let start = try model.nextWordLogProbabilities(try model.makeState()).map { exp(Double($0)) }
        XCTAssertEqual(start[2], 2.5 / 5, accuracy: 1e-6)
    }

    func testTokenizeAndDetokenize() throws {
        let model = BigramModel.demo
        let tokens = try model.tokenize("The stock-market  Zorblat's fell.")
        XCTAssertEqual(tokens.map(\.text), ["the", "stock-market", "zorblat's", "fell", "."])
        XCTAssertEqual(tokens.map(\.isUnknown), [false, true, true, false, false])
        XCTAssertEqual(tokens[1].id, model.unknownID)
        XCTAssertEqual(model.detokenize(["the", "market", "fell", ".", "<eos>", "it", "rose", ",", "then", "fell"]),
                       "the market fell.\nit rose, then fell")
    }

    func testDemoPredictsMarketAfterTheStock() throws {
        let model = BigramModel.demo
        var state = try model.makeState()
        try model.feed(try model.tokenize("the stock").map(\.id), into: &state)
        let best = largestScores(try model.nextWordLogProbabilities(state), count: 1)
        XCTAssertEqual(best.map(model.word(for:)), ["market"])
    }

    func testBadTablesAreRefused() {
        let words = ["<unk>", "<eos>", "a"]
        let good = [[0.2, 0.3, 0.5], [0.2, 0.3, 0.5], [0.2, 0.3, 0.5]]
        XCTAssertNoThrow(try BigramModel(words: words, probabilities: good))
        XCTAssertThrowsError(try BigramModel(words: ["<unk>", "a", "a"], probabilities: good)) {
            XCTAssertEqual($0 as? BigramModelError, .repeatedWord)
        }
        XCTAssertThrowsError(try BigramModel(words: ["x", "<eos>", "a"], probabilities: good))
        XCTAssertThrowsError(try BigramModel(words: words, probabilities: Array(good.prefix(2)))) {
            XCTAssertEqual("\($0)", "the bigram table has 2 entries, but the vocabulary has 3 words")
        }
        var off = good
        off[1] = [0.2, 0.3, 0.6]
        XCTAssertThrowsError(try BigramModel(words: words, probabilities: off)) {
            XCTAssertEqual($0 as? BigramModelError, .notADistribution(row: 1, sum: 0.2 + 0.3 + 0.6))
        }
    }

    func testFeedingAnIDOutsideTheVocabularyThrows() throws {
        let model = try HandTable.model()
        var state = try model.makeState()
        XCTAssertThrowsError(try model.feed([6], into: &state))
        XCTAssertEqual(state, 1, "the state is untouched")
    }
}

final class NextWordLatencyTests: XCTestCase {
    func testReportCountsTheQueriesAndOrdersThePercentiles() throws {
        let report = try NextWordLatency.measure(try HandTable.model(), queries: 50, k: 3, warmUp: 2)
        XCTAssertEqual(report.queries, 50)
        XCTAssertGreaterThan(report.p50, 0)
        XCTAssertLessThanOrEqual(report.p50, report.p99)
    }
}

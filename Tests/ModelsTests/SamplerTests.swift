import Foundation
import Models
import TestSupport
import XCTest

/// The sampler on hand-made distributions, checked against brute-force sorts and, for the
/// frequencies, against the probabilities over many draws. Every draw comes from a fixed seed,
/// so a bound that passes once passes always.
final class SamplerTests: XCTestCase {
    /// xorshift64* (Vigna 2016): the tests need a seeded generator independent of the toolkit's.
    struct TestGenerator: RandomNumberGenerator {
        var state: UInt64
        // Spread the seed over the word; xorshift needs a nonzero state.
        init(seed: UInt64) { state = ((seed &+ 1) &* 0x9E37_79B9_7F4A_7C15) | 1 }
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
    }

    func logs(_ probabilities: [Double]) -> [Float] { probabilities.map { Float(log($0)) } }

    func sampler(temperature: Double = 1, topK: Int = 0, topP: Double = 1) throws -> Sampler {
        try Sampler(options: SamplingOptions(temperature: temperature, topK: topK, topP: topP))
    }

    /// Random log-probability rows with some ties and some impossible words.
    func randomRows(count: Int, size: Int, seed: UInt64) -> [[Float]] {
        var g = TestGenerator(seed: seed)
        return (0..<count).map { _ in
            (0..<size).map { _ in
                let r = g.next() % 100
                if r < 5 { return -.infinity }
                if r < 15 { return -2 } // a tie group
                return -Float(g.next() % 10_000) / 1000
            }
        }
    }

    /// Ids by score descending, ties by lower id, impossible ones left out: the reference order.
    func sortedIDs(_ scores: [Float]) -> [Int] {
        scores.indices.filter { scores[$0] > -.infinity }
            .sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
    }

    func testTemperatureZeroIsArgmaxAndDrawsNothing() throws {
        let s = try sampler(temperature: 0, topK: 2, topP: 0.5)
        var g = TestGenerator(seed: 7)
        let before = g
        for row in randomRows(count: 50, size: 30, seed: 3) {
            XCTAssertEqual(try s.sample(scores: row, using: &g), sortedIDs(row)[0])
        }
        XCTAssertEqual(g.state, before.state, "greedy decoding must not consume random numbers")
        // Ties go to the lower id.
        XCTAssertEqual(try s.sample(scores: [0, 3, 1, 3], using: &g), 1)
    }

    func testTemperatureTowardsZeroBecomesArgmax() throws {
        let row = logs([0.3, 0.25, 0.45])
        let s = try sampler(temperature: 1e-3)
        var g = TestGenerator(seed: 11)
        for _ in 0..<2000 { XCTAssertEqual(try s.sample(scores: row, using: &g), 2) }
    }

    func testTemperatureRescalesTheDistribution() throws {
        let p = [0.5, 0.3, 0.15, 0.05]
        for t in [0.5, 2.0] {
            let got = try sampler(temperature: t).distribution(scores: logs(p))
            let scaled = p.map { pow($0, 1 / t) }
            let total = scaled.reduce(0, +)
            XCTAssertEqual(got.map(\.id), [0, 1, 2, 3])
            XCTAssertNil(Tolerance(absolute: 1e-6, relative: 1e-5).mismatchReport(
                got.map(\.probability), scaled.map { $0 / total }, name: "T = \(t)"))
        }
    }

    func testTopKNeverLeavesTheKBest() throws {
        var g = TestGenerator(seed: 5)
        let rows = randomRows(count: 60, size: 40, seed: 9) + randomRows(count: 20, size: 300, seed: 10)
        for (index, row) in rows.enumerated() {
            let k = [1, 2, 3, 5, 17, 40][index % 6]
            let best = Set(sortedIDs(row).prefix(k))
            let s = try sampler(topK: k)
            XCTAssertEqual(Set(try s.distribution(scores: row).map(\.id)), best, "row \(index), k \(k)")
            for _ in 0..<50 {
                XCTAssertTrue(best.contains(try s.sample(scores: row, using: &g)), "row \(index), k \(k)")
            }
        }
    }

    /// `distribution` in id order: with a filter the sampler keeps no particular order.
    func distribution(_ s: Sampler, _ scores: [Float]) throws -> [(id: Int, probability: Double)] {
        try s.distribution(scores: scores).sorted { $0.id < $1.id }
    }

    func testTopKRenormalisesTheKept() throws {
        let got = try distribution(sampler(topK: 2), logs([0.1, 0.5, 0.3, 0.1]))
        XCTAssertEqual(got.map(\.id), [1, 2])
        XCTAssertNil(Tolerance(absolute: 1e-6, relative: 1e-5).mismatchReport(got.map(\.probability), [0.625, 0.375]))
    }

    func testTopPKeepsTheSmallestSetReachingP() throws {
        let row = logs([0.15, 0.5, 0.05, 0.3])
        let cases: [(Double, [Int])] = [(0.3, [1]), (0.75, [1, 3]), (0.85, [0, 1, 3]), (0.97, [0, 1, 2, 3])]
        for (p, expected) in cases {
            XCTAssertEqual(try distribution(sampler(topP: p), row).map(\.id), expected, "p = \(p)")
        }
        let kept = try distribution(sampler(topP: 0.75), row).map(\.probability)
        XCTAssertNil(Tolerance(absolute: 1e-6, relative: 1e-5).mismatchReport(kept, [0.5 / 0.8, 0.3 / 0.8]))
    }

    /// Against a brute-force nucleus on random rows, alone and after top-k; rows of 50 and of
    /// 300 words, so the quickselect partitions (beyond 16 words) are exercised.
    func testTopPMatchesAFullSort() throws {
        let rows = randomRows(count: 80, size: 50, seed: 21) + randomRows(count: 40, size: 300, seed: 22)
        for (index, row) in rows.enumerated() {
            let p = [0.1, 0.5, 0.9, 0.99][index % 4]
            let k = [0, 0, 3, 25][(index / 4) % 4]
            let order = sortedIDs(row)
            let candidates = k > 0 ? Array(order.prefix(k)) : order
            func weight(_ id: Int) -> Double { exp(Double(row[id]) - Double(row[order[0]])) }
            let weights = candidates.map(weight)
            // Without k the mass is summed in id order, as the sampler sums it.
            let goal = p * (k > 0 ? weights.reduce(0, +) : row.indices.filter { row[$0] > -.infinity }.map(weight).reduce(0, +))
            var kept = 0, cumulative = 0.0
            while kept < candidates.count && (kept == 0 || cumulative < goal) {
                cumulative += weights[kept]
                kept += 1
            }
            let got = try distribution(sampler(topK: k, topP: p), row).map(\.id)
            XCTAssertEqual(got, candidates.prefix(kept).sorted(), "row \(index), p \(p), k \(k)")
        }
    }

    func testSameSeedSameSequenceOtherSeedOtherSequence() throws {
        let row = logs([0.2, 0.2, 0.2, 0.2, 0.2])
        let s = try sampler(topP: 0.9)
        func draws(_ seed: UInt64) throws -> [Int] {
            var g = TestGenerator(seed: seed)
            return try (0..<50).map { _ in try s.sample(scores: row, using: &g) }
        }
        XCTAssertEqual(try draws(42), try draws(42))
        XCTAssertNotEqual(try draws(42), try draws(43))
    }

    func testFrequenciesFollowTheProbabilities() throws {
        let p = [0.5, 0.3, 0.15, 0.05]
        var counts = [0, 0, 0, 0]
        var g = TestGenerator(seed: 2024)
        let s = try sampler()
        let draws = 20_000
        for _ in 0..<draws { counts[try s.sample(scores: logs(p), using: &g)] += 1 }
        // Standard deviation of a frequency is at most 0.0035 here; 0.015 is over four of them.
        for (i, count) in counts.enumerated() {
            XCTAssertEqual(Double(count) / Double(draws), p[i], accuracy: 0.015, "word \(i)")
        }
    }

    func testImpossibleWordsAreNeverDrawn() throws {
        let row: [Float] = [-.infinity, 0, .nan, 0, -.infinity]
        var g = TestGenerator(seed: 1)
        for options in [(1.0, 0, 1.0), (1.0, 4, 1.0), (1.0, 0, 0.99)] {
            let s = try sampler(temperature: options.0, topK: options.1, topP: options.2)
            for _ in 0..<200 { XCTAssertTrue([1, 3].contains(try s.sample(scores: row, using: &g))) }
        }
        XCTAssertThrowsError(try sampler().sample(scores: [-.infinity, .nan], using: &g)) {
            XCTAssertEqual($0 as? SamplingError, .noCandidates)
        }
        XCTAssertThrowsError(try sampler(temperature: 0).sample(scores: [], using: &g))
    }

    func testOptionsOutOfRangeAreRefused() {
        let bad: [(SamplingOptions, SamplingError)] = [
            (SamplingOptions(temperature: -1), .invalidTemperature(-1)),
            (SamplingOptions(temperature: .infinity), .invalidTemperature(.infinity)),
            (SamplingOptions(topK: -2), .invalidTopK(-2)),
            (SamplingOptions(topP: 0), .invalidTopP(0)),
            (SamplingOptions(topP: 1.5), .invalidTopP(1.5)),
        ]
        for (options, error) in bad {
            XCTAssertThrowsError(try Sampler(options: options)) { XCTAssertEqual($0 as? SamplingError, error) }
        }
        XCTAssertThrowsError(try Sampler(options: SamplingOptions(temperature: .nan)))
    }

    func testLargestScores() {
        let scores: [Float] = [0.1, 0.7, -.infinity, 0.7, 0.3, .nan, 0.2]
        XCTAssertEqual(largestScores(scores, count: 3), [1, 3, 4])
        XCTAssertEqual(largestScores(scores, count: 10), [1, 3, 4, 6, 0])
        XCTAssertEqual(largestScores(scores, count: 0), [])
        for (index, row) in randomRows(count: 30, size: 40, seed: 77).enumerated() {
            XCTAssertEqual(largestScores(row, count: 7), Array(sortedIDs(row).prefix(7)), "row \(index)")
        }
    }
}

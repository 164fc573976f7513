import Foundation
import Models
import TestSupport
import XCTest

/// Greedy and beam search on hand-made log-probabilities; no trained model involved.
final class SearchTests: XCTestCase {
    // Vocabulary of the tables: 0 <pad>, 1 <unk>, 2 <bos>, 3 <eos>, then words A B C D.
    let eos = 3, a = 4, b = 5, c = 6, d = 7
    let v = 8

    func model(_ table: [[Int]: [Int: Double]], otherwise: [Int: Double]? = nil) -> MockDecoder {
        let fallback = otherwise ?? [eos: 0.9]
        return MockDecoder(vocabularySize: v) { _, prefix in
            logProbabilities(table[prefix] ?? fallback, vocabularySize: self.v)
        }
    }

    func logP(_ probabilities: Double...) -> Float {
        Float(probabilities.reduce(0) { $0 + log($1) })
    }

    func assertClose(_ actual: Float, _ expected: Float, _ label: String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
        if let report = Tolerance(absolute: 1e-5, relative: 1e-5).mismatchReport([actual], [expected], name: label) {
            XCTFail(report, file: file, line: line)
        }
    }

    /// Greedy takes A (0.5) and ends at 0.5·0.35·0.9; beam 2 keeps B (0.4), which ends at 0.4·0.9.
    func testBeamFindsASequenceGreedyMisses() throws {
        let m = model([
            []: [a: 0.5, b: 0.4],
            [a]: [c: 0.35, eos: 0.3, d: 0.25],
            [a, c]: [eos: 0.9],
            [b]: [eos: 0.9],
        ])
        let greedy = try GreedySearch().search(m, sources: [[9, 9]])[0]
        XCTAssertEqual(greedy.tokens, [a, c])
        assertClose(greedy.logProbability, logP(0.5, 0.35, 0.9))
        let beam = try BeamSearch(beamSize: 2).search(m, sources: [[9, 9]])[0]
        XCTAssertEqual(beam.map(\.tokens), [[b]])
        XCTAssertTrue(beam[0].endedWithEndToken)
        assertClose(beam[0].logProbability, logP(0.4, 0.9))
        XCTAssertGreaterThan(beam[0].logProbability, greedy.logProbability)
    }

    func testNBestListIsOrderedBestFirstWithExactScores() throws {
        let m = model([
            []: [a: 0.5, b: 0.3, c: 0.15],
            [a]: [eos: 0.4, d: 0.5],
            [a, d]: [eos: 0.8],
            [b]: [eos: 0.7],
            [c]: [eos: 0.95],
        ])
        let list = try BeamSearch(beamSize: 3, nBest: 3).search(m, sources: [[1, 1, 1]])[0]
        // a d: 0.2, b: 0.21, a: 0.2 (0.5·0.4), c: 0.1425, a d eos: 0.5·0.5·0.8 = 0.2
        XCTAssertEqual(list.count, 3)
        XCTAssertEqual(list.map(\.tokens), [[b], [a], [a, d]])
        assertClose(list[0].logProbability, logP(0.3, 0.7))
        assertClose(list[1].logProbability, logP(0.5, 0.4))
        assertClose(list[2].logProbability, logP(0.5, 0.5, 0.8))
        XCTAssertEqual(list.map(\.score), list.map(\.score).sorted(by: >))
        for h in list { XCTAssertEqual(h.score, h.logProbability, "α = 0: score is log P") }
    }

    /// [A] ends at 0.6·0.5 = 0.3 after 2 steps; [B C C C C] ends at 0.4·0.91⁵ ≈ 0.2496 after 6.
    /// α = 0 prefers the short one, α = 1 divides by (5+2)/6 against (5+6)/6 and prefers the long.
    func testLengthPenaltyChangesTheWinner() throws {
        var table: [[Int]: [Int: Double]] = [
            []: [a: 0.6, b: 0.4],
            [a]: [eos: 0.5, d: 0.5],
            [a, d]: [eos: 0.1],
        ]
        for k in 0..<4 { table[[b] + Array(repeating: c, count: k)] = [c: 0.91] }
        table[[b, c, c, c, c]] = [eos: 0.91]
        let m = model(table, otherwise: [eos: 0.05])
        let plain = try BeamSearch(beamSize: 2, lengthPenalty: 0).search(m, sources: [[1]])[0][0]
        XCTAssertEqual(plain.tokens, [a])
        let penalized = try BeamSearch(beamSize: 2, lengthPenalty: 1).search(m, sources: [[1]])[0][0]
        XCTAssertEqual(penalized.tokens, [b, c, c, c, c])
        assertClose(penalized.logProbability, logP(0.4, 0.91, 0.91, 0.91, 0.91, 0.91))
        assertClose(penalized.score, penalized.logProbability / (11.0 / 6.0))
        XCTAssertEqual(BeamSearch(lengthPenalty: 1).penalty(length: 2), 7.0 / 6.0, accuracy: 1e-6)
    }

    /// [A] finishes at step 1 (0.3) while [B C] (0.405) is still better and keeps the search
    /// going; every continuation of B then ends below 0.3, so the early hypothesis must win.
    func testFinishedHypothesesAreKeptWhileTheBeamGoesOn() throws {
        let m = model([
            []: [a: 0.5, b: 0.45],
            [a]: [eos: 0.6, c: 0.4],
            [b]: [c: 0.9],
            [b, c]: [eos: 0.5, d: 0.5],
            [a, c]: [eos: 0.2],
        ], otherwise: [eos: 0.3])
        let list = try BeamSearch(beamSize: 2, nBest: 2).search(m, sources: [[1]])[0]
        XCTAssertEqual(list.map(\.tokens), [[a], [b, c]])
        assertClose(list[0].logProbability, logP(0.5, 0.6))
        XCTAssertGreaterThan(m.steps, 2, "the search went on after [A] finished")
    }

    func testMaximumLengthIsRespectedByBothSearches() throws {
        // EOS is never likely: only the limit stops the search.
        let m = MockDecoder(vocabularySize: v) { _, _ in
            logProbabilities([self.eos: 1e-4, self.a: 0.6, self.b: 0.3], vocabularySize: self.v)
        }
        let options = DecodingOptions(maxLengthRatio: 1.5, maxLengthOffset: 1)
        XCTAssertEqual(options.maxLength(sourceLength: 3), 5)
        let greedy = try GreedySearch(options: options).search(m, sources: [[1, 1, 1], [1]])
        XCTAssertEqual(greedy.map(\.tokens.count), [5, 2])
        XCTAssertEqual(greedy.map(\.endedWithEndToken), [false, false])
        XCTAssertEqual(m.steps, 5)
        let beam = try BeamSearch(beamSize: 3, nBest: 3, options: options).search(m, sources: [[1, 1, 1], [1]])
        for (list, limit) in zip(beam, [5, 2]) {
            XCTAssertEqual(list.count, 3)
            for h in list {
                XCTAssertEqual(h.tokens.count, limit)
                XCTAssertFalse(h.endedWithEndToken)
            }
        }
        XCTAssertEqual(beam[0][0].tokens, [a, a, a, a, a])
    }

    func testMinimumLengthDelaysTheEndToken() throws {
        let m = MockDecoder(vocabularySize: v) { _, _ in
            logProbabilities([self.eos: 0.7, self.b: 0.2], vocabularySize: self.v)
        }
        let options = DecodingOptions(minLength: 2)
        let greedy = try GreedySearch(options: options).search(m, sources: [[1]])[0]
        XCTAssertEqual(greedy.tokens, [b, b])
        XCTAssertTrue(greedy.endedWithEndToken)
        let beam = try BeamSearch(beamSize: 2, options: options).search(m, sources: [[1]])[0][0]
        XCTAssertEqual(beam.tokens, [b, b])
    }

    func testBeamOfOneEqualsGreedy() throws {
        let sources = [[1, 1, 1], [1], [1, 1, 1, 1, 1, 1], [1, 1]]
        for alpha: Float in [0, 0.6, 2] {
            for seed in 0..<6 {
                let m = MockDecoder(vocabularySize: 6) { s, prefix in
                    pseudoRandomLogProbabilities(sentence: s + 100 * seed, prefix: prefix, vocabularySize: 6)
                }
                let greedy = try GreedySearch().search(m, sources: sources)
                let beam = try BeamSearch(beamSize: 1, lengthPenalty: alpha).search(m, sources: sources)
                XCTAssertEqual(beam.map { $0[0].tokens }, greedy.map(\.tokens), "α \(alpha) seed \(seed)")
                XCTAssertEqual(beam.map { $0[0].logProbability }, greedy.map(\.logProbability))
                XCTAssertEqual(beam.map { $0[0].endedWithEndToken }, greedy.map(\.endedWithEndToken))
            }
        }
    }

    /// A batch gives each sentence what it gets alone: rows are selected per sentence correctly,
    /// and finished sentences leave the model's batch.
    func testBatchedSearchEqualsOneSentenceAtATime() throws {
        let sources = [[1, 1, 1, 1], [1], [1, 1], [1, 1, 1, 1, 1, 1, 1]]
        let search = BeamSearch(beamSize: 3, nBest: 2, lengthPenalty: 0.6)
        func make(offset: Int) -> MockDecoder {
            MockDecoder(vocabularySize: 7) { s, prefix in
                pseudoRandomLogProbabilities(sentence: s + offset, prefix: prefix, vocabularySize: 7)
            }
        }
        let batchModel = make(offset: 0)
        let batched = try search.search(batchModel, sources: sources)
        let greedyBatched = try GreedySearch().search(make(offset: 0), sources: sources)
        var expectedRows: [Int] = []
        for (i, source) in sources.enumerated() {
            let aloneModel = make(offset: i)
            let alone = try search.search(aloneModel, sources: [source])[0]
            XCTAssertEqual(batched[i], alone, "sentence \(i)")
            XCTAssertEqual(greedyBatched[i], try GreedySearch().search(make(offset: i), sources: [source])[0])
            for (t, rows) in aloneModel.rowsPerStep.enumerated() {
                if t == expectedRows.count { expectedRows.append(0) }
                expectedRows[t] += rows
            }
        }
        // The model computed exactly the rows of the sentences still running at each step.
        XCTAssertEqual(batchModel.rowsPerStep, expectedRows)
        XCTAssertGreaterThan(Set(batched.map { $0[0].length }).count, 1, "sentences end at different steps")
    }

    /// Each hypothesis carries the attention the model gave while producing each of its tokens.
    func testHypothesesCarryTheirAttentionRows() throws {
        let sourceLengths = [3, 5]
        func weights(_ s: Int, _ prefix: [Int]) -> [Float] {
            let n = sourceLengths[s]
            let focus = (prefix.reduce(s, +)) % n
            return (0..<n).map { $0 == focus ? 0.7 : 0.3 / Float(n - 1) }
        }
        let m = MockDecoder(vocabularySize: 7, sourceLengths: sourceLengths, distribution: { s, prefix in
            pseudoRandomLogProbabilities(sentence: s, prefix: prefix, vocabularySize: 7)
        }, attention: weights)
        let sources = sourceLengths.map { Array(repeating: 1, count: $0) }
        let beam = try BeamSearch(beamSize: 3, nBest: 3).search(m, sources: sources)
        let greedy = try GreedySearch().search(m, sources: sources)
        for s in sources.indices {
            for h in beam[s] + [greedy[s]] {
                XCTAssertEqual(h.attention.count, h.length)
                for step in 0..<h.length {
                    XCTAssertEqual(h.attention[step], weights(s, Array(h.tokens.prefix(step))), "step \(step)")
                }
            }
        }
    }

    func testUnknownTokensTakeTheMostAttendedSourceWord() {
        let source = ["Herr", "Schmidt", "kauft", "Brot", "."]
        let output = ["Mr", "<unk>", "buys", "<unk>", "<unk>"]
        let attention: [[Float]] = [
            [0.9, 0.1, 0, 0, 0],
            [0.2, 0.7, 0.1, 0, 0],
            [0, 0, 1, 0, 0],
            [0.1, 0.1, 0.1, 0.35, 0.35, 0.9],  // tie → first; column past the source ignored
        ]
        XCTAssertEqual(replaceUnknowns(output: output, attention: attention, source: source),
                       ["Mr", "Schmidt", "buys", "Brot", "<unk>"])
    }

    func testInvalidOptionsAndBadModelOutputThrow() throws {
        let m = model([:])
        XCTAssertThrowsError(try BeamSearch(beamSize: 2, nBest: 3).search(m, sources: [[1]]))
        XCTAssertThrowsError(try BeamSearch(beamSize: 0).search(m, sources: [[1]]))
        XCTAssertThrowsError(try GreedySearch(options: DecodingOptions(endToken: 99)).search(m, sources: [[1]]))
        let short = MockDecoder(vocabularySize: v) { _, _ in [0, 0] }
        XCTAssertThrowsError(try GreedySearch().search(short, sources: [[1]])) { error in
            XCTAssertEqual(error as? DecodingError, .modelOutputSize(what: "log-probability", expected: 8, got: 2))
        }
        XCTAssertEqual(try BeamSearch().search(m, sources: []).count, 0)
    }
}

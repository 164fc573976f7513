import Foundation
import NN
import Tensor
import TestSupport
import XCTest
@testable import Models

final class ClozeModelTests: XCTestCase {
    override func setUp() {
        Threads.setCount(1)
    }

    /// Three sentences of different lengths over a vocabulary of 9 (ids 4…8 are words).
    let sentences: [[Int32]] = [[4, 5, 6, 7], [8], [5, 5, 6]]

    func model(cell: RecurrentCellKind = .lstm, projection: Int? = 5, layers: Int = 2) -> ClozeModel {
        let c = ClozeModelConfiguration(vocabularySize: 9, embeddingSize: 4, hiddenSize: 3, layers: layers, cell: cell,
                                        dropout: 0, projectionSize: projection)
        return ClozeModel(configuration: c, initRange: 0.5, generator: RandomGenerator(seed: 3))
    }

    func testBatchFramesPadsAndListsEveryWord() {
        let batch = ClozeBatch(sentences: sentences)
        XCTAssertEqual(batch.steps, 6)
        XCTAssertEqual(batch.lengths, [6, 3, 5])
        XCTAssertEqual(batch.tokens, [2, 2, 2,  4, 8, 5,  5, 3, 5,  6, 0, 6,  7, 0, 3,  3, 0, 0])
        // Time-major: first words of all sentences, then second words…
        XCTAssertEqual(batch.positions, [3, 4, 5, 6, 8, 9, 11, 12])
        XCTAssertEqual(batch.targets, [4, 8, 5, 5, 5, 6, 6, 7])
        let some = ClozeBatch(sentences: sentences, predicting: [[2], [], [0, 2]])
        XCTAssertEqual(some.positions, [9, 5, 11])
        XCTAssertEqual(some.targets, [6, 5, 6])
    }

    /// Every named gradient against finite differences of the mean loss: with the projection and
    /// some positions trained without right context (a fixed draw), and without either but with
    /// embedding dropout (a fixed draw of rows).
    func testGradientsMatchFiniteDifferences() throws {
        let batch = ClozeBatch(sentences: sentences)
        var check = GradientCheck()
        check.maximumProbes = 10
        for (cell, projection, leftOnly, rowDropout) in [(RecurrentCellKind.lstm, Optional(5), Float(0.4), Float(0)),
                                                         (.gru, nil, 0, 0.3)] {
            let c = ClozeModelConfiguration(vocabularySize: 9, embeddingSize: 4, hiddenSize: 3, layers: 2, cell: cell,
                                            dropout: 0, projectionSize: projection, leftOnlyRate: leftOnly,
                                            embeddingDropout: rowDropout)
            let m = ClozeModel(configuration: c, initRange: 0.5, generator: RandomGenerator(seed: 3))
            m.parameters.zeroGradients()
            let r = m.trainStep(batch, generator: RandomGenerator(seed: 1))
            XCTAssertEqual(r.count, 8)
            if leftOnly > 0 { XCTAssertTrue(m.leftOnly.contains(true) && m.leftOnly.contains(false)) }
            if rowDropout > 0 {
                // Among the rows checked below, seed 1 drops some and keeps others.
                let mask = try XCTUnwrap(m.embedding.rowMask).scalars
                XCTAssertTrue((2...8).contains { mask[$0] == 0 } && (2...8).contains { mask[$0] > 1 }, "\(mask)")
            }
            // The same draw of left-only positions and embedding rows as the training step.
            let loss = { m.criterion.loss(logits: m.logits(batch, training: true, generator: RandomGenerator(seed: 1)),
                                          targets: batch.targets).loss }
            XCTAssertEqual(r.totalLoss / 8, loss(), accuracy: 1e-5)
            let name = "\(cell) projection=\(projection ?? 0) left-only=\(leftOnly) embedding dropout=\(rowDropout)"
            for entry in m.parameters.unique where entry.name != "encoder.weight" {
                if let report = check.report(entry.parameter.value, analytic: entry.parameter.gradient,
                                             name: "\(name) \(entry.name)", loss: loss) {
                    XCTFail(report)
                }
            }
            // Embedding rows of the frame and the words (the padding row and <unk> get nothing,
            // nor do dropped rows).
            let embedding = m.embedding.weight
            XCTAssertEqual(embedding.gradient.slice(0).scalars, [0, 0, 0, 0])
            XCTAssertEqual(embedding.gradient.slice(1).scalars, [0, 0, 0, 0])
            for row in 2...8 {
                if let report = check.report(embedding.value.slice(row), analytic: embedding.gradient.slice(row),
                                             name: "\(name) embedding row \(row)", loss: loss) {
                    XCTFail(report)
                }
            }
        }
        // Tied: the shared matrix is listed once, and every row of it (the padding row and
        // <unk> included: the output layer scores them) gets the gradient of both uses. With
        // weight drop and embedding dropout, whose masks come from the same seeded generator in
        // the loss below: a dropped row still gets the output layer's gradient.
        let tied = ClozeModel(configuration: ClozeModelConfiguration(vocabularySize: 9, embeddingSize: 4, hiddenSize: 3, layers: 2,
                                                                     dropout: 0, projectionSize: 4, leftOnlyRate: 0.3, tieWeights: true,
                                                                     weightDrop: 0.3, embeddingDropout: 0.4),
                              initRange: 0.5, generator: RandomGenerator(seed: 4))
        XCTAssertTrue(tied.decoder.weight === tied.embedding.weight)
        XCTAssertEqual(tied.parameters.unique.count, tied.parameters.entries.count - 1)
        tied.parameters.zeroGradients()
        _ = tied.trainStep(batch, generator: RandomGenerator(seed: 1))
        let rowMask = try XCTUnwrap(tied.embedding.rowMask).scalars
        XCTAssertTrue(rowMask.contains(0) && rowMask.contains(1 / 0.6), "seed 1 drops some rows and keeps others: \(rowMask)")
        let tiedLoss = { tied.criterion.loss(logits: tied.logits(batch, training: true, generator: RandomGenerator(seed: 1)),
                                             targets: batch.targets).loss }
        for entry in tied.parameters.unique where entry.name != "encoder.weight" {   // its rows: below
            if let report = check.report(entry.parameter.value, analytic: entry.parameter.gradient,
                                         name: "tied \(entry.name)", loss: tiedLoss) {
                XCTFail(report)
            }
        }
        for row in 0..<9 {
            let weight = tied.embedding.weight
            if let report = check.report(weight.value.slice(row), analytic: weight.gradient.slice(row),
                                         name: "tied embedding row \(row)", loss: tiedLoss) {
                XCTFail(report)
            }
        }
        // Without left-only positions, training and evaluation agree.
        let m = model()
        XCTAssertEqual(m.trainStep(batch, generator: RandomGenerator(seed: 1)).totalLoss, m.evaluate(batch).totalLoss,
                       accuracy: 1e-5)
    }

    /// A word's prediction never reads the word itself, and reads both sides: changing the
    /// word leaves its log-probabilities unchanged; changing a word left or right of it does not.
    func testPredictionReadsBothSidesButNotTheWordItself() {
        let m = model()
        func row(_ sentence: [Int32]) -> [Float] {
            m.logProbabilities(ClozeBatch(sentences: [sentence], predicting: [[1]])).scalars
        }
        let base = row([4, 5, 6])
        XCTAssertEqual(row([4, 8, 6]), base)
        XCTAssertNotEqual(row([7, 5, 6]), base)
        XCTAssertNotEqual(row([4, 5, 7]), base)
        XCTAssertEqual(base.map { exp(Double($0)) }.reduce(0, +), 1, accuracy: 1e-5)
    }

    /// Padding and batch neighbours change nothing: a sentence alone and within a padded batch
    /// give the same log-probabilities.
    func testBatchingDoesNotChangePredictions() {
        let m = model()
        let together = m.logProbabilities(ClozeBatch(sentences: sentences, predicting: [[0, 3], [0], [1]]))
        let first = m.logProbabilities(ClozeBatch(sentences: [sentences[0]], predicting: [[0, 3]]))
        let second = m.logProbabilities(ClozeBatch(sentences: [sentences[1]], predicting: [[0]]))
        let third = m.logProbabilities(ClozeBatch(sentences: [sentences[2]], predicting: [[1]]))
        let tolerance = Tolerance(absolute: 1e-5, relative: 1e-5)
        XCTAssertNil(tolerance.mismatchReport(together.scalars, first.scalars + second.scalars + third.scalars, name: "batched"))
    }

    /// The left-only path (the REPL's next word) equals the batch path with the backward half
    /// zeroed, which is what `leftOnlyRate` trains.
    func testLeftOnlyStepMatchesTheTrainedFeatures() {
        let m = model()
        let state = m.zeroLeftState()
        for token: Int32 in [2, 4, 5] { m.stepLeft(token: token, state: state) }
        let logits = Tensor(zeros: [1, 9])
        m.leftOnlyLogits(state: state, into: logits)
        // The forward stack's state after <bos> 4 5 is the sequence forward's at step 2.
        let batch = ClozeBatch(sentences: [[4, 5, 6]], predicting: [[2]])
        let (forward, _) = m.forwardRNN.forward(m.embedding.forward(batch.tokens, shape: [5, 1]), lengths: [5])
        XCTAssertNil(Tolerance(absolute: 1e-6, relative: 1e-5).mismatchReport(
            Array(state.hidden.slice(1).scalars), Array(forward.slice(2).scalars), name: "left state"))
        XCTAssertTrue(logits.scalars.allSatisfy(\.isFinite))
    }

    /// Tying needs the output layer's input as wide as the embedding; runs saved before tying
    /// existed read as untied.
    func testConfigurationChecksWidthsAndRatesAndOldConfigsReadAsUntiedWithoutWeightDrop() throws {
        var c = ClozeModelConfiguration(vocabularySize: 9, embeddingSize: 4, hiddenSize: 3, layers: 1, projectionSize: 5, tieWeights: true)
        XCTAssertEqual(c.problem, "tied weights need the projection (5) to be as wide as the embedding (4)")
        c.projectionSize = nil
        XCTAssertEqual(c.problem, "tied weights need both directions' states (2 × 3) to be as wide as the embedding (4)")
        c.embeddingSize = 6
        XCTAssertNil(c.problem)
        let old = #"{"vocabularySize":9,"embeddingSize":4,"hiddenSize":3,"layers":1,"cell":"lstm","dropout":0,"leftOnlyRate":0.1}"#
        let read = try JSONDecoder().decode(ClozeModelConfiguration.self, from: Data(old.utf8))
        XCTAssertFalse(read.tieWeights)
        XCTAssertNil(read.projectionSize)
        XCTAssertEqual(read.weightDrop, 0)
        XCTAssertEqual(read.embeddingDropout, 0)
        c.weightDrop = 1
        XCTAssertEqual(c.problem, "the weight drop must lie in [0, 1), not 1.0")
        c.weightDrop = 0.5
        c.embeddingDropout = -0.1
        XCTAssertEqual(c.problem, "the embedding dropout must lie in [0, 1), not -0.1")
        c.embeddingDropout = 0.1
        XCTAssertEqual(try JSONDecoder().decode(ClozeModelConfiguration.self, from: JSONEncoder().encode(c)), c)
    }

    /// With dropout and the left-only rate, training is still deterministic for a seed.
    func testTrainingStepIsDeterministicForASeed() {
        func losses() -> [Double] {
            let c = ClozeModelConfiguration(vocabularySize: 9, embeddingSize: 4, hiddenSize: 3, layers: 2, dropout: 0.3,
                                            projectionSize: 5, leftOnlyRate: 0.5)
            let m = ClozeModel(configuration: c, generator: RandomGenerator(seed: 5))
            let g = RandomGenerator(seed: 9)
            return (0..<3).map { _ in m.trainStep(ClozeBatch(sentences: sentences), generator: g).totalLoss }
        }
        XCTAssertEqual(losses(), losses())
    }
}

/// One training step of the cloze model against PyTorch (Tests/Fixtures/cloze_step.safetensors,
/// from scripts/reference/make_cloze_fixture.py): logits of every word position of a padded
/// batch, the mean loss, every named gradient, and the parameters after one Adam step.
final class ClozeFixtureTests: XCTestCase {
    struct Config: Decodable {
        var vocab: Int
        var embedding: Int
        var hidden: Int
        var layers: Int
        var projection: Int
        var tie: Bool?
    }

    func testOneStepMatchesPyTorch() throws {
        try oneStep("cloze_step.safetensors")
    }

    /// The output layer tied to the embedding: the shared matrix's gradient sums the lookup's
    /// and the output layer's (PyTorch's `decoder.weight = encoder.weight`).
    func testOneStepWithTiedWeightsMatchesPyTorch() throws {
        try oneStep("cloze_step_tied.safetensors", tied: true)
    }

    func oneStep(_ fixture: String, tied: Bool = false) throws {
        Threads.setCount(1)
        let file = try Fixture.load(fixture)
        let config = try JSONDecoder().decode(Config.self, from: Data((file.metadata["config"] ?? "").utf8))
        XCTAssertEqual(config.tie ?? false, tied)
        let model = ClozeModel(
            configuration: ClozeModelConfiguration(vocabularySize: config.vocab, embeddingSize: config.embedding,
                                                   hiddenSize: config.hidden, layers: config.layers,
                                                   projectionSize: config.projection, tieWeights: tied),
            generator: RandomGenerator(seed: 1))
        XCTAssertEqual(model.decoder.weight === model.embedding.weight, tied)
        for entry in model.parameters.entries {
            entry.parameter.value.assign(try file.tensor(named: "initial.\(entry.name)", shape: entry.parameter.shape))
        }
        // The fixture's padded batch, read back into sentences.
        let tokens = try file.requireIndices("tokens"), lengths = try file.requireIndices("lengths").map(Int.init)
        let b = lengths.count
        let sentences = lengths.enumerated().map { column, n in (1..<(n - 1)).map { tokens[$0 * b + column] } }
        let batch = ClozeBatch(sentences: sentences)
        XCTAssertEqual(batch.tokens, tokens)
        XCTAssertEqual(batch.targets, try file.requireIndices("targets"))

        let tolerance = Tolerance()
        let logits = model.logits(batch, training: false, generator: nil).copy()
        XCTAssertNil(tolerance.report(logits, try file.require("logits"), name: "logits"))
        model.parameters.zeroGradients()
        let r = model.trainStep(batch, generator: RandomGenerator(seed: 1))
        XCTAssertNil(tolerance.mismatchReport([r.totalLoss / Double(r.count)], try file.require("loss").scalars.map(Double.init), name: "loss"))
        var compared = 0
        for entry in model.parameters.entries {
            XCTAssertNil(tolerance.report(entry.parameter.gradient, try file.require("grad.\(entry.name)"), name: "grad \(entry.name)"))
            compared += 1
        }
        XCTAssertEqual(compared, file.names.filter { $0.hasPrefix("grad.") }.count, "every gradient of the fixture is compared")
        Adam(parameters: model.parameters, learningRate: 0.01).step()
        for entry in model.parameters.entries {
            XCTAssertNil(tolerance.report(entry.parameter.value, try file.require("after_adam.\(entry.name)"), name: "after Adam \(entry.name)"))
        }
    }
}

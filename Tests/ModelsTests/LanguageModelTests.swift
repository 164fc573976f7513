import Foundation
import NN
import Tensor
import TestSupport
import XCTest
@testable import Models

final class LanguageModelTests: XCTestCase {
    /// Tokens (T=4, B=3) over a vocabulary of 9.
    let inputs: [Int32] = [4, 5, 6, 7, 8, 4, 5, 5, 6, 8, 7, 4]
    let targets: [Int32] = [5, 6, 7, 8, 4, 5, 6, 6, 7, 4, 8, 5]

    func model(cell: RecurrentCellKind = .lstm, tie: Bool = false, layers: Int = 2) -> LanguageModel {
        let c = LanguageModelConfiguration(vocabularySize: 9, embeddingSize: 6, hiddenSize: 6, layers: layers,
                                           cell: cell, dropout: 0, tieWeights: tie)
        return LanguageModel(configuration: c, initRange: 0.3, generator: RandomGenerator(seed: 7))
    }

    /// Every named gradient, including the carried initial state's effect, against finite
    /// differences of the mean loss.
    func testGradientsMatchFiniteDifferences() {
        for (cell, tie) in [(RecurrentCellKind.lstm, false), (.lstm, true), (.gru, false), (.rnn, true)] {
            let m = model(cell: cell, tie: tie)
            let state = m.zeroState(batchSize: 3)
            state.cell?.fill(0.1)
            state.hidden.fill(-0.2)
            m.parameters.zeroGradients()
            let r = m.trainStep(inputs: inputs, targets: targets, steps: 4, batch: 3, initialState: state,
                                generator: RandomGenerator(seed: 1))
            XCTAssertEqual(r.count, 12)
            let loss = { m.evaluate(inputs: self.inputs, targets: self.targets, steps: 4, batch: 3, initialState: state).totalLoss / 12 }
            XCTAssertEqual(r.totalLoss / 12, loss(), accuracy: 1e-5, "training and evaluation agree without dropout")
            for entry in m.parameters.unique {
                if let report = GradientCheck().report(entry.parameter.value, analytic: entry.parameter.gradient,
                                                       name: "\(cell) tie=\(tie) \(entry.name)", loss: loss) {
                    XCTFail(report)
                }
            }
        }
    }

    func testTiedModelSharesOneMatrixUnderBothNames() {
        let m = model(tie: true)
        XCTAssertTrue(m.parameters.parameter(named: "encoder.weight") === m.parameters.parameter(named: "decoder.weight"))
        XCTAssertEqual(m.parameters.entries.count, m.parameters.unique.count + 1)
    }

    /// The cache-free step path gives the same logits as the sequence forward (whose logits
    /// leave the bias to the loss).
    func testStepMatchesSequenceForward() {
        let m = model()
        let (logits, _) = m.logits(inputs: inputs, steps: 4, batch: 3, initialState: m.zeroState(batchSize: 3),
                                   training: false, generator: nil)
        let bias = m.decoder.bias!.value.scalars
        let expected = Tensor(shape: logits.shape, scalars: logits.scalars.enumerated().map { $1 + bias[$0 % 9] })  // (T·B, V)
        let state = m.zeroState(batchSize: 3)
        let out = Tensor(zeros: [3, 9])
        for t in 0..<4 {
            m.step(tokens: Array(inputs[(t * 3)..<(t * 3 + 3)]), state: state, logits: out)
            let row = Array(expected.scalars[(t * 27)..<(t * 27 + 27)])
            if let report = Tolerance().mismatchReport(out.scalars, row, name: "step \(t)") { XCTFail(report) }
        }
    }

    func testDropoutChangesTrainingButNotEvaluation() {
        var c = model().configuration
        c.dropout = 0.5
        let m = LanguageModel(configuration: c, initRange: 0.3, generator: RandomGenerator(seed: 7))
        let zero = m.zeroState(batchSize: 3)
        let a = m.evaluate(inputs: inputs, targets: targets, steps: 4, batch: 3, initialState: zero).totalLoss
        let b = m.evaluate(inputs: inputs, targets: targets, steps: 4, batch: 3, initialState: zero).totalLoss
        XCTAssertEqual(a, b)
        let t1 = m.trainStep(inputs: inputs, targets: targets, steps: 4, batch: 3, initialState: zero,
                             generator: RandomGenerator(seed: 1)).totalLoss
        let t2 = m.trainStep(inputs: inputs, targets: targets, steps: 4, batch: 3, initialState: zero,
                             generator: RandomGenerator(seed: 2)).totalLoss
        XCTAssertNotEqual(t1, t2)
    }

    /// Weight drop reaches the recurrent stack and embedding dropout the embedding: training
    /// passes differ by seed and repeat for one; evaluation is the model without them.
    func testWeightDropAndEmbeddingDropoutChangeTrainingButNotEvaluation() {
        let plain = model()
        var weightDrop = plain.configuration, embeddingDropout = plain.configuration
        weightDrop.weightDrop = 0.5
        embeddingDropout.embeddingDropout = 0.5
        for (name, c) in [("weight drop", weightDrop), ("embedding dropout", embeddingDropout)] {
            let m = LanguageModel(configuration: c, initRange: 0.3, generator: RandomGenerator(seed: 7))
            XCTAssertEqual(m.rnn.hiddenWeightDrop, c.weightDrop, name)
            XCTAssertEqual(m.embedding.rowDropout, c.embeddingDropout, name)
            let zero = m.zeroState(batchSize: 3)
            func evaluate(_ model: LanguageModel) -> Double {
                model.evaluate(inputs: inputs, targets: targets, steps: 4, batch: 3, initialState: zero).totalLoss
            }
            XCTAssertEqual(evaluate(m), evaluate(plain), name)
            func train(seed: UInt64) -> Double {
                m.parameters.zeroGradients()
                return m.trainStep(inputs: inputs, targets: targets, steps: 4, batch: 3, initialState: zero,
                                   generator: RandomGenerator(seed: seed)).totalLoss
            }
            XCTAssertEqual(train(seed: 1), train(seed: 1), name)
            XCTAssertNotEqual(train(seed: 1), train(seed: 2), name)
            XCTAssertNotEqual(train(seed: 1), evaluate(m), name)
        }
    }

    func testConfigurationProblemsAreSentences() {
        var c = LanguageModelConfiguration(vocabularySize: 100, embeddingSize: 8, hiddenSize: 16, layers: 1, tieWeights: true)
        XCTAssertEqual(c.problem, "tied weights need the embedding size (8) to equal the hidden size (16)")
        c.tieWeights = false
        XCTAssertNil(c.problem)
        c.dropout = 1
        XCTAssertEqual(c.problem, "dropout must lie in [0, 1), not 1.0")
        c.dropout = 0
        c.weightDrop = 1
        XCTAssertEqual(c.problem, "the weight drop must lie in [0, 1), not 1.0")
        c.weightDrop = 0
        c.embeddingDropout = 1
        XCTAssertEqual(c.problem, "the embedding dropout must lie in [0, 1), not 1.0")
    }

    func testConfigurationsSavedBeforeWeightDropReadWithoutIt() throws {
        let old = #"{"vocabularySize":9,"embeddingSize":4,"hiddenSize":4,"layers":2,"cell":"lstm","dropout":0.2,"tieWeights":true}"#
        let read = try JSONDecoder().decode(LanguageModelConfiguration.self, from: Data(old.utf8))
        XCTAssertEqual(read, LanguageModelConfiguration(vocabularySize: 9, embeddingSize: 4, hiddenSize: 4, layers: 2,
                                                        dropout: 0.2, tieWeights: true))
        XCTAssertEqual(read.embeddingDropout, 0)
        var c = read
        c.weightDrop = 0.25
        c.embeddingDropout = 0.1
        XCTAssertEqual(try JSONDecoder().decode(LanguageModelConfiguration.self, from: JSONEncoder().encode(c)), c)
    }
}

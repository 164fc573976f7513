import NN
import Tensor
import XCTest
@testable import Models

/// The parameter counts worked out from a configuration's sizes (used to check a run folder
/// before a model is built) equal those of the models built from it.
final class ParameterCountTests: XCTestCase {
    func testLanguageModelCountMatchesTheBuiltModel() {
        for cell in [RecurrentCellKind.lstm, .gru, .rnn] {
            for (embedding, hidden, layers, tied) in [(5, 5, 1, false), (5, 5, 2, true), (4, 6, 3, false)] {
                let c = LanguageModelConfiguration(vocabularySize: 11, embeddingSize: embedding, hiddenSize: hidden,
                                                   layers: layers, cell: cell, tieWeights: tied)
                XCTAssertNil(c.problem)
                let built = LanguageModel(configuration: c, generator: RandomGenerator(seed: 1)).parameters.scalarCount
                XCTAssertEqual(c.parameterCount, Double(built), "\(c)")
            }
        }
        // zaremba-small on PTB, as `train` printed it.
        XCTAssertEqual(LanguageModelConfiguration(vocabularySize: 10_002, embeddingSize: 200, hiddenSize: 200,
                                                  layers: 2).parameterCount, 4_654_002)
    }

    func testClozeModelCountMatchesTheBuiltModel() {
        for cell in [RecurrentCellKind.lstm, .gru] {
            for (embedding, hidden, layers, projection, tied) in [(5, 3, 1, nil, false), (6, 3, 2, nil, true),
                                                                  (4, 5, 2, 4, true), (4, 5, 1, 7, false)] as [(Int, Int, Int, Int?, Bool)] {
                let c = ClozeModelConfiguration(vocabularySize: 9, embeddingSize: embedding, hiddenSize: hidden, layers: layers,
                                                cell: cell, projectionSize: projection, tieWeights: tied)
                XCTAssertNil(c.problem, "\(c)")
                let built = ClozeModel(configuration: c, generator: RandomGenerator(seed: 1)).parameters.scalarCount
                XCTAssertEqual(c.parameterCount, Double(built), "\(c)")
            }
        }
    }

    func testSequenceRegressorCountMatchesTheBuiltModel() {
        for cell in [RecurrentCellKind.lstm, .gru, .rnn] {
            for (input, hidden, layers, bidirectional, output) in [(1, 4, 1, false, 1), (3, 5, 2, true, 2), (2, 3, 3, false, 4),
                                                                   (1, 2, 2, true, 1)] {
                let c = SequenceRegressorConfiguration(cell: cell, inputSize: input, hiddenSize: hidden, layers: layers,
                                                       bidirectional: bidirectional, outputSize: output)
                XCTAssertNil(c.problem, "\(c)")
                let built = SequenceRegressor(configuration: c, generator: RandomGenerator(seed: 1)).registry.scalarCount
                XCTAssertEqual(c.parameterCount, Double(built), "\(c)")
            }
        }
    }

    /// Sizes no machine could hold still give a finite count (no overflow trap).
    func testAbsurdSizesGiveAFiniteCount() {
        let c = ClozeModelConfiguration(vocabularySize: Int.max, embeddingSize: Int.max, hiddenSize: 2_000_000_000, layers: 1_000_000,
                                        projectionSize: Int.max)
        XCTAssertTrue(c.parameterCount.isFinite && c.parameterCount > 1e30)
    }

    /// Every kind of model refuses sizes whose weights alone exceed any machine's memory, as a
    /// problem found before anything is allocated (building it would trap).
    func testSizesBeyondMemoryAreAProblem() throws {
        let huge = 2_000_000_000
        let lm = LanguageModelConfiguration(vocabularySize: 10, embeddingSize: 8, hiddenSize: huge, layers: 1)
        XCTAssertTrue(lm.problem?.hasPrefix("the model would have 1.6e+19 parameters, about 64.0 EB to use (4 bytes each), "
                                            + "more than this machine's ") == true, lm.problem ?? "nil")
        let cloze = ClozeModelConfiguration(vocabularySize: 10, embeddingSize: 8, hiddenSize: huge, layers: 1)
        XCTAssertTrue(cloze.problem?.contains("to use (4 bytes each)") == true, cloze.problem ?? "nil")
        let regressor = SequenceRegressorConfiguration(hiddenSize: huge)
        XCTAssertTrue(regressor.problem?.contains("to use (4 bytes each)") == true, regressor.problem ?? "nil")
        let translator = TranslatorConfiguration(sourceVocabularySize: 9, targetVocabularySize: 9, decoderHiddenSize: huge)
        XCTAssertThrowsError(try translator.validate()) { error in
            XCTAssertTrue("\(error)".contains("to use (4 bytes each)"), "\(error)")
        }
        // Sizes whose arithmetic would overflow Int, or a layer count no loop could sum, are
        // answered at once with a sentence, not a trap or a hang.
        let overflowing = [
            ClozeModelConfiguration(vocabularySize: 10, embeddingSize: 8, hiddenSize: Int.max, layers: 1, tieWeights: true).problem,
            LanguageModelConfiguration(vocabularySize: 10, embeddingSize: 8, hiddenSize: 8, layers: Int.max).problem,
            SequenceRegressorConfiguration(hiddenSize: 8, layers: Int.max, bidirectional: true).problem,
        ]
        XCTAssertEqual(overflowing[0], "tied weights need both directions' states (2 × \(Int.max)) to be as wide as the embedding (8)")
        for problem in overflowing.dropFirst() {
            XCTAssertTrue(problem?.contains("to use (4 bytes each)") == true, problem ?? "nil")
        }
        let dot = TranslatorConfiguration(sourceVocabularySize: 9, targetVocabularySize: 9, encoderHiddenSize: Int.max,
                                          decoderHiddenSize: 8, attention: .dot)
        XCTAssertThrowsError(try dot.validate()) { XCTAssertTrue("\($0)".contains("at least"), "\($0)") }
        // The usual sizes are no problem.
        XCTAssertNil(LanguageModelConfiguration(vocabularySize: 10_002, embeddingSize: 200, hiddenSize: 200, layers: 2).problem)
    }
}

/// The translator's lower bound is every parameter but the attention score's.
final class TranslatorParameterCountTests: XCTestCase {
    func testTheBoundIsTheModelLessItsAttention() throws {
        for attention in AttentionScore.allCases {
            for (layers, tied) in [(1, false), (2, true), (3, false)] {
                let c = TranslatorConfiguration(sourceVocabularySize: 9, targetVocabularySize: 11, embeddingSize: 6,
                                                encoderHiddenSize: 3, decoderHiddenSize: 6, layers: layers,
                                                attention: attention, dropout: 0, tiesOutputEmbedding: tied)
                let model = try Translator(configuration: c, generator: RandomGenerator(seed: 1))
                let attentionCount = model.registry.unique.filter { $0.name.hasPrefix("attention") }
                    .reduce(0) { $0 + $1.parameter.value.count }
                XCTAssertEqual(c.minimumParameterCount, Double(model.registry.scalarCount - attentionCount), "\(c)")
            }
        }
    }
}

import XCTest
import Foundation
@testable import Models
import NN
import Tensor
import TestSupport

/// One training step of the whole translator against the equivalent PyTorch module
/// (scripts/reference/make_translator_fixtures.py): logits, loss and every named gradient, for
/// a two-layer model with general attention and label smoothing, a tied model with additive
/// attention, and dot attention.
final class TranslatorFixtureTests: XCTestCase {
    func runFixture(_ name: String) throws {
        Threads.setCount(1)
        let file = try Fixture.load("translator_\(name).safetensors")
        let configuration = try JSONDecoder().decode(TranslatorConfiguration.self, from: Data((file.metadata["config"] ?? "").utf8))
        let model = try Translator(configuration: configuration, generator: RandomGenerator(seed: 0))
        for entry in model.registry.entries {
            entry.parameter.value.assign(try file.tensor(named: "param.\(entry.name)", shape: entry.parameter.shape))
        }
        // Every parameter PyTorch has is one of ours, and the other way round.
        XCTAssertEqual(Set(model.registry.entries.map(\.name)),
                       Set(file.names.filter { $0.hasPrefix("param.") }.map { String($0.dropFirst(6)) }))
        let sources = try JSONDecoder().decode([[Int]].self, from: Data((file.metadata["sources"] ?? "").utf8))
        let targets = try JSONDecoder().decode([[Int]].self, from: Data((file.metadata["targets"] ?? "").utf8))
        let batch = TranslationBatch(sources: sources, targets: targets)
        XCTAssertEqual(batch.sourceIDs, try file.requireIndices("source_ids"))
        XCTAssertEqual(batch.targetInputs, try file.requireIndices("target_inputs"))
        XCTAssertEqual(batch.targetOutputs, try file.requireIndices("target_outputs"))
        let smoothing = Float(file.metadata["label_smoothing"] ?? "") ?? -1
        let criterion = SoftmaxCrossEntropy(ignoreIndex: 0, labelSmoothing: smoothing)
        let tolerance = Tolerance()
        let logits = model.forward(batch, training: false, teacherForcing: 1, generator: nil)
        let logitsReport = tolerance.report(logits, try file.require("logits"), name: "\(name) logits")
        let evaluated = model.evaluate(batch, criterion: criterion)
        model.registry.zeroGradients()
        let result = model.trainingStep(batch, criterion: criterion, generator: RandomGenerator(seed: 1))
        var reports = [logitsReport, tolerance.mismatchReport([result.loss], try file.require("loss").scalars, name: "\(name) loss"),
                       tolerance.mismatchReport([evaluated.loss], try file.require("loss").scalars, name: "\(name) evaluated loss")]
        XCTAssertEqual(result.count, batch.targetTokenCount)
        for entry in model.registry.entries {
            reports.append(tolerance.report(entry.parameter.gradient, try file.require("grad.\(entry.name)"),
                                            name: "\(name) grad \(entry.name)"))
        }
        for report in reports.compactMap({ $0 }) { XCTFail(report) }
    }

    func testTwoLayerGeneralAttentionWithLabelSmoothingMatchesPyTorch() throws {
        try runFixture("general_2layer")
    }

    func testTiedAdditiveAttentionMatchesPyTorch() throws {
        try runFixture("additive_tied")
    }

    func testDotAttentionMatchesPyTorch() throws {
        try runFixture("dot")
    }
}

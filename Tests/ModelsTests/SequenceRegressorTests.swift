import XCTest
import Foundation
import Models
import NN
import Tensor
import TestSupport

/// The sequence regressor: every named gradient against finite differences, and one whole
/// training step (output, loss, gradients, parameters after Adam) against PyTorch
/// (fixtures from scripts/reference/make_series_fixtures.py).
final class SequenceRegressorTests: XCTestCase {
    override func setUp() {
        Threads.setCount(1)
    }

    func checkGradients(_ configuration: SequenceRegressorConfiguration, steps: Int, batch: Int, lengths: [Int]? = nil,
                        file: StaticString = #filePath, line: UInt = #line) {
        let generator = RandomGenerator(seed: 50)
        let model = SequenceRegressor(configuration: configuration, generator: generator)
        let input = Tensor(zeros: [steps, batch, configuration.inputSize])
        generator.fillUniform(input, bound: 1)
        let outputShape = configuration.readout == .lastState ? [batch, configuration.outputSize]
            : [steps, batch, configuration.outputSize]
        let target = Tensor(zeros: outputShape)
        generator.fillUniform(target, bound: 1)
        let criterion = MSELoss()
        let loss = { criterion.loss(prediction: model.forward(input, lengths: lengths), target: target) }

        model.registry.zeroGradients()
        let output = model.forward(input, lengths: lengths)
        XCTAssertEqual(output.shape, outputShape, file: file, line: line)
        let gradient = Tensor(zeros: outputShape)
        _ = criterion.lossAndGradient(prediction: output, target: target, gradient: gradient)
        let inputGradient = model.backward(outputGradient: gradient, needsInputGradient: true)?.copy()
        let check = GradientCheck()
        let name = "\(configuration.readout) bi=\(configuration.bidirectional) L=\(configuration.layers)"
        var reports = [check.report(input, analytic: inputGradient ?? Tensor(zeros: input.shape), name: "\(name) input", loss: loss)]
        for entry in model.registry.unique {
            reports.append(check.report(entry.parameter.value, analytic: entry.parameter.gradient, name: "\(name) \(entry.name)", loss: loss))
        }
        for report in reports.compactMap({ $0 }) { XCTFail(report, file: file, line: line) }
    }

    func testLastStateGradients() {
        checkGradients(SequenceRegressorConfiguration(inputSize: 2, hiddenSize: 3, layers: 2, outputSize: 3), steps: 5, batch: 3)
    }

    func testBidirectionalLastStateGradientsWithLengths() {
        checkGradients(SequenceRegressorConfiguration(inputSize: 2, hiddenSize: 3, bidirectional: true, outputSize: 2),
                       steps: 4, batch: 3, lengths: [4, 1, 3])
    }

    func testEveryStepGradients() {
        checkGradients(SequenceRegressorConfiguration(cell: .gru, inputSize: 3, hiddenSize: 3, bidirectional: true,
                                                      outputSize: 2, readout: .everyStep), steps: 4, batch: 2)
    }

    func testParameterNamesArePyTorchs() {
        let model = SequenceRegressor(configuration: SequenceRegressorConfiguration(hiddenSize: 4, bidirectional: true),
                                      generator: RandomGenerator(seed: 1))
        XCTAssertEqual(model.registry.entries.map(\.name), [
            "encoder.weight_ih_l0", "encoder.weight_hh_l0", "encoder.bias_ih_l0", "encoder.bias_hh_l0",
            "encoder.weight_ih_l0_reverse", "encoder.weight_hh_l0_reverse", "encoder.bias_ih_l0_reverse",
            "encoder.bias_hh_l0_reverse", "head.weight", "head.bias",
        ])
        XCTAssertEqual(model.head.weight.shape, [1, 8])
    }

    struct FixtureConfig: Decodable {
        var inputSize: Int
        var hiddenSize: Int
        var layers: Int
        var bidirectional: Bool
        var outputSize: Int
        var readout: String
        var loss: String
        var learningRate: Float
    }

    /// Loads PyTorch's initial parameters, runs forward, loss, backward and one Adam step, and
    /// compares every tensor the fixture holds.
    func replay(_ name: String) throws {
        let file = try Fixture.load(name)
        let config = try JSONDecoder().decode(FixtureConfig.self, from: Data((file.metadata["config"] ?? "").utf8))
        let model = SequenceRegressor(
            configuration: SequenceRegressorConfiguration(
                inputSize: config.inputSize, hiddenSize: config.hiddenSize, layers: config.layers,
                bidirectional: config.bidirectional, outputSize: config.outputSize,
                readout: try XCTUnwrap(SequenceReadout(rawValue: config.readout))),
            generator: RandomGenerator(seed: 0))
        for entry in model.registry.entries {
            entry.parameter.value.assign(try file.tensor(named: "param.\(entry.name)", shape: entry.parameter.shape))
        }
        let lengths = file.tensor(named: "lengths").map { $0.scalars.map { Int($0) } }
        let tolerance = Tolerance()
        let output = model.forward(try file.require("input"), lengths: lengths)
        var reports = [tolerance.report(output, try file.require("output"), name: "\(name) output")]
        let criterion = try XCTUnwrap(RegressionLossKind(rawValue: config.loss)).makeLoss()
        let gradient = Tensor(zeros: output.shape)
        let loss = criterion.lossAndGradient(prediction: output, target: try file.require("target"), gradient: gradient)
        reports.append(tolerance.mismatchReport([loss], try file.require("loss").scalars, name: "\(name) loss"))
        model.backward(outputGradient: gradient)
        let optimizer = Adam(parameters: model.registry, learningRate: config.learningRate)
        optimizer.step()
        for entry in model.registry.entries {
            reports.append(tolerance.report(entry.parameter.gradient, try file.require("grad.\(entry.name)"), name: "\(name) grad \(entry.name)"))
            reports.append(tolerance.report(entry.parameter.value, try file.require("updated.\(entry.name)"), name: "\(name) updated \(entry.name)"))
        }
        XCTAssertEqual(model.registry.entries.count, file.names.filter { $0.hasPrefix("grad.") }.count)
        for report in reports.compactMap({ $0 }) { XCTFail(report) }
    }

    func testTwoLayerLastStateStepMatchesPyTorch() throws {
        try replay("sequence_regressor_last.safetensors")
    }

    func testBidirectionalLastStateWithLengthsStepMatchesPyTorch() throws {
        try replay("sequence_regressor_bi_lengths.safetensors")
    }

    func testBidirectionalEveryStepL1StepMatchesPyTorch() throws {
        try replay("sequence_regressor_bi_every.safetensors")
    }
}

import XCTest
import Foundation
import NN
import Tensor
import TestSupport

/// Recurrent stacks against PyTorch: outputs, final states and every named gradient of one
/// forward/backward (fixtures from scripts/reference/make_fixtures.py).
final class RecurrentFixtureTests: XCTestCase {
    struct FixtureConfig: Decodable {
        var cell: String
        var inputSize: Int
        var hiddenSize: Int
        var layers: Int
        var bidirectional: Bool
    }

    func runFixture(_ name: String) throws {
        Threads.setCount(1)
        let file = try Fixture.load(name)
        let config = try JSONDecoder().decode(FixtureConfig.self, from: Data((file.metadata["config"] ?? "").utf8))
        let kind = try XCTUnwrap(RecurrentCellKind(rawValue: config.cell))
        let layer = RecurrentLayer(
            configuration: RecurrentConfiguration(cell: kind, inputSize: config.inputSize, hiddenSize: config.hiddenSize,
                                                  layers: config.layers, bidirectional: config.bidirectional),
            generator: RandomGenerator(seed: 0))
        for (parameterName, parameter) in layer.namedParameters {
            parameter.value.assign(try file.tensor(named: "param.\(parameterName)", shape: parameter.shape))
        }
        let lengths = file.tensor(named: "lengths").map { $0.scalars.map { Int($0) } }
        let initial = RecurrentState(hidden: try file.require("h0"), cell: file.tensor(named: "c0"))
        let (output, final) = layer.forward(try file.require("input"), lengths: lengths, initialState: initial)

        let tolerance = Tolerance()
        var reports: [String?] = [
            tolerance.report(output, try file.require("output"), name: "\(name) output"),
            tolerance.report(final.hidden, try file.require("hn"), name: "\(name) hn"),
        ]
        if let cn = final.cell { reports.append(tolerance.report(cn, try file.require("cn"), name: "\(name) cn")) }

        let finalGradient = RecurrentState(hidden: try file.require("dhn"), cell: file.tensor(named: "dcn"))
        let (inputGradient, initialGradient) = layer.backward(outputGradient: try file.require("dy"), finalStateGradient: finalGradient)
        reports.append(tolerance.report(try XCTUnwrap(inputGradient), try file.require("grad.input"), name: "\(name) grad input"))
        reports.append(tolerance.report(initialGradient.hidden, try file.require("grad.h0"), name: "\(name) grad h0"))
        if let dc0 = initialGradient.cell { reports.append(tolerance.report(dc0, try file.require("grad.c0"), name: "\(name) grad c0")) }
        var checked = 0
        for (parameterName, parameter) in layer.namedParameters {
            reports.append(tolerance.report(parameter.gradient, try file.require("grad.\(parameterName)"), name: "\(name) grad \(parameterName)"))
            checked += 1
        }
        // Every gradient the fixture holds was compared.
        XCTAssertEqual(checked, file.names.filter { $0.hasPrefix("grad.") && !["grad.input", "grad.h0", "grad.c0"].contains($0) }.count)
        for report in reports.compactMap({ $0 }) { XCTFail(report) }
    }

    func testTwoLayerLSTMMatchesPyTorch() throws {
        try runFixture("lstm_2layer.safetensors")
    }

    func testBidirectionalLSTMWithLengthsMatchesPackedPyTorch() throws {
        try runFixture("bilstm_lengths.safetensors")
    }

    func testBidirectionalGRUWithLengthsMatchesPyTorch() throws {
        try runFixture("gru.safetensors")
    }

    func testTwoLayerRNNMatchesPyTorch() throws {
        try runFixture("rnn.safetensors")
    }
}

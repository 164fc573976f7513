import XCTest
import Foundation
import NN
import Tensor
import TestSupport

/// Attention against PyTorch (scripts/reference/make_translator_fixtures.py): contexts, weights
/// and every gradient over three decoder steps with a masked memory, for each score kind.
final class AttentionFixtureTests: XCTestCase {
    struct Config: Decodable {
        var score: String
        var querySize: Int
        var memorySize: Int
        var additiveSize: Int
    }

    func runFixture(_ score: AttentionScore) throws {
        Threads.setCount(1)
        let file = try Fixture.load("attention_\(score.rawValue).safetensors")
        let config = try JSONDecoder().decode(Config.self, from: Data((file.metadata["config"] ?? "").utf8))
        XCTAssertEqual(config.score, score.rawValue)
        let attention = Attention(configuration: AttentionConfiguration(
            score: score, querySize: config.querySize, memorySize: config.memorySize, additiveSize: config.additiveSize),
            generator: RandomGenerator(seed: 0))
        for (name, parameter) in attention.namedParameters {
            parameter.value.assign(try file.tensor(named: "param.\(name)", shape: parameter.shape))
        }
        let memory = try file.require("memory"), queries = try file.require("queries")
        let dContext = try file.require("dcontext")
        let lengths = try file.require("lengths").scalars.map { Int($0) }
        let t = queries.shape[0]
        attention.setMemory(memory, lengths: lengths, maxSteps: t)
        let contexts = Tensor(zeros: dContext.shape), weights = Tensor(zeros: try file.require("weights").shape)
        for step in 0..<t {
            let (context, alpha) = attention.forward(query: queries.slice(step), step: step)
            contexts.slice(step).assign(context)
            weights.slice(step).assign(alpha)
        }
        let dQueries = Tensor(zeros: queries.shape)
        for step in (0..<t).reversed() {
            dQueries.slice(step).assign(attention.backward(step: step, contextGradient: dContext.slice(step)))
        }
        let dMemory = attention.finishBackward()
        let tolerance = Tolerance()
        var reports = [
            tolerance.report(contexts, try file.require("contexts"), name: "\(score) contexts"),
            tolerance.report(weights, try file.require("weights"), name: "\(score) weights"),
            tolerance.report(dQueries, try file.require("grad.queries"), name: "\(score) grad queries"),
            tolerance.report(dMemory, try file.require("grad.memory"), name: "\(score) grad memory"),
        ]
        for (name, parameter) in attention.namedParameters {
            reports.append(tolerance.report(parameter.gradient, try file.require("grad.\(name)"), name: "\(score) grad \(name)"))
        }
        XCTAssertEqual(attention.namedParameters.count, file.names.filter { $0.hasPrefix("param.") }.count)
        for report in reports.compactMap({ $0 }) { XCTFail(report) }
    }

    func testDotMatchesPyTorch() throws { try runFixture(.dot) }
    func testGeneralMatchesPyTorch() throws { try runFixture(.general) }
    func testAdditiveMatchesPyTorch() throws { try runFixture(.additive) }
}

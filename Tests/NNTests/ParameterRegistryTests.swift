import XCTest
import Foundation
import NN
import Tensor
import TestSupport

final class ParameterRegistryTests: NNTestCase {
    func testClippingScalesToTheGlobalNormAcrossTiedParameters() {
        let shared = Parameter(Tensor(shape: [2], scalars: [0, 0]))
        shared.gradient.assign(Tensor(shape: [2], scalars: [3, 0]))
        let other = Parameter(Tensor(shape: [1], scalars: [0]))
        other.gradient.assign(Tensor(shape: [1], scalars: [4]))
        var registry = ParameterRegistry()
        registry.add(shared, name: "encoder.weight")
        registry.add(other, name: "b")
        registry.add(shared, name: "decoder.weight")
        XCTAssertEqual(registry.unique.map(\.name), ["encoder.weight", "b"])
        XCTAssertEqual(registry.scalarCount, 3)
        XCTAssertEqual(registry.gradientNorm(), 5, accuracy: 1e-9)
        XCTAssertEqual(registry.clipGradientNorm(maxNorm: 10), 5, accuracy: 1e-9)
        XCTAssertEqual(shared.gradient.scalars, [3, 0])
        registry.clipGradientNorm(maxNorm: 1)
        XCTAssertEqual(registry.gradientNorm(), 1, accuracy: 1e-5)
        XCTAssertTrue(registry.gradientsAreFinite())
        other.gradient[0] = .nan
        XCTAssertFalse(registry.gradientsAreFinite())
        registry.zeroGradients()
        XCTAssertEqual(registry.gradientNorm(), 0)
    }

    func testRegistryLoadRejectsMissingMisshapenAndExtraTensors() throws {
        let (registry, p) = single([1, 2], gradient: [0, 0])
        let path = folder + "/m.safetensors"
        try SafeTensorsFile.write([("q", Tensor(zeros: [2]))], to: path)
        XCTAssertThrowsError(try registry.load(contentsOf: path)) { XCTAssertEqual("\($0)", "cannot load \(path): parameter 'p' is missing") }
        try SafeTensorsFile.write([("p", Tensor(zeros: [3]))], to: path)
        XCTAssertThrowsError(try registry.load(contentsOf: path)) {
            XCTAssertEqual("\($0)", "cannot load \(path): parameter 'p' has shape [3] but the model expects [2]")
        }
        try SafeTensorsFile.write([("p", Tensor(shape: [2], scalars: [5, 6])), ("extra", Tensor(zeros: [1]))], to: path)
        XCTAssertThrowsError(try registry.load(contentsOf: path)) {
            XCTAssertEqual("\($0)", "cannot load \(path): tensor 'extra' is not a parameter of this model")
        }
        XCTAssertEqual(p.value.scalars, [1, 2], "a failed load changes nothing")
        try registry.load(contentsOf: path, allowingExtra: true)
        XCTAssertEqual(p.value.scalars, [5, 6])
    }

    func testUniformInitialisationIsSeededAndBounded() {
        let model = TinyLanguageModel(vocabulary: 20, embedding: 4, hidden: 4, layers: 1, tie: true, generator: RandomGenerator(seed: 1))
        model.registry.initializeUniform(bound: 0.05, generator: RandomGenerator(seed: 5))
        let first = model.registry.unique.map { $0.parameter.value.scalars }
        XCTAssertTrue(first.joined().allSatisfy { abs($0) <= 0.05 })
        XCTAssertGreaterThan(first.joined().map { abs($0) }.max()!, 0.045)
        model.registry.initializeUniform(bound: 0.05, generator: RandomGenerator(seed: 5))
        XCTAssertEqual(model.registry.unique.map { $0.parameter.value.scalars }, first)
        // Tied: the decoder sees the embedding's new values.
        XCTAssertEqual(model.registry.parameter(named: "decoder.weight")?.value.scalars, model.registry.parameter(named: "encoder.weight")?.value.scalars)
    }

    func testTiedWeightLoadsFromEitherOfItsNames() throws {
        let model = TinyLanguageModel(vocabulary: 7, embedding: 3, hidden: 3, layers: 1, tie: true, generator: RandomGenerator(seed: 2))
        let path = folder + "/tied.safetensors"
        // PyTorch's safetensors save_model keeps one name of a shared tensor.
        try SafeTensorsFile.write(model.registry.namedValues.filter { $0.name != "decoder.weight" }, to: path)
        let other = TinyLanguageModel(vocabulary: 7, embedding: 3, hidden: 3, layers: 1, tie: true, generator: RandomGenerator(seed: 3))
        try other.registry.load(contentsOf: path)
        XCTAssertEqual(other.registry.parameter(named: "decoder.weight")?.value.scalars,
                       model.registry.parameter(named: "encoder.weight")?.value.scalars)
        // Both names present but different: refused.
        let different = model.registry.namedValues.map { entry -> (name: String, tensor: Tensor) in
            entry.name == "decoder.weight" ? (entry.name, Tensor(zeros: entry.tensor.shape)) : entry
        }
        try SafeTensorsFile.write(different, to: path)
        XCTAssertThrowsError(try other.registry.load(contentsOf: path)) {
            XCTAssertEqual("\($0)", "cannot load \(path): tied parameters 'encoder.weight' and 'decoder.weight' differ")
        }
    }
}

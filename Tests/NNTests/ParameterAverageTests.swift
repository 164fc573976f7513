import XCTest
import Foundation
import NN
import Tensor
import TestSupport

final class ParameterAverageTests: NNTestCase {
    struct Failure: Error {}

    /// Two parameters, one of them registered twice (tied).
    func tiedRegistry() -> (ParameterRegistry, Parameter, Parameter) {
        let shared = Parameter(Tensor(shape: [2], scalars: [0, 0]))
        let other = Parameter(Tensor(shape: [1], scalars: [0]))
        var registry = ParameterRegistry()
        registry.add(shared, name: "encoder.weight")
        registry.add(other, name: "b")
        registry.add(shared, name: "decoder.weight")
        return (registry, shared, other)
    }

    func testTheMeanOverStepsIsLentAndGivenBack() throws {
        let (registry, shared, other) = tiedRegistry()
        let average = ParameterAverage(of: registry)
        XCTAssertEqual(average.means.map(\.shape), [[2], [1]], "a tied parameter is averaged once")
        let states: [([Float], Float)] = [([1, -2], 10), ([4, 0], 20), ([-2, 5], 60)]
        for (w, b) in states {
            shared.value.assign(Tensor(shape: [2], scalars: w))
            other.value[0] = b
            average.accumulate()
        }
        XCTAssertEqual(average.steps, 3)
        XCTAssertEqual(average.means[0].scalars, [1, 1], "(1+4−2)/3, (−2+0+5)/3")
        XCTAssertEqual(average.means[1].scalars, [30])
        // Lent to the model inside the closure, the trained values back after it.
        let seen = average.withAveraged { (shared.value.scalars, other.value.scalars) }
        XCTAssertEqual(seen.0, [1, 1])
        XCTAssertEqual(seen.1, [30])
        XCTAssertEqual(shared.value.scalars, [-2, 5])
        XCTAssertEqual(other.value.scalars, [60])
        // Also when the closure throws.
        XCTAssertThrowsError(try average.withAveraged { () throws -> Void in throw Failure() })
        XCTAssertEqual(shared.value.scalars, [-2, 5])
        XCTAssertEqual(other.value.scalars, [60])
    }

    func testTheMeanIsTheFirstValueAfterOneStepAndTracksLongRuns() {
        let (registry, shared, other) = tiedRegistry()
        let average = ParameterAverage(of: registry)
        shared.value.assign(Tensor(shape: [2], scalars: [0.1, 7]))
        other.value[0] = -3
        average.accumulate()
        XCTAssertEqual(average.means[0].scalars, [0.1, 7])
        XCTAssertEqual(average.means[1].scalars, [-3])
        // 1,000 more steps of a ramp: the running mean stays within float rounding of the exact one.
        var sum = 0.1
        for k in 1...1000 {
            let v = 0.1 + Double(k) * 0.01
            shared.value[0] = Float(v)
            sum += Double(Float(v))
            average.accumulate()
        }
        XCTAssertEqual(Double(average.means[0][0]), sum / 1001, accuracy: 1e-4)
        XCTAssertEqual(average.means[0][1], 7)
    }

    func testCheckpointRoundTripAndItsErrors() throws {
        let (registry, shared, other) = tiedRegistry()
        let average = ParameterAverage(of: registry)
        shared.value.assign(Tensor(shape: [2], scalars: [2, 4]))
        other.value[0] = 1
        average.accumulate()
        shared.value.assign(Tensor(shape: [2], scalars: [4, 8]))
        average.accumulate()
        let named = average.named(prefix: "avg.")
        XCTAssertEqual(named.map(\.name), ["avg.encoder.weight", "avg.b"])
        let path = folder + "/avg.safetensors"
        try SafeTensorsFile.write(named, to: path)

        let (registry2, _, _) = tiedRegistry()
        let restored = ParameterAverage(of: registry2)
        try restored.restore(steps: 2, from: try SafeTensorsFile(contentsOf: path), prefix: "avg.")
        XCTAssertEqual(restored.steps, 2)
        XCTAssertEqual(restored.means.map(\.scalars), [[3, 6], [1]])
        // The next step continues the same mean: (2 + 4 + 9) / 3.
        shared.value.assign(Tensor(shape: [2], scalars: [9, 0]))
        registry2.unique[0].parameter.value.assign(Tensor(shape: [2], scalars: [9, 0]))
        restored.accumulate()
        XCTAssertEqual(restored.means[0].scalars, [5, 4])

        try SafeTensorsFile.write([("avg.encoder.weight", Tensor(zeros: [2]))], to: path)
        XCTAssertThrowsError(try restored.restore(steps: 1, from: try SafeTensorsFile(contentsOf: path), prefix: "avg.")) {
            XCTAssertEqual("\($0)", "cannot load \(path): the averaged parameter 'avg.b' is missing")
        }
        try SafeTensorsFile.write([("avg.encoder.weight", Tensor(zeros: [3])), ("avg.b", Tensor(zeros: [1]))], to: path)
        XCTAssertThrowsError(try restored.restore(steps: 1, from: try SafeTensorsFile(contentsOf: path), prefix: "avg.")) {
            XCTAssertEqual("\($0)", "cannot load \(path): the averaged parameter 'avg.encoder.weight' has shape [3], not [2]")
        }
        XCTAssertEqual(restored.steps, 3, "a failed restore changes nothing")
        XCTAssertEqual(restored.means[0].scalars, [5, 4])
    }
}

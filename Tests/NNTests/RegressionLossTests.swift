import XCTest
import NN
import Tensor
import TestSupport

/// MSE and L1 against PyTorch (regression_losses.safetensors, from
/// scripts/reference/make_series_fixtures.py) and against finite differences.
final class RegressionLossTests: XCTestCase {
    func testLossesAndGradientsMatchPyTorch() throws {
        let file = try Fixture.load("regression_losses.safetensors")
        let prediction = try file.require("prediction"), target = try file.require("target")
        let tolerance = Tolerance()
        for kind in RegressionLossKind.allCases {
            for reduction in [LossReduction.mean, .sum] {
                let name = "\(kind.rawValue).\(reduction.rawValue)"
                let criterion = kind.makeLoss(reduction: reduction)
                let gradient = Tensor(zeros: prediction.shape)
                let value = criterion.lossAndGradient(prediction: prediction, target: target, gradient: gradient)
                XCTAssertNil(tolerance.mismatchReport([value], try file.require("\(name).loss").scalars, name: "\(name) loss"))
                XCTAssertNil(tolerance.report(gradient, try file.require("\(name).grad"), name: "\(name) gradient"))
                XCTAssertEqual(criterion.loss(prediction: prediction, target: target), value)
            }
        }
    }

    func testL1GradientIsZeroAtATieAndSignElsewhere() {
        let prediction = Tensor(shape: [4], scalars: [1, 2, 3, -1])
        let target = Tensor(shape: [4], scalars: [0, 2, 5, -1])
        let gradient = Tensor(zeros: [4])
        let value = L1Loss(reduction: .sum).lossAndGradient(prediction: prediction, target: target, gradient: gradient)
        XCTAssertEqual(value, 3)
        XCTAssertEqual(gradient.scalars, [1, 0, -1, 0])
    }

    func testFiniteDifferencesWithScaleAndInPlaceGradient() {
        let generator = RandomGenerator(seed: 40)
        let prediction = Tensor(zeros: [3, 5]), target = Tensor(zeros: [3, 5])
        generator.fillUniform(prediction, bound: 2)
        generator.fillUniform(target, bound: 2)
        let check = GradientCheck()
        for kind in RegressionLossKind.allCases {
            for reduction in [LossReduction.mean, .sum] {
                let criterion = kind.makeLoss(reduction: reduction)
                // The gradient may overwrite the prediction it is computed from.
                let inPlace = prediction.copy()
                let value = criterion.lossAndGradient(prediction: inPlace, target: target, gradient: inPlace, gradientScale: 2.5)
                XCTAssertEqual(value, criterion.loss(prediction: prediction, target: target), accuracy: 1e-12)
                XCTAssertNil(check.report(prediction, analytic: inPlace, name: "\(kind) \(reduction)") {
                    2.5 * criterion.loss(prediction: prediction, target: target)
                })
            }
        }
    }
}

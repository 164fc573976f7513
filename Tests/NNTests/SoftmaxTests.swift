import XCTest
import Foundation
import NN
import Tensor
import TestSupport

final class SoftmaxTests: XCTestCase {
    func testLogSumExpAtEveryTailWidth() {
        let g = RandomGenerator(seed: 1)
        for width in 1...40 {
            let x = (0..<width).map { _ in g.nextFloat(in: -30, 30) }
            let m = Double(x.max()!)
            let expected = m + Foundation.log(x.reduce(0) { $0 + Foundation.exp(Double($1) - m) })
            let got = x.withUnsafeBufferPointer { Softmax.logSumExp($0.baseAddress!, count: width) }
            XCTAssertEqual(got, expected, accuracy: 1e-5 * max(1, abs(expected)), "width \(width)")
        }
    }

    func testLogSoftmaxAndSoftmaxRows() {
        let logits = Tensor(shape: [2, 3], scalars: [1, 2, 3, 1000, 1000, -1000])
        let out = Tensor(zeros: [2, 3])
        Softmax.softmax(logits, into: out)
        XCTAssertEqual(Double(out.slice(0).scalars.reduce(0, +)), 1, accuracy: 1e-6)
        XCTAssertEqual(out[1, 0], 0.5, accuracy: 1e-6)
        XCTAssertEqual(out[1, 2], 0, accuracy: 1e-30)
        Softmax.logSoftmax(logits, into: logits)
        XCTAssertEqual(logits[0, 2], Float(-Foundation.log(1 + Foundation.exp(-1.0) + Foundation.exp(-2.0))), accuracy: 1e-6)
    }

    func testTopKReturnsLargestFirstWithLowerIndexOnTies() {
        let row = Tensor(shape: [1, 7], scalars: [0.1, 5, 3, 5, -1, 4, 3])
        let best = Softmax.topK(row, row: 0, k: 4)
        XCTAssertEqual(best.map(\.index), [1, 3, 5, 2])
        XCTAssertEqual(best.map(\.value), [5, 5, 4, 3])
        XCTAssertEqual(Softmax.topK(row, row: 0, k: 10).count, 7)
        XCTAssertEqual(Softmax.topK(row, row: 0, k: 0).count, 0)
    }

    func testCrossEntropyOfUniformLogitsIsLogV() {
        let criterion = SoftmaxCrossEntropy()
        let logits = Tensor(zeros: [3, 50])
        let result = criterion.lossAndGradient(logits: logits, targets: [0, 7, 49])
        XCTAssertEqual(result.loss, Foundation.log(50), accuracy: 1e-6)
        // Gradient of the mean: (1/V − onehot)/N.
        XCTAssertEqual(logits[1, 7], (1.0 / 50 - 1) / 3, accuracy: 1e-7)
        XCTAssertEqual(logits[1, 8], 1.0 / 50 / 3, accuracy: 1e-7)
        XCTAssertEqual(Array(criterion.lastRowLosses(count: 3)).count, 3)
    }

    /// Adding the bias inside the loss (what the language model does to skip a pass over its
    /// logits) gives the loss and gradient of logits that already hold it, with smoothing too.
    func testBiasAddedByTheLossMatchesBiasAddedBefore() {
        let g = RandomGenerator(seed: 3)
        for (width, epsilon) in [(37, Float(0)), (64, 0.1), (5, 0.2)] {
            let raw = (0..<(4 * width)).map { _ in g.nextFloat(in: -8, 8) }
            let bias = Tensor(shape: [width], scalars: (0..<width).map { _ in g.nextFloat(in: -3, 3) })
            let biased = Tensor(shape: [4, width], scalars: raw.indices.map { raw[$0] + bias.scalars[$0 % width] })
            let targets: [Int32] = [0, Int32(width - 1), 2, 3]
            let criterion = SoftmaxCrossEntropy(labelSmoothing: epsilon)

            let expectedLoss = criterion.loss(logits: biased, targets: targets)
            let unbiased = Tensor(shape: [4, width], scalars: raw)
            XCTAssertEqual(criterion.loss(logits: unbiased, targets: targets, addingBias: bias).totalLoss,
                           expectedLoss.totalLoss, accuracy: 1e-9 * max(1, abs(expectedLoss.totalLoss)))
            XCTAssertEqual(unbiased.scalars, biased.scalars, "the rows now hold the bias")

            let expected = criterion.lossAndGradient(logits: biased, targets: targets, gradientScale: 2)
            let gradient = Tensor(shape: [4, width], scalars: raw)
            let got = criterion.lossAndGradient(logits: gradient, targets: targets, addingBias: bias, gradientScale: 2)
            XCTAssertEqual(got.totalLoss, expected.totalLoss, accuracy: 1e-9 * max(1, abs(expected.totalLoss)))
            XCTAssertEqual(gradient.scalars, biased.scalars, "width \(width), ε \(epsilon)")
        }
    }
}

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
}

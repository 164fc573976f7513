import XCTest
import Foundation
import Tensor
import TestSupport

final class VectorMathTests: XCTestCase {
    /// Arguments from −100 to 100, denser near zero, where tanh switches formulas.
    var arguments: [Float] {
        var xs: [Float] = []
        var x: Float = -100
        while x <= 100 {
            xs.append(x)
            x += abs(x) < 2 ? 0.0137 : 0.71
        }
        return xs + [0, 0.625, -0.625, 0.6249, 1e-6, -1e-6, 88, -88, 87.5, -87.5]
    }

    func apply(_ f: (Float8) -> Float8, _ xs: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                Vector.map(x.baseAddress!, y.baseAddress!, count: xs.count, f)
            }
        }
        return out
    }

    func testExpIsAccurateToAFewUlps() {
        let xs = arguments.filter { $0 > -87 && $0 < 88 }
        let got = apply(Vector.exp, xs)
        let expected = xs.map { Foundation.exp(Double($0)) }
        XCTAssertNil(Tolerance(absolute: 0, relative: 3e-7).mismatchReport(got, expected, name: "exp"))
        // Far below the range it flushes to tiny values, never NaN or negative.
        let low = apply(Vector.exp, [-1000, -100])
        XCTAssertTrue(low.allSatisfy { $0 >= 0 && $0 < 1e-37 })
    }

    func testTanhAndSigmoidMatchDoublePrecision() {
        let xs = arguments
        let tanhGot = apply(Vector.tanh, xs)
        XCTAssertNil(Tolerance(absolute: 1e-7, relative: 3e-7).mismatchReport(tanhGot, xs.map { Foundation.tanh(Double($0)) }, name: "tanh"))
        let sigmoidGot = apply(Vector.sigmoid, xs)
        XCTAssertNil(Tolerance(absolute: 1e-7, relative: 3e-7).mismatchReport(sigmoidGot, xs.map { 1 / (1 + Foundation.exp(-Double($0))) }, name: "sigmoid"))
    }

    func testReductionsHandleTails() {
        let xs = (0..<37).map { Float($0) - 10 }
        xs.withUnsafeBufferPointer { p in
            XCTAssertEqual(Vector.sum(p.baseAddress!, count: 37), xs.reduce(0) { $0 + Double($1) })
            XCTAssertEqual(Vector.sumOfSquares(p.baseAddress!, count: 37), xs.reduce(0) { $0 + Double($1 * $1) })
            XCTAssertEqual(Vector.max(p.baseAddress!, count: 37), 26)
        }
        var y = [Float](repeating: 1, count: 3)
        let rows: [Float] = [1, 2, 3, 10, 20, 30]
        rows.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { Vector.addRows(x.baseAddress!, rows: 2, columns: 3, stride: 3, into: $0.baseAddress!) }
        }
        XCTAssertEqual(y, [12, 23, 34])
    }
}

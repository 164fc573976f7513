import XCTest
import Tensor

final class TensorTests: XCTestCase {
    func testViewsShareStorageAndCopiesDoNot() {
        let x = Tensor(shape: [3, 2], scalars: [0, 1, 2, 3, 4, 5])
        let row = x.slice(1)
        XCTAssertEqual(row.shape, [2])
        XCTAssertEqual(row.scalars, [2, 3])
        row[0] = 20
        XCTAssertEqual(x[1, 0], 20)
        let rows = x.slice(1..<3)
        XCTAssertEqual(rows.shape, [2, 2])
        XCTAssertEqual(rows.scalars, [20, 3, 4, 5])
        let copy = x.copy()
        copy[0, 0] = 99
        XCTAssertEqual(x[0, 0], 0)
        XCTAssertEqual(x.reshaped([6]).scalars, [0, 1, 20, 3, 4, 5])
    }

    func testStorageIsSixtyFourByteAligned() {
        for n in [1, 3, 17, 1000] {
            let t = Tensor(zeros: [n])
            XCTAssertEqual(Int(bitPattern: t.pointer) % 64, 0)
        }
    }

    func testWorkspaceReusesStorageUntilItMustGrow() {
        let w = Workspace()
        let a = w.tensor([4, 4])
        let b = w.tensor([2, 3])
        XCTAssertTrue(a.storage === b.storage)
        let c = w.tensor([10, 10])
        XCTAssertFalse(a.storage === c.storage)
        XCTAssertEqual(w.zeros([3]).scalars, [0, 0, 0])
    }

    func testParallelForCoversEveryIndexOnce() {
        for threads in [1, 2] {
            Threads.setCount(threads)
            var seen = [Int](repeating: 0, count: 1001)
            seen.withUnsafeMutableBufferPointer { buffer in
                let base = buffer.baseAddress!
                Threads.parallelFor(1001) { range in
                    for i in range { base[i] += 1 }
                }
            }
            XCTAssertEqual(seen, [Int](repeating: 1, count: 1001), "threads \(threads)")
        }
        Threads.setCount(1)
        XCTAssertEqual((0..<3).map { Threads.chunk($0, of: 3, count: 10) }, [0..<4, 4..<7, 7..<10])
    }
}

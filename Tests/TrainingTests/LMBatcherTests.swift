import XCTest
@testable import Training

final class LMBatcherTests: XCTestCase {
    func testColumnsAreContiguousAndTargetsShiftByOne() throws {
        // 0…22 with B = 3: 7 rows per column (tokens 21, 22 dropped).
        let batcher = try XCTUnwrap(LMBatcher(tokens: (0..<23).map(Int32.init), batchSize: 3, bptt: 4))
        XCTAssertEqual(batcher.rows, 7)
        XCTAssertEqual(batcher.chunkCount, 2)
        XCTAssertEqual(batcher.targetCount, 18)
        let first = batcher.chunk(0)
        XCTAssertEqual(first.steps, 4)
        XCTAssertEqual(first.inputs, [0, 7, 14, 1, 8, 15, 2, 9, 16, 3, 10, 17])
        XCTAssertEqual(first.targets, [1, 8, 15, 2, 9, 16, 3, 10, 17, 4, 11, 18])
        let last = batcher.chunk(1)
        XCTAssertEqual(last.steps, 2)
        XCTAssertEqual(last.inputs, [4, 11, 18, 5, 12, 19])
        XCTAssertEqual(last.targets, [5, 12, 19, 6, 13, 20])
    }

    func testEveryTargetIsCoveredOnceAcrossChunks() throws {
        let tokens = (0..<1000).map { Int32($0) }
        let batcher = try XCTUnwrap(LMBatcher(tokens: tokens, batchSize: 7, bptt: 13))
        var seen: [Int32] = []
        for i in 0..<batcher.chunkCount { seen += batcher.chunk(i).targets }
        XCTAssertEqual(seen.count, batcher.targetCount)
        XCTAssertEqual(Set(seen).count, seen.count)
    }

    func testTooShortStreamIsRejected() {
        XCTAssertNil(LMBatcher(tokens: [1, 2, 3], batchSize: 2, bptt: 5))
        XCTAssertNil(LMBatcher(tokens: Array(repeating: 1, count: 10), batchSize: 2, bptt: 0))
    }
}

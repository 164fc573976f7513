import Support
import XCTest

final class MemoryBudgetTests: XCTestCase {
    func testUsingNeedsFourBytesAndTrainingSixteenAParameter() {
        // 10⁹ parameters: 4 GB to use, 16 GB to train.
        XCTAssertNil(MemoryBudget.useProblem(parameters: 1e9, memory: 4e9))
        XCTAssertEqual(MemoryBudget.useProblem(parameters: 1e9, memory: 3.9e9),
                       "the model would have 1000000000 parameters, about 4.00 GB to use (4 bytes each), "
                           + "more than this machine's 3.90 GB of memory")
        XCTAssertNil(MemoryBudget.trainingProblem(parameters: 1e9, memory: 16e9))
        XCTAssertEqual(MemoryBudget.trainingProblem(parameters: 1e9, memory: 8e9),
                       "the model would have 1000000000 parameters, about 16.0 GB to train (16 bytes each), "
                           + "more than this machine's 8.00 GB of memory")
    }

    func testAbsurdAndBrokenCountsAreRefused() {
        XCTAssertEqual(MemoryBudget.useProblem(parameters: 1.6e19, memory: 25e9),
                       "the model would have 1.6e+19 parameters, about 64.0 EB to use (4 bytes each), "
                           + "more than this machine's 25.0 GB of memory")
        // Beyond the largest unit the figure keeps three digits; a count that is not a number is refused too.
        XCTAssertTrue(MemoryBudget.useProblem(parameters: 1e30, memory: 25e9)?.contains("about 4e+12 EB") == true)
        XCTAssertNotNil(MemoryBudget.useProblem(parameters: .nan, memory: 25e9))
        XCTAssertNotNil(MemoryBudget.useProblem(parameters: .infinity, memory: 25e9))
    }

    func testByteCounts() {
        XCTAssertEqual(MemoryBudget.text(bytes: 512), "512 bytes")
        XCTAssertEqual(MemoryBudget.text(bytes: 1500), "1.50 kB")
        XCTAssertEqual(MemoryBudget.text(bytes: 25_300_000_000), "25.3 GB")
        XCTAssertEqual(MemoryBudget.text(bytes: 256e12), "256 TB")
    }

    func testThisMachineHasSomeMemory() {
        XCTAssertGreaterThan(MemoryBudget.physicalMemory, 1e8)
    }
}

import Support
import XCTest

final class MemoryBudgetTests: XCTestCase {
    typealias Budget = MemoryBudget.Budget

    func testUsingNeedsFourBytesAndTrainingMore() {
        // 10⁹ parameters: 4 GB to use, 16 GB to train with Adam.
        XCTAssertNil(MemoryBudget.useProblem(parameters: 1e9, budget: .machine(4e9)))
        XCTAssertEqual(MemoryBudget.useProblem(parameters: 1e9, budget: .machine(3.9e9)),
                       "the model would have 1000000000 parameters, about 4.00 GB to use (4 bytes each), "
                           + "more than this machine's 3.90 GB of memory")
        XCTAssertNil(MemoryBudget.trainingProblem(parameters: 1e9, budget: .machine(16e9)))
        XCTAssertEqual(MemoryBudget.trainingProblem(parameters: 1e9, budget: .machine(8e9)),
                       "the model would have 1000000000 parameters, about 16.0 GB to train (16 bytes each), "
                           + "more than this machine's 8.00 GB of memory")
        XCTAssertNil(MemoryBudget.trainingProblem(parameters: 1e9, bytesPerParameter: 8, budget: .machine(8e9)))
        XCTAssertEqual(MemoryBudget.trainingProblem(parameters: 1e9, lowerBound: true, budget: .machine(8e9)),
                       "the model would have at least 1000000000 parameters, about 16.0 GB to train (16 bytes each), "
                           + "more than this machine's 8.00 GB of memory")
    }

    func testAbsurdAndBrokenCountsAreRefused() {
        XCTAssertEqual(MemoryBudget.useProblem(parameters: 1.6e19, budget: .machine(25e9)),
                       "the model would have 1.6e+19 parameters, about 64.0 EB to use (4 bytes each), "
                           + "more than this machine's 25.0 GB of memory")
        // Beyond the largest unit the figure keeps three digits; a count that is not a number is refused too.
        XCTAssertTrue(MemoryBudget.useProblem(parameters: 1e30, budget: .machine(25e9))?.contains("about 4e+12 EB") == true)
        XCTAssertNotNil(MemoryBudget.useProblem(parameters: .nan, budget: .machine(25e9)))
        XCTAssertNotNil(MemoryBudget.useProblem(parameters: .infinity, budget: .machine(25e9)))
    }

    /// LSTMKIT_MEMORY_LIMIT lowers the budget, never raises it, and an unreadable value is an error.
    func testTheLimitVariable() {
        let limit = Budget.limit("8G", machine: 25e9)
        XCTAssertEqual(limit.bytes, 8e9)
        XCTAssertEqual(limit.phrase, "the 8.00 GB that LSTMKIT_MEMORY_LIMIT allows")
        XCTAssertNil(limit.error)
        XCTAssertEqual(Budget.limit("1500", machine: 25e9).bytes, 1500)
        XCTAssertEqual(Budget.limit("2.5k", machine: 25e9).bytes, 2500)
        XCTAssertEqual(Budget.limit("1T", machine: 25e9), .machine(25e9))
        XCTAssertEqual(MemoryBudget.useProblem(parameters: 1000, budget: .limit("2k", machine: 25e9)),
                       "the model would have 1000 parameters, about 4.00 kB to use (4 bytes each), "
                           + "more than the 2.00 kB that LSTMKIT_MEMORY_LIMIT allows")
        for bad in ["", "lots", "-1G", "0", "8GB", "nan"] {
            let budget = Budget.limit(bad, machine: 25e9)
            XCTAssertEqual(budget.error, "LSTMKIT_MEMORY_LIMIT='\(bad)' is not a byte count (a number, optionally followed by k, M, G or T, such as 8G)")
            XCTAssertEqual(MemoryBudget.useProblem(parameters: 1, budget: budget), budget.error, "every check fails with it")
        }
    }

    /// MemAvailable is read from a meminfo file (kibibytes), and a note is made only for a model
    /// that would not fit in it.
    func testAvailableMemoryAndItsNote() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("meminfo-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "MemTotal:       24000000 kB\nMemFree:          900000 kB\nMemAvailable:    2000000 kB\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(MemoryBudget.availableBytes(meminfo: path), 2_048_000_000)
        try "MemTotal:       24000000 kB\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertNil(MemoryBudget.availableBytes(meminfo: path))
        XCTAssertNil(MemoryBudget.availableBytes(meminfo: path + "-missing"))
        XCTAssertEqual(MemoryBudget.availabilityNote(parameters: 200e6, bytesPerParameter: 16, available: 2e9),
                       "note: the model needs about 3.20 GB to train (16 bytes a parameter), more than the 2.00 GB of memory "
                           + "available now; the system may stop this run unless other programs free some")
        XCTAssertNil(MemoryBudget.availabilityNote(parameters: 100e6, bytesPerParameter: 16, available: 2e9))
        XCTAssertNil(MemoryBudget.availabilityNote(parameters: 200e6, bytesPerParameter: 16, available: nil))
        XCTAssertNotNil(MemoryBudget.availableBytes(), "this Linux machine has /proc/meminfo")
    }

    func testByteCounts() {
        XCTAssertEqual(MemoryBudget.text(bytes: 512), "512 bytes")
        XCTAssertEqual(MemoryBudget.text(bytes: 1500), "1.50 kB")
        XCTAssertEqual(MemoryBudget.text(bytes: 25_300_000_000), "25.3 GB")
        XCTAssertEqual(MemoryBudget.text(bytes: 256e12), "256 TB")
    }
}

import XCTest
@testable import lstmkit

/// What `train` makes of a preset and the flags on top of it, without training.
final class TrainSettingsTests: XCTestCase {
    func settings(_ arguments: [String]) throws -> TrainCommand.Chosen {
        try TrainCommand.parse(["--corpus", "unused"] + arguments).settings()
    }

    /// cloze-tied holds the rate and averages from epoch 9 of 24; a run cut to end before
    /// epoch 9 leaves the average out, one that reaches it keeps it, and --average-from wins.
    func testClozeTiedAveragingFollowsTheEpochCount() throws {
        let full = try settings(["--task", "cloze", "--preset", "cloze-tied"]).training
        XCTAssertEqual(full.epochs, 24)
        XCTAssertEqual(full.averageFrom, 9)
        XCTAssertEqual(full.schedule.decay, .constant)
        XCTAssertNil(full.problem)
        XCTAssertEqual(try settings(["--task", "cloze", "--preset", "cloze-tied", "--epochs", "9"]).training.averageFrom, 9)
        XCTAssertNil(try settings(["--task", "cloze", "--preset", "cloze-tied", "--epochs", "8"]).training.averageFrom)
        XCTAssertEqual(try settings(["--task", "cloze", "--preset", "cloze-tied", "--epochs", "8", "--average-from", "5"])
                        .training.averageFrom, 5)
        XCTAssertNil(try settings(["--task", "cloze"]).training.averageFrom)
    }

    /// The start line's words for each schedule.
    func testScheduleDescriptions() throws {
        XCTAssertEqual(TrainCommand.describe(try settings(["--preset", "zaremba-small"]).training.schedule.decay),
                       "÷2 each epoch after 4")
        XCTAssertEqual(TrainCommand.describe(try settings([]).training.schedule.decay), "÷4 on plateau")
        XCTAssertEqual(TrainCommand.describe(.afterEpoch(epochs: 8, factor: 1.5)), "÷1.5 each epoch after 8")
        XCTAssertEqual(TrainCommand.describe(.constant), "held")
    }
}

#if canImport(Glibc)
import Glibc
#endif
import XCTest
@testable import Tensor

final class SignalShieldTests: XCTestCase {
    /// After `prepare`, the calling thread has an alternate signal stack and still takes the
    /// signal; the pool's other thread blocks it, so the kernel delivers it to the caller.
    func testPrepareGivesAnAlternateStackAndBlocksTheSignalInThePoolOnly() {
        let threads = Threads.count
        defer { Threads.setCount(threads) }
        Threads.setCount(2)
        // SIGUSR2: nothing else in the test process handles it or relies on it.
        SignalShield.prepare(for: SIGUSR2)
        XCTAssertTrue(SignalShield.hasAlternateStack)
        XCTAssertFalse(SignalShield.isBlocked(SIGUSR2))
        var blocked = [Bool](repeating: false, count: 2)
        blocked.withUnsafeMutableBufferPointer { flags in
            Threads.parallelFor(2) { range in flags[range.lowerBound] = SignalShield.isBlocked(SIGUSR2) }
        }
        XCTAssertEqual(blocked, [false, true])
    }
}

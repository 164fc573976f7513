#if canImport(Glibc)
import Glibc
#endif

/// Keeps a signal handler from corrupting the heap while oneDNN multiplies matrices.
///
/// oneDNN 2.x's JIT f32 GEMM kernels (Debian 12 ships 2.6) point the stack pointer into a heap
/// workspace while they run (oneDNN issue 4845, fixed in 3.x). The kernel pushes a signal's frame
/// at the stack pointer, so a handled signal that arrives during such a kernel writes it over
/// heap memory: Ctrl-Cs early in a toy training run aborted later in `malloc` ("corrupted size
/// vs. prev_size") 9 times in 36 with the AVX-512 kernels of a Zen 5 processor. Two measures keep the frame off the heap:
/// - the installing thread gets an alternate signal stack, and handlers installed with
///   `SA_ONSTACK` (`Interrupt`, the REPL's) run there whatever the stack pointer holds;
/// - the other threads of the OpenMP pool (they run kernels too) block the signal, so the
///   kernel delivers it to the installing thread.
///
/// Call `prepare(for:)` after the thread count is set (`Threads.setCount`) and before
/// installing the handler, on the thread that does the numeric work.
public enum SignalShield {
    /// The alternate stack of the thread that prepared, once made; kept for the process's life.
    nonisolated(unsafe) private static var alternateStack: UnsafeMutableRawPointer?

    /// Bytes of the alternate stack: a signal frame with AVX-512 state takes about 3 KB.
    static let alternateStackSize = 64 * 1024

    public static func prepare(for signalNumber: Int32) {
        provideAlternateStack()
        blockInPoolThreads(signalNumber)
    }

    /// Gives the calling thread an alternate signal stack unless it has one (the Swift runtime's
    /// crash reporter may have set one already).
    static func provideAlternateStack() {
        var current = stack_t()
        guard sigaltstack(nil, &current) == 0, current.ss_flags & Int32(SS_DISABLE) != 0, alternateStack == nil else { return }
        let memory = UnsafeMutableRawPointer.allocate(byteCount: alternateStackSize, alignment: 64)
        var stack = stack_t(ss_sp: memory, ss_flags: 0, ss_size: alternateStackSize)
        if sigaltstack(&stack, nil) == 0 {
            alternateStack = memory
        } else {
            memory.deallocate()
        }
    }

    /// Blocks `signalNumber` in every thread of the OpenMP pool but the calling one: threads the
    /// pool makes now inherit the blocked mask, threads it already had block it themselves.
    static func blockInPoolThreads(_ signalNumber: Int32) {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, signalNumber)
        let mask = blocked
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
        // One chunk per thread; chunk 0 runs on the calling thread.
        Threads.parallelFor(Threads.count) { range in
            guard range.lowerBound != 0 else { return }
            var own = mask
            pthread_sigmask(SIG_BLOCK, &own, nil)
        }
        pthread_sigmask(SIG_UNBLOCK, &blocked, nil)
    }

    /// Whether `signalNumber` is blocked in the calling thread (for tests).
    public static func isBlocked(_ signalNumber: Int32) -> Bool {
        var current = sigset_t()
        pthread_sigmask(SIG_BLOCK, nil, &current)
        return sigismember(&current, signalNumber) == 1
    }

    /// Whether the calling thread has an alternate signal stack (for tests).
    public static var hasAlternateStack: Bool {
        var current = stack_t()
        return sigaltstack(nil, &current) == 0 && current.ss_flags & Int32(SS_DISABLE) == 0
    }
}

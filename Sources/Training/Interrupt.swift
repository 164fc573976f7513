#if canImport(Glibc)
import Glibc
#endif
import Tensor

/// Turns Ctrl-C (SIGINT) into a flag the training loop polls between batches, so a run can
/// finish its batch, save a resumable state and exit cleanly. A second Ctrl-C has the default
/// effect and ends the process at once.
///
/// The handler runs on an alternate stack, and the OpenMP pool's other threads block SIGINT
/// (`SignalShield`): a Ctrl-C that lands inside one of oneDNN's GEMM kernels must not write its
/// signal frame over the heap.
public enum Interrupt {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    /// True once SIGINT arrived after `install()`.
    public static var requested: Bool { flag != 0 }

    /// Installs the handler (after the thread count is set, on the thread that trains).
    public static func install() {
        flag = 0
        SignalShield.prepare(for: SIGINT)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Interrupt.flag = 1 }
        sigemptyset(&action.sa_mask)
        // Back to the default action once handled: the second Ctrl-C ends the process.
        action.sa_flags = SA_ONSTACK | SA_RESTART | Int32(bitPattern: UInt32(SA_RESETHAND))
        sigaction(SIGINT, &action, nil)
    }

    /// Restores the default SIGINT behaviour.
    public static func uninstall() {
        signal(SIGINT, SIG_DFL)
        flag = 0
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Turns Ctrl-C (SIGINT) into a flag the training loop polls between batches, so a run can
/// finish its batch, save a resumable state and exit cleanly. A second Ctrl-C restores the
/// default behaviour and ends the process at once.
public enum Interrupt {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    /// True once SIGINT arrived after `install()`.
    public static var requested: Bool { flag != 0 }

    /// Installs the handler.
    public static func install() {
        flag = 0
        signal(SIGINT) { _ in
            Interrupt.flag = 1
            signal(SIGINT, SIG_DFL)
        }
    }

    /// Restores the default SIGINT behaviour.
    public static func uninstall() {
        signal(SIGINT, SIG_DFL)
        flag = 0
    }
}

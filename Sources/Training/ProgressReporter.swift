import Foundation

/// Shows the progress of long work on standard error: a live, rewritten line when standard error
/// is a terminal, and one plain line every `plainEvery` updates when it is piped or redirected
/// (so logs stay readable and small).
public final class ProgressReporter {
    public enum Mode: Equatable {
        /// Rewrites one line in place (`\r` + clear) and draws a bar.
        case live
        /// Prints a new plain line every `every` updates.
        case plain(every: Int)
    }

    public let mode: Mode
    private let sink: (String) -> Void
    private var updates = 0
    private var lastDraw = 0.0
    private var liveLineShown = false
    /// Live redraws are throttled to this many per second; a terminal cannot show more anyway.
    private let maxRedrawsPerSecond = 10.0

    /// - Parameters:
    ///   - mode: `nil` picks `.live` when standard error is a terminal, else `.plain(every:)`.
    ///   - plainEvery: the interval of plain lines when not on a terminal.
    ///   - sink: where text goes (standard error by default; tests capture it).
    public init(mode: Mode? = nil, plainEvery: Int = 100, sink: ((String) -> Void)? = nil) {
        self.mode = mode ?? (isatty(STDERR_FILENO) == 1 ? .live : .plain(every: max(1, plainEvery)))
        self.sink = sink ?? { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// Reports progress `fraction` (0…1) of the current phase with a status text such as
    /// `"epoch 3  12.1k tok/s  loss 4.61  ppl 100.4  lr 1  ETA 1:02"`.
    public func update(fraction: Double, status: String, force: Bool = false) {
        updates += 1
        switch mode {
        case .live:
            let now = Date().timeIntervalSince1970
            guard force || now - lastDraw >= 1 / maxRedrawsPerSecond || fraction >= 1 else { return }
            lastDraw = now
            sink("\r\u{1B}[2K" + Self.bar(fraction: fraction, width: 24) + " " + status)
            liveLineShown = true
        case .plain(let every):
            guard force || updates % every == 0 else { return }
            sink(String(format: "%5.1f%% ", min(1, max(0, fraction)) * 100) + status + "\n")
        }
    }

    /// Prints a line that stays (an epoch summary, a note), clearing a live line first.
    public func line(_ text: String) {
        if liveLineShown {
            sink("\r\u{1B}[2K")
            liveLineShown = false
        }
        sink(text + "\n")
    }

    /// Ends the live line so later output starts on a fresh line.
    public func finish() {
        if liveLineShown {
            sink("\n")
            liveLineShown = false
        }
    }

    /// A bar such as `[██████▌                 ]  27%` using eighth-block characters.
    public static func bar(fraction: Double, width: Int) -> String {
        let f = min(1, max(0, fraction.isFinite ? fraction : 0))
        let eighths = Int((f * Double(width * 8)).rounded(.down))
        let full = eighths / 8
        let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var bar = String(repeating: "█", count: full)
        if full < width {
            bar += partials[eighths % 8]
            bar += String(repeating: " ", count: width - full - (eighths % 8 == 0 ? 0 : 1))
        }
        return "[" + bar + "]" + String(format: " %3d%%", Int((f * 100).rounded(.down)))
    }

    /// Formats a duration in seconds as `m:ss` or `h:mm:ss`; `--:--` when unknown.
    public static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }

    /// Formats a rate with a k/M suffix: `950`, `12.3k`, `1.20M`.
    public static func rate(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        if value >= 1e6 { return String(format: "%.2fM", value / 1e6) }
        if value >= 1e3 { return String(format: "%.1fk", value / 1e3) }
        return String(format: "%.0f", value)
    }
}

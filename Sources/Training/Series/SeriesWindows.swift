import Tensor

/// Why a series cannot be cut into training and validation windows; one sentence.
public struct SeriesSetupError: Error, CustomStringConvertible, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Sliding windows over one series of n values, split by time.
///
/// A window starting at s reads the `window` values `s ..< s+N` and is scored on the next
/// `horizon` values `s+N ..< s+N+H`. The series is cut at `trainEnd`: values before it are the
/// training part, the rest the validation part. Training windows are those whose targets all lie
/// in the training part; validation windows those whose targets all lie in the validation part
/// (their inputs may reach back into the training part: that is history a forecaster would
/// have). So no training target is ever a validation target, and shuffling training windows
/// never mixes the two.
public struct SeriesWindows: Equatable, Sendable {
    /// Values in the series (n).
    public let count: Int
    /// Values each window reads (N).
    public let window: Int
    /// Values each window forecasts (H).
    public let horizon: Int
    /// The first value of the validation part; `0 ..< trainEnd` is the training part.
    public let trainEnd: Int

    /// - Parameter validFraction: the share of values in the validation part, rounded to whole
    ///   values, in (0, 1).
    public init(count: Int, window: Int, horizon: Int, validFraction: Double) throws {
        precondition(window >= 1 && horizon >= 1, "window and horizon must be positive")
        precondition(validFraction > 0 && validFraction < 1, "the validation fraction must lie in (0, 1)")
        self.count = count
        self.window = window
        self.horizon = horizon
        let validCount = Int((Double(count) * validFraction).rounded())
        trainEnd = count - validCount
        let needed = window + horizon
        if trainEnd < needed || validCount < horizon {
            let percent = Int((validFraction * 100).rounded())
            throw SeriesSetupError(
                "\(count) values are too few for a window of \(window) and a horizon of \(horizon) with \(percent)% kept for validation: "
                    + "the training part needs at least \(needed) values (it has \(trainEnd)) and the validation part at least \(horizon) (it has \(validCount))")
        }
    }

    /// Starts of the training windows: every s with `s + N + H ≤ trainEnd`.
    public var trainStarts: Range<Int> { 0 ..< (trainEnd - window - horizon + 1) }

    /// Starts of the validation windows: every s with `s + N ≥ trainEnd` and `s + N + H ≤ n`.
    public var validStarts: Range<Int> { (trainEnd - window) ..< (count - window - horizon + 1) }

    /// Fills a batch from model-side values `z` (n values).
    ///
    /// - Parameters:
    ///   - starts: B window starts.
    ///   - input: `(N, B, 1)`, time-major: `input[t, b] = z[starts[b] + t]`.
    ///   - target: `(B, H)`: `target[b, h] = z[starts[b] + N + h]`.
    public func fill<S: Collection>(starts: S, from z: [Float], input: Tensor, target: Tensor) where S.Element == Int {
        let b = starts.count, n = window, h = horizon
        precondition(z.count == count, "\(z.count) values for a series of \(count)")
        precondition(input.count == n * b && target.count == b * h, "batch tensors \(input.shape), \(target.shape) for \(b) windows")
        z.withUnsafeBufferPointer { z in
            for (column, start) in starts.enumerated() {
                precondition(start >= 0 && start + n + h <= count, "window start \(start) outside the series")
                for t in 0..<n { input.pointer[t * b + column] = z[start + t] }
                for k in 0..<h { target.pointer[column * h + k] = z[start + n + k] }
            }
        }
    }
}

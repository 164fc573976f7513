import Foundation

/// The one tolerance rule for numeric tests: `|actual − expected| ≤ absolute + relative·|expected|`.
///
/// Defaults match the PyTorch-fixture contract (1e-5 absolute, 1e-4 relative): Float32 forward and
/// backward passes that sum over a few hundred terms in a different order than PyTorch drift by a
/// few ulps per term, well inside this band, while a wrong index or gate shows up as O(1e-2).
public struct Tolerance: Sendable {
    public var absolute: Double
    public var relative: Double

    public init(absolute: Double = 1e-5, relative: Double = 1e-4) {
        self.absolute = absolute
        self.relative = relative
    }

    /// Compares element by element; returns nil when all match, otherwise a report naming the
    /// first mismatches and the largest difference.
    public func mismatchReport<A: Collection, E: Collection>(
        _ actual: A, _ expected: E, name: String = "tensor", maxListed: Int = 5
    ) -> String? where A.Element: BinaryFloatingPoint, E.Element: BinaryFloatingPoint {
        let a = actual.map { Double($0) }
        let e = expected.map { Double($0) }
        guard a.count == e.count else {
            return "\(name): \(a.count) elements, expected \(e.count)"
        }
        var listed: [String] = []
        var failures = 0
        var maxDiff = 0.0
        var maxAt = 0
        for i in 0..<a.count {
            let diff = abs(a[i] - e[i])
            if diff > maxDiff || diff.isNaN { maxDiff = diff; maxAt = i }
            if !(diff <= absolute + relative * abs(e[i])) {
                failures += 1
                if listed.count < maxListed {
                    listed.append("[\(i)] got \(a[i]) expected \(e[i])")
                }
            }
        }
        guard failures > 0 else { return nil }
        return "\(name): \(failures) of \(a.count) elements outside ±(\(absolute) + \(relative)·|e|); "
            + "max |diff| \(maxDiff) at [\(maxAt)]; first: " + listed.joined(separator: ", ")
    }
}

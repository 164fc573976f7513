import Foundation
import Models

/// How long the REPL takes to answer a one-word line: feed the word into the kept state, get the
/// next-word distribution, pick the top k. For the README figures (p50/p99 over 1,000 queries).
public enum NextWordLatency {
    public struct Report: Equatable, Sendable {
        public var queries: Int
        /// Median, 99th percentile and mean, in seconds.
        public var p50: Double
        public var p99: Double
        public var mean: Double
    }

    /// Times `queries` one-word queries, each continuing the state the previous left. The words
    /// walk the vocabulary with a fixed stride (hidden ids skipped): an LSTM costs the same for
    /// every word, and a fixed walk makes runs comparable.
    /// - Parameter warmUp: untimed queries first (caches, lazily built buffers).
    public static func measure<Model: NextWordModel>(_ model: Model, queries: Int = 1000, k: Int = 10,
                                                     warmUp: Int = 20) throws -> Report {
        let hidden = Set(model.hiddenIDs)
        let words = (0..<model.vocabularySize).filter { !hidden.contains($0) }
        guard !words.isEmpty, queries > 0 else { return Report(queries: 0, p50: 0, p99: 0, mean: 0) }
        var state = try model.makeState()
        var seconds: [Double] = []
        seconds.reserveCapacity(queries)
        var checksum = 0
        for query in 0..<(warmUp + queries) {
            let word = words[(query &* 7919) % words.count]
            let start = DispatchTime.now().uptimeNanoseconds
            try model.feed([word], into: &state)
            let best = largestScores(try model.visibleLogProbabilities(state), count: k)
            let end = DispatchTime.now().uptimeNanoseconds
            checksum &+= best.first ?? 0 // keeps the work from being optimised away
            if query >= warmUp { seconds.append(Double(end - start) / 1e9) }
        }
        withExtendedLifetime(checksum) {}
        let sorted = seconds.sorted()
        func percentile(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1)] }
        return Report(queries: sorted.count, p50: percentile(0.5), p99: percentile(0.99),
                      mean: seconds.reduce(0, +) / Double(seconds.count))
    }
}

/// Counts of the n-grams of one order in one sequence (word ids or characters).
struct NGramCounts<Element: Hashable> {
    private(set) var counts: [ArraySlice<Element>: Int] = [:]

    /// Total number of n-grams counted (with repetitions).
    private(set) var total = 0

    init() {}

    /// The n-grams of order `n` in `sequence`.
    init(_ sequence: [Element], order n: Int) {
        guard n > 0, sequence.count >= n else { return }
        counts.reserveCapacity(sequence.count - n + 1)
        for i in 0...(sequence.count - n) {
            counts[sequence[i..<(i + n)], default: 0] += 1
        }
        total = sequence.count - n + 1
    }

    /// Counts one more occurrence of `gram`.
    mutating func add(_ gram: ArraySlice<Element>) {
        counts[gram, default: 0] += 1
        total += 1
    }

    var isEmpty: Bool { counts.isEmpty }

    /// Keeps, per n-gram, the larger of the two counts (merging several references).
    mutating func formMaximum(_ other: NGramCounts) {
        for (gram, c) in other.counts where c > counts[gram, default: 0] {
            total += c - counts[gram, default: 0]
            counts[gram] = c
        }
    }

    /// Sum over this side's n-grams of min(count here, count in `reference`): clipped matches.
    func matches(in reference: NGramCounts) -> Int {
        var m = 0
        for (gram, c) in counts {
            if let r = reference.counts[gram] { m += min(c, r) }
        }
        return m
    }
}

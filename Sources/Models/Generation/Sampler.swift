import Foundation

/// Draws the next word from a model's scores with temperature, top-k and top-p (nucleus)
/// filtering, from a caller-supplied seeded generator: the same generator state and scores give
/// the same word on every machine (the draw uses the generator's raw 64-bit words, not the
/// standard library's `random(in:)`, whose algorithm may change).
///
/// Scores are natural-log probabilities or logits (any per-row shift gives the same result);
/// -infinity and NaN mean "never". Ties rank the lower id first, as beam search does.
public struct Sampler: Sendable {
    public let options: SamplingOptions

    public init(options: SamplingOptions = SamplingOptions()) throws {
        try options.validate()
        self.options = options
    }

    /// Draws one id.
    /// - Parameters:
    ///   - scores: one score per vocabulary id (V).
    ///   - generator: advanced by exactly one 64-bit word unless the draw is greedy (temperature
    ///     0), which uses none.
    public func sample<G: RandomNumberGenerator>(scores: [Float], using generator: inout G) throws -> Int {
        let pool = try candidates(scores)
        if pool.ids.count == 1 { return pool.ids[0] }
        let u = Double(generator.next() >> 11) * 0x1p-53 // uniform in [0, 1), 53 bits
        let target = u * pool.total
        var cumulative = 0.0
        for (id, weight) in zip(pool.ids, pool.weights) {
            cumulative += weight
            if cumulative > target { return id }
        }
        // Rounding can leave target a hair above the last partial sum.
        return pool.ids[pool.ids.count - 1]
    }

    /// The distribution a draw comes from: the ids that can be drawn with their probabilities
    /// (summing to 1), in the order a draw scans them: id order without top-k and top-p, else
    /// no particular order.
    public func distribution(scores: [Float]) throws -> [(id: Int, probability: Double)] {
        let pool = try candidates(scores)
        return zip(pool.ids, pool.weights).map { ($0, $1 / pool.total) }
    }

    /// Ids that can be drawn and their unnormalised weights, in draw order.
    struct Pool {
        var ids: [Int]
        var weights: [Double]
        var total: Double
    }

    func candidates(_ scores: [Float]) throws -> Pool {
        var best = -1
        var maximum = -Float.infinity
        for (id, score) in scores.enumerated() where score > maximum {
            maximum = score
            best = id
        }
        guard best >= 0 else { throw SamplingError.noCandidates }
        if options.temperature == 0 || !maximum.isFinite {
            return Pool(ids: [best], weights: [1], total: 1)
        }

        // exp((s - max) / T): the best weight is exactly 1, the others in (0, 1].
        let t = options.temperature, m = Double(maximum)
        var weights = [Double](repeating: 0, count: scores.count)
        var positive = 0
        var total = 0.0
        for (id, score) in scores.enumerated() where score > -Float.infinity {
            let w = exp((Double(score) - m) / t)
            weights[id] = w
            total += w
            if w > 0 { positive += 1 }
        }

        let limitK = options.topK > 0 && options.topK < positive
        if !limitK && options.topP >= 1 {
            var ids: [Int] = []
            ids.reserveCapacity(positive)
            var kept: [Double] = []
            kept.reserveCapacity(positive)
            for (id, w) in weights.enumerated() where w > 0 {
                ids.append(id)
                kept.append(w)
            }
            return Pool(ids: ids, weights: kept, total: total)
        }

        // Only the kept words matter, and sorting all V would cost more than the LSTM step:
        // quickselect finds them in expected linear time, whatever the distribution's shape.
        var items: [Item] = []
        items.reserveCapacity(positive)
        for (id, w) in weights.enumerated() where w > 0 { items.append(Item(weight: w, id: id)) }
        let end = items.withUnsafeMutableBufferPointer { buffer -> Int in
            if limitK {
                Self.selectTop(options.topK, in: buffer)
                guard options.topP < 1 else { return options.topK }
                var top = UnsafeMutableBufferPointer(rebasing: buffer[0..<options.topK])
                top.sort(by: Item.ranksBefore)
                var mass = 0.0
                for item in top { mass += item.weight }
                return Self.nucleusEnd(in: top, goal: options.topP * mass)
            }
            return Self.selectNucleus(in: buffer, goal: options.topP * total)
        }
        let chosen = items[..<end]
        return Pool(ids: chosen.map { $0.id }, weights: chosen.map { $0.weight },
                    total: chosen.reduce(0) { $0 + $1.weight })
    }

    /// A word and its weight; words rank by weight, then by lower id.
    struct Item {
        var weight: Double
        var id: Int

        static func ranksBefore(_ a: Item, _ b: Item) -> Bool {
            a.weight > b.weight || (a.weight == b.weight && a.id < b.id)
        }
    }

    /// Below this many items a range is sorted rather than partitioned.
    static let smallRange = 16

    /// Moves a pivot of `buffer[low..<high]` (median of three) to its ranked place and the items
    /// ranking before it in front of it. Returns its index and the mass in front.
    static func partition(_ buffer: UnsafeMutableBufferPointer<Item>, _ low: Int, _ high: Int) -> (Int, Double) {
        let middle = low + (high - low) / 2
        var a = low, b = middle, c = high - 1
        if Item.ranksBefore(buffer[b], buffer[a]) { swap(&a, &b) }
        if Item.ranksBefore(buffer[c], buffer[b]) { swap(&b, &c) }
        if Item.ranksBefore(buffer[b], buffer[a]) { swap(&a, &b) }
        buffer.swapAt(b, high - 1)
        let pivot = buffer[high - 1]
        var store = low
        var mass = 0.0
        for i in low..<(high - 1) where Item.ranksBefore(buffer[i], pivot) {
            mass += buffer[i].weight
            buffer.swapAt(i, store)
            store += 1
        }
        buffer.swapAt(store, high - 1)
        return (store, mass)
    }

    /// Rearranges `buffer` so its first `k` items are the k best (in no particular order).
    static func selectTop(_ k: Int, in buffer: UnsafeMutableBufferPointer<Item>) {
        var low = 0, high = buffer.count
        while high - low > smallRange {
            let (p, _) = partition(buffer, low, high)
            if p == k { return }
            if p < k { low = p + 1 } else { high = p }
        }
        var rest = UnsafeMutableBufferPointer(rebasing: buffer[low..<high])
        rest.sort(by: Item.ranksBefore)
    }

    /// Rearranges `buffer` so the nucleus, the shortest run of best items whose weights reach
    /// `goal`, comes first (in no particular order), and returns its length. Masses are summed
    /// partition by partition rather than best first, so a word can differ from a sorted scan's
    /// choice only when a running sum lands within rounding error of the goal.
    static func selectNucleus(in buffer: UnsafeMutableBufferPointer<Item>, goal: Double) -> Int {
        var low = 0, high = buffer.count
        var massBefore = 0.0 // of buffer[0..<low], all in the nucleus; stays below the goal
        while high - low > smallRange {
            let (p, mass) = partition(buffer, low, high)
            if massBefore + mass >= goal {
                high = p
            } else if massBefore + mass + buffer[p].weight >= goal {
                return p + 1
            } else {
                massBefore += mass + buffer[p].weight
                low = p + 1
            }
        }
        var rest = UnsafeMutableBufferPointer(rebasing: buffer[low..<high])
        rest.sort(by: Item.ranksBefore)
        return low + nucleusEnd(in: rest, goal: goal - massBefore, keepOne: low == 0)
    }

    /// In best-first `items`, how many it takes for the weights to reach `goal` (all when they
    /// never do); at least one when `keepOne`.
    static func nucleusEnd(in items: UnsafeMutableBufferPointer<Item>, goal: Double, keepOne: Bool = true) -> Int {
        var cumulative = 0.0
        var kept = 0
        while kept < items.count && ((keepOne && kept == 0) || cumulative < goal) {
            cumulative += items[kept].weight
            kept += 1
        }
        return kept
    }
}

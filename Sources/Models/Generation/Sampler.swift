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
    /// (summing to 1), most likely first when a filter applies, else in id order.
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

        // Only the best few words matter: rather than sorting all V, collect the words above a
        // falling threshold until they are known to contain the kept set. Every word outside the
        // collection weighs less than every word in it, so its sorted order is a prefix of the
        // full sorted order.
        var threshold = 1.0
        while true {
            threshold /= 16
            var ids: [Int] = []
            for (id, w) in weights.enumerated() where w > 0 && w >= threshold { ids.append(id) }
            let complete = ids.count == positive
            if limitK && ids.count < options.topK && !complete { continue }
            ids.sort { weights[$0] > weights[$1] || (weights[$0] == weights[$1] && $0 < $1) }
            if limitK { ids.removeLast(ids.count - options.topK) }

            // The nucleus is taken over the (renormalised) top-k words when k limits them.
            let mass = limitK ? ids.reduce(0.0) { $0 + weights[$1] } : total
            let goal = options.topP * mass
            var cumulative = 0.0
            var kept = 0
            while kept < ids.count && (kept == 0 || cumulative < goal) {
                cumulative += weights[ids[kept]]
                kept += 1
            }
            if cumulative < goal && !complete && !limitK { continue }
            let chosen = Array(ids[..<kept])
            return Pool(ids: chosen, weights: chosen.map { weights[$0] }, total: cumulative)
        }
    }
}

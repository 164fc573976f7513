import Models
import Tensor

/// Sentence pairs as token ids, cut into batches of similar lengths so little compute goes to
/// padding.
///
/// Training order per epoch (deterministic in seed and epoch, so a resumed run sees the same
/// batches): shuffle all pairs, sort each pool of 100 batches' worth by source then target
/// length, cut the pools into batches, shuffle the batches.
public struct TranslationBatcher: Sendable {
    /// Source ids of each pair (no specials).
    public let sources: [[Int]]
    /// Target ids of each pair (no specials).
    public let targets: [[Int]]
    /// Pairs per batch.
    public let batchSize: Int
    /// Batches sorted together in one pool.
    public static let poolBatches = 100

    public init(sources: [[Int]], targets: [[Int]], batchSize: Int) {
        precondition(sources.count == targets.count && batchSize > 0, "batcher needs aligned pairs and a positive batch size")
        self.sources = sources
        self.targets = targets
        self.batchSize = batchSize
    }

    public var count: Int { sources.count }

    /// Target tokens per pass, `<eos>` included: what tokens/s counts.
    public var targetTokenCount: Int { targets.reduce(0) { $0 + $1.count + 1 } }

    /// The batches of epoch `epoch` (from 1) as lists of pair indices.
    public func epochBatches(seed: UInt64, epoch: Int) -> [[Int]] {
        // A generator of its own per epoch, so the order does not depend on what else drew.
        let generator = RandomGenerator(seed: seed &+ 0x5EED_0000 &+ UInt64(epoch) &* 0x9E37_79B9)
        var order = Array(0..<count)
        shuffle(&order, generator)
        let pool = batchSize * Self.poolBatches
        var batches: [[Int]] = []
        var start = 0
        while start < order.count {
            let end = min(order.count, start + pool)
            let sorted = order[start..<end].sorted(by: lengthOrder)
            var cut = 0
            while cut < sorted.count {
                batches.append(Array(sorted[cut..<min(sorted.count, cut + batchSize)]))
                cut += batchSize
            }
            start = end
        }
        shuffle(&batches, generator)
        return batches
    }

    /// All pairs sorted by length and cut into batches, in that order (evaluation).
    public func sortedBatches() -> [[Int]] {
        let sorted = Array(0..<count).sorted(by: lengthOrder)
        return stride(from: 0, to: sorted.count, by: batchSize).map { Array(sorted[$0..<min(sorted.count, $0 + batchSize)]) }
    }

    /// The model's input for the pairs `indices`.
    public func batch(_ indices: [Int]) -> TranslationBatch {
        TranslationBatch(sources: indices.map { sources[$0] }, targets: indices.map { targets[$0] })
    }

    private func lengthOrder(_ a: Int, _ b: Int) -> Bool {
        let (sa, sb) = (sources[a].count, sources[b].count)
        if sa != sb { return sa < sb }
        let (ta, tb) = (targets[a].count, targets[b].count)
        return ta != tb ? ta < tb : a < b
    }

    /// Fisher–Yates with the run's own generator (the standard library's shuffle algorithm is
    /// unspecified, which would make the order depend on the Swift version).
    private func shuffle<T>(_ items: inout [T], _ generator: RandomGenerator) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, generator.nextInt(below: i + 1))
        }
    }
}

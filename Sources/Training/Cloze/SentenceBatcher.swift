import Models
import Tensor

/// Sentence-level batching for a cloze model: the corpus's lines as separate sentences, cut into
/// batches of similar lengths (little padding) in an order drawn anew for every epoch.
///
/// The order of an epoch depends only on the run's seed and the epoch number, not on the run's
/// random generator, so a run resumed in the middle of an epoch finds the same batches.
public struct SentenceBatcher {
    /// Lines longer than this many words are cut into pieces: one enormous line (a text without
    /// line breaks) would otherwise make a batch as long as the whole text.
    public static let maximumLength = 256

    public let sentences: [[Int32]]
    public let batchSize: Int
    public let seed: UInt64
    /// Batches of sentence indices for the current epoch.
    public private(set) var batches: [[Int]] = []

    /// Splits `stream` (each line's ids followed by `endID`) into sentences, leaving out empty
    /// lines; nil when no sentence has a word.
    public init?(stream: [Int32], endID: Int32, batchSize: Int, seed: UInt64) {
        let sentences = Self.sentences(of: stream, endID: endID)
        guard !sentences.isEmpty, batchSize > 0 else { return nil }
        self.sentences = sentences
        self.batchSize = batchSize
        self.seed = seed
        batches = Self.lengthSortedBatches(Array(sentences.indices), sentences: sentences, batchSize: batchSize)
    }

    /// The lines of a stream, without their end marker; empty lines left out, long ones cut.
    public static func sentences(of stream: [Int32], endID: Int32) -> [[Int32]] {
        var result: [[Int32]] = []
        var current: [Int32] = []
        for id in stream {
            if id == endID {
                if !current.isEmpty { result.append(current) }
                current = []
            } else {
                current.append(id)
                if current.count == maximumLength {
                    result.append(current)
                    current = []
                }
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    public var batchCount: Int { batches.count }
    public var wordCount: Int { sentences.reduce(0) { $0 + $1.count } }

    /// Draws the batches of `epoch`: the sentences shuffled, sorted by length within pools of
    /// 50 batches (so batches hold similar lengths), cut into batches, and the batches shuffled.
    public mutating func shuffle(epoch: Int) {
        let generator = RandomGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(epoch))
        var order = Array(sentences.indices)
        Self.shuffle(&order, generator)
        let pool = 50 * batchSize
        var result: [[Int]] = []
        for start in stride(from: 0, to: order.count, by: pool) {
            let members = Array(order[start..<min(start + pool, order.count)])
            result += Self.lengthSortedBatches(members, sentences: sentences, batchSize: batchSize)
        }
        Self.shuffle(&result, generator)
        batches = result
    }

    /// The cloze batch `index` of the current epoch: every word a target.
    public func batch(_ index: Int) -> ClozeBatch {
        ClozeBatch(sentences: batches[index].map { sentences[$0] })
    }

    /// `members` sorted by length (stable), cut into batches of `batchSize`.
    static func lengthSortedBatches(_ members: [Int], sentences: [[Int32]], batchSize: Int) -> [[Int]] {
        let sorted = members.enumerated().sorted {
            (sentences[$0.element].count, $0.offset) < (sentences[$1.element].count, $1.offset)
        }.map(\.element)
        return stride(from: 0, to: sorted.count, by: batchSize).map { Array(sorted[$0..<min($0 + batchSize, sorted.count)]) }
    }

    /// Fisher–Yates with the generator's own draws (the standard library's shuffle may change
    /// its use of the generator between releases).
    static func shuffle<T>(_ items: inout [T], _ generator: RandomGenerator) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, generator.nextInt(below: i + 1))
        }
    }
}

/// The standard language-model batching (Zaremba et al. 2014; PyTorch's word_language_model):
/// the token stream is cut into `batchSize` contiguous columns, and truncated BPTT walks down the
/// columns `bptt` rows at a time, so the hidden state at the end of one chunk is the right initial
/// state for the next.
///
/// Dimension letters: `T` steps in a chunk (≤ bptt), `B` batch columns.
public struct LMBatcher {
    /// One chunk: inputs and next-token targets, both `(T, B)` row-major (`[t * B + b]`).
    public struct Chunk: Equatable {
        public var index: Int
        public var steps: Int
        public var inputs: [Int32]   // (T, B)
        public var targets: [Int32]  // (T, B)
    }

    public let batchSize: Int
    public let bptt: Int
    /// Rows per column: `tokens.count / batchSize`; the remainder of the stream is dropped.
    public let rows: Int
    private let columns: [Int32]  // (B, rows): column b is tokens[b*rows ..< (b+1)*rows]

    /// - Precondition-free: returns nil when the stream is too short for one chunk of one step
    ///   (fewer than 2 rows), so callers can report the corpus as too small.
    public init?(tokens: [Int32], batchSize: Int, bptt: Int) {
        guard batchSize > 0, bptt > 0 else { return nil }
        let rows = tokens.count / batchSize
        guard rows >= 2 else { return nil }
        self.batchSize = batchSize
        self.bptt = bptt
        self.rows = rows
        self.columns = Array(tokens[0..<(rows * batchSize)])
    }

    /// Chunks per pass: the last one may be shorter than `bptt` (PyTorch's convention; Zaremba's
    /// reader drops it, which changes perplexity by a negligible amount).
    public var chunkCount: Int { (rows - 1 + bptt - 1) / bptt }

    /// Target tokens in one pass: `(rows − 1) · B`.
    public var targetCount: Int { (rows - 1) * batchSize }

    /// Chunk `index` (0 ..< chunkCount), transposed into time-major layout.
    public func chunk(_ index: Int) -> Chunk {
        let start = index * bptt
        let steps = min(bptt, rows - 1 - start)
        var inputs = [Int32](repeating: 0, count: steps * batchSize)
        var targets = [Int32](repeating: 0, count: steps * batchSize)
        columns.withUnsafeBufferPointer { c in
            for t in 0..<steps {
                for b in 0..<batchSize {
                    inputs[t * batchSize + b] = c[b * rows + start + t]
                    targets[t * batchSize + b] = c[b * rows + start + t + 1]
                }
            }
        }
        return Chunk(index: index, steps: steps, inputs: inputs, targets: targets)
    }
}

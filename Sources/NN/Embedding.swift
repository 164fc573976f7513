import Tensor

/// A lookup table of vectors: row `i` of `weight` is the embedding of index `i`.
///
/// Dimension letters: N indices (any shape, e.g. `(T, B)`), V rows, E dimensions.
public final class Embedding: Layer {
    /// `(V, E)`; initialised N(0, 1) like PyTorch, with the padding row zero.
    public let weight: Parameter
    /// A row that reads as given but never receives gradient (PyTorch's `padding_idx`).
    public let paddingIndex: Int?

    public var embeddingCount: Int { weight.shape[0] }
    public var dimensions: Int { weight.shape[1] }

    /// In training, the share of whole rows (word types) dropped for a batch: every occurrence of
    /// a dropped word reads zeros, the rows kept are scaled by 1/(1−p) (the embedding dropout of
    /// Gal & Ghahramani 2016, AWD-LSTM's `dropoute`). A layer sharing `weight` (a tied output
    /// layer) reads it undropped. 0 (the default) draws nothing.
    public var rowDropout: Float = 0

    // Forward cache.
    var indices: [Int32] = []
    /// `(V)`: 0 or 1/(1−p) for each row, when the last forward dropped rows (nil otherwise).
    public private(set) var rowMask: Tensor?
    let outputSpace = Workspace()
    let rowMaskSpace = Workspace()

    public init(embeddingCount: Int, dimensions: Int, paddingIndex: Int? = nil, generator: RandomGenerator) {
        precondition(paddingIndex.map { $0 >= 0 && $0 < embeddingCount } ?? true, "padding index out of range")
        let w = Tensor(zeros: [embeddingCount, dimensions])
        generator.fillNormal(w)
        if let p = paddingIndex {
            w.slice(p).zero()
        }
        weight = Parameter(w)
        self.paddingIndex = paddingIndex
    }

    /// An embedding over an existing parameter `(V, E)` (tying, loading).
    public init(weight: Parameter, paddingIndex: Int? = nil) {
        precondition(weight.shape.count == 2, "embedding weight must be (V, E), got \(weight.shape)")
        self.weight = weight
        self.paddingIndex = paddingIndex
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)]
    }

    /// Looks up `indices`, dropping whole rows (`rowDropout`) when `training`.
    ///
    /// - Parameter generator: draws the row mask (V draws); required when `training` and
    ///   `rowDropout` > 0.
    public func forward(_ indices: [Int32], shape: [Int], training: Bool, generator: RandomGenerator?) -> Tensor {
        guard training && rowDropout > 0 else { return forward(indices, shape: shape) }
        guard let generator else { preconditionFailure("embedding dropout in training needs a generator") }
        precondition(rowDropout < 1, "embedding dropout \(rowDropout) outside [0, 1)")
        let mask = rowMaskSpace.tensor([embeddingCount])
        Dropout.fillMask(mask, probability: rowDropout, generator: generator)
        return forward(indices, shape: shape, rowMask: mask)
    }

    /// Looks up `indices` (row-major, of shape `shape`); with `rowMask` `(V)`, row i of the
    /// result is scaled by `rowMask[i]` (and so is its gradient in `backward`).
    ///
    /// - Returns: `shape + [E]`, owned by the layer (overwritten by the next forward).
    public func forward(_ indices: [Int32], shape: [Int], rowMask: Tensor? = nil) -> Tensor {
        precondition(Tensor.elementCount(shape) == indices.count, "\(indices.count) indices for shape \(shape)")
        let v = embeddingCount, e = dimensions
        for index in indices {
            precondition(index >= 0 && Int(index) < v, "embedding index \(index) outside 0..<\(v)")
        }
        precondition(rowMask.map { $0.count == v } ?? true, "row mask of \(rowMask?.count ?? 0) for \(v) rows")
        self.indices = indices
        self.rowMask = rowMask
        let output = outputSpace.tensor(shape + [e])  // (N, E)
        let w = weight.value.pointer, y = output.pointer
        if let rowMask {
            let m = rowMask.pointer
            for (n, index) in indices.enumerated() {
                (y + n * e).update(from: w + Int(index) * e, count: e)
                Vector.scale(y + n * e, by: m[Int(index)], count: e)
            }
        } else {
            for (n, index) in indices.enumerated() {
                (y + n * e).update(from: w + Int(index) * e, count: e)
            }
        }
        return output
    }

    /// Adds `outputGradient` `(N…, E)` into the rows of `weight.gradient` that forward read
    /// (scaled by their row mask when forward had one), skipping the padding row.
    public func backward(outputGradient: Tensor) {
        let e = dimensions
        precondition(outputGradient.count == indices.count * e, "embedding gradient \(outputGradient.shape) for \(indices.count) indices")
        let g = weight.gradient.pointer, dy = outputGradient.pointer
        let padding = paddingIndex.map { Int32($0) } ?? -1
        if let m = rowMask?.pointer {
            for (n, index) in indices.enumerated() where index != padding && m[Int(index)] != 0 {
                Vector.axpy(m[Int(index)], dy + n * e, g + Int(index) * e, count: e)
            }
        } else {
            for (n, index) in indices.enumerated() where index != padding {
                Vector.add(dy + n * e, into: g + Int(index) * e, count: e)
            }
        }
    }
}

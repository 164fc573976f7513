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

    // Forward cache.
    var indices: [Int32] = []
    let outputSpace = Workspace()

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

    /// Looks up `indices` (row-major, of shape `shape`).
    ///
    /// - Returns: `shape + [E]`, owned by the layer (overwritten by the next forward).
    public func forward(_ indices: [Int32], shape: [Int]) -> Tensor {
        precondition(Tensor.elementCount(shape) == indices.count, "\(indices.count) indices for shape \(shape)")
        let v = embeddingCount, e = dimensions
        for index in indices {
            precondition(index >= 0 && Int(index) < v, "embedding index \(index) outside 0..<\(v)")
        }
        self.indices = indices
        let output = outputSpace.tensor(shape + [e])  // (N, E)
        let w = weight.value.pointer, y = output.pointer
        for (n, index) in indices.enumerated() {
            (y + n * e).update(from: w + Int(index) * e, count: e)
        }
        return output
    }

    /// Adds `outputGradient` `(N…, E)` into the rows of `weight.gradient` that forward read,
    /// skipping the padding row.
    public func backward(outputGradient: Tensor) {
        let e = dimensions
        precondition(outputGradient.count == indices.count * e, "embedding gradient \(outputGradient.shape) for \(indices.count) indices")
        let g = weight.gradient.pointer, dy = outputGradient.pointer
        let padding = paddingIndex.map { Int32($0) } ?? -1
        for (n, index) in indices.enumerated() where index != padding {
            Vector.add(dy + n * e, into: g + Int(index) * e, count: e)
        }
    }
}

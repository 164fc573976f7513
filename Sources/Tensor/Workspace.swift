/// A reusable scratch buffer for one role in a layer (gates of all time steps, a gradient…).
///
/// `tensor(_:)` hands out a view of the requested shape over storage that grows only when a
/// larger size is asked for, so steady-state training allocates nothing per batch. A view
/// handed out earlier keeps its storage alive even after the workspace grows.
public final class Workspace {
    var storage = TensorStorage(count: 0)

    public init() {}

    /// A view of `shape` over this workspace's storage; the contents are whatever the previous
    /// user left (zero only on first allocation).
    public func tensor(_ shape: [Int]) -> Tensor {
        let n = Tensor.elementCount(shape)
        if n > storage.count {
            storage = TensorStorage(count: n)
        }
        return Tensor(storage: storage, offset: 0, shape: shape)
    }

    /// Like `tensor(_:)` but zero-filled.
    public func zeros(_ shape: [Int]) -> Tensor {
        let t = tensor(shape)
        t.zero()
        return t
    }
}

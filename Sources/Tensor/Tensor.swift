// The Tensor target: Float32 tensors, oneDNN GEMM, vectorised kernels, seeded RNG, safetensors.

#if canImport(Glibc)
import Glibc
#endif

/// Heap memory for tensors: 64-byte aligned (a cache line, and what aligned SIMD loads want),
/// zero-initialised, freed when the last tensor viewing it goes away.
///
/// Storage of 4 MiB or more is aligned to 2 MiB and offered to the kernel for transparent huge
/// pages (`madvise`, where the system leaves that to programs): a 10,000 × 200 output matrix
/// then spans 4 pages instead of 2,000, so a pass over it (every next-word query of the REPL)
/// does not miss the TLB page after page.
public final class TensorStorage: @unchecked Sendable {
    /// Number of Float32 elements.
    public let count: Int
    /// First element; stays valid for the life of the storage.
    public let base: UnsafeMutablePointer<Float>

    static let hugePageBytes = 2 << 20
    /// Below this a partly used last huge page would cost too much memory (at most a third here).
    static let hugePageThreshold = 4 << 20

    public init(count: Int) {
        precondition(count >= 0, "negative tensor size \(count)")
        self.count = count
        var bytes = max(count, 1) * MemoryLayout<Float>.stride
        let huge = bytes >= Self.hugePageThreshold
        if huge { bytes = (bytes + Self.hugePageBytes - 1) / Self.hugePageBytes * Self.hugePageBytes }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: huge ? Self.hugePageBytes : 64)
        #if canImport(Glibc)
        // Advice only: without transparent huge pages the call fails and nothing changes.
        if huge { _ = madvise(raw, bytes, MADV_HUGEPAGE) }
        #endif
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    deinit {
        UnsafeMutableRawPointer(base).deallocate()
    }
}

/// A Float32 tensor: contiguous, row-major, with a shape.
///
/// `Tensor` is a *view*: a reference to shared storage plus an offset and a shape, like a
/// PyTorch tensor. Copying a `Tensor` value copies the view, not the numbers, and writes through
/// any view are seen by all (this is how tied weights share one parameter, and how a time step
/// `x.slice(t)` is taken without copying). Use `copy()` for an independent tensor.
///
/// Element access through `pointer` is unchecked and is what kernels use; the subscript and
/// `scalars` are for tests and small glue code.
public struct Tensor: @unchecked Sendable {
    public let storage: TensorStorage
    /// Offset of the first element in `storage`, in elements.
    public let offset: Int
    public let shape: [Int]
    /// Number of elements (the product of `shape`; 1 for a scalar).
    public let count: Int

    /// A zero-filled tensor.
    public init(zeros shape: [Int]) {
        let n = Tensor.elementCount(shape)
        self.init(storage: TensorStorage(count: n), offset: 0, shape: shape)
    }

    /// A tensor holding `scalars` in row-major order; `scalars.count` must equal the product of
    /// `shape`.
    public init(shape: [Int], scalars: [Float]) {
        let n = Tensor.elementCount(shape)
        precondition(scalars.count == n, "\(scalars.count) scalars for shape \(shape)")
        self.init(zeros: shape)
        scalars.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: n) }
    }

    /// A tensor of the given shape filled with `value`.
    public init(shape: [Int], repeating value: Float) {
        self.init(zeros: shape)
        pointer.update(repeating: value, count: count)
    }

    /// A view of `storage` starting at `offset`.
    public init(storage: TensorStorage, offset: Int, shape: [Int]) {
        let n = Tensor.elementCount(shape)
        precondition(offset >= 0 && offset + n <= storage.count,
                     "view of \(n) elements at \(offset) exceeds storage of \(storage.count)")
        self.storage = storage
        self.offset = offset
        self.shape = shape
        self.count = n
    }

    /// The product of the dimensions; traps on a negative dimension (a programming error).
    @inlinable
    public static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape {
            precondition(d >= 0, "negative dimension in shape \(shape)")
            n *= d
        }
        return n
    }

    /// First element. Writes through it are seen by every view of the same storage.
    @inlinable
    public var pointer: UnsafeMutablePointer<Float> { storage.base + offset }

    /// Number of dimensions.
    @inlinable
    public var rank: Int { shape.count }

    /// The elements in row-major order, copied into an array.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// Element at a full index (row-major); for tests and glue code, not for kernels.
    public subscript(_ index: Int...) -> Float {
        get { pointer[flatIndex(index)] }
        nonmutating set { pointer[flatIndex(index)] = newValue }
    }

    func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) for shape \(shape)")
        var flat = 0
        for (i, d) in zip(index, shape) {
            precondition(i >= 0 && i < d, "index \(index) out of shape \(shape)")
            flat = flat * d + i
        }
        return flat
    }

    /// The same elements under another shape with the same element count (no copy).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(Tensor.elementCount(newShape) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(storage: storage, offset: offset, shape: newShape)
    }

    /// Sub-tensor `index` along the first axis, e.g. time step `t` of a `(T, B, H)` tensor is a
    /// `(B, H)` view (no copy).
    public func slice(_ index: Int) -> Tensor {
        precondition(rank >= 1 && index >= 0 && index < shape[0], "slice \(index) of shape \(shape)")
        let rowShape = Array(shape.dropFirst())
        let rowCount = Tensor.elementCount(rowShape)
        return Tensor(storage: storage, offset: offset + index * rowCount, shape: rowShape)
    }

    /// Sub-tensor `range` along the first axis (no copy).
    public func slice(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "slice \(range) of shape \(shape)")
        var newShape = shape
        newShape[0] = range.count
        let rowCount = shape[0] == 0 ? 0 : count / shape[0]
        return Tensor(storage: storage, offset: offset + range.lowerBound * rowCount, shape: newShape)
    }

    /// An independent copy with its own storage.
    public func copy() -> Tensor {
        let result = Tensor(zeros: shape)
        result.pointer.update(from: pointer, count: count)
        return result
    }

    /// Copies the elements of `source` (same element count) into this tensor.
    public func assign(_ source: Tensor) {
        precondition(source.count == count, "assigning \(source.shape) to \(shape)")
        pointer.update(from: source.pointer, count: count)
    }

    /// Sets every element to `value`.
    public func fill(_ value: Float) {
        pointer.update(repeating: value, count: count)
    }

    /// Sets every element to zero.
    public func zero() {
        fill(0)
    }

    /// Whether `other` views the same storage at the same place.
    public func isSameView(as other: Tensor) -> Bool {
        storage === other.storage && offset == other.offset && shape == other.shape
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
    }
}

import CDNNL
#if canImport(Glibc)
import Glibc
#endif

/// Thread control for everything numeric: oneDNN's GEMMs and LSTMKit's own parallel kernels run
/// on the same OpenMP (libgomp) thread pool, so the two never compete for the cores.
///
/// Parallel work is split statically by thread index, so results depend on the thread count but
/// not on timing: the same seed and the same thread count give bit-identical runs.
public enum Threads {
    /// Sets the number of threads for later GEMMs and parallel kernels started from the calling
    /// thread (OpenMP keeps this per thread: call it on the thread that does the numeric work).
    /// 0 means all cores; `nil` means all cores unless `OMP_NUM_THREADS` says otherwise.
    public static func setCount(_ count: Int?) {
        if count == nil, getenv("OMP_NUM_THREADS") != nil { return }  // OpenMP read it at start-up
        let n = count.flatMap { $0 > 0 ? $0 : nil } ?? coreCount
        omp_set_num_threads(Int32(n))
    }

    /// Threads a parallel region started now would use.
    public static var count: Int { Int(omp_get_max_threads()) }

    /// Online cores of this machine.
    public static var coreCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Runs `body(range)` over `0..<count` split into contiguous chunks, one per thread, on the
    /// OpenMP pool; runs inline when the work is smaller than `minimumPerThread` per thread or
    /// only one thread is set. Chunk boundaries depend only on `count` and the thread count.
    @inlinable
    public static func parallelFor(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        let threads = min(Threads.count, count / max(minimumPerThread, 1))
        if threads <= 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { escapable in
            var context = ParallelContext(count: count, body: escapable)
            withUnsafeMutablePointer(to: &context) { contextPointer in
                GOMP_parallel(parallelTrampoline, UnsafeMutableRawPointer(contextPointer), UInt32(threads), 0)
            }
        }
    }

    /// Chunk `index` of `parts` equal-as-possible chunks of `0..<count`.
    @inlinable
    public static func chunk(_ index: Int, of parts: Int, count: Int) -> Range<Int> {
        let base = count / parts, extra = count % parts
        let start = index * base + min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }
}

@usableFromInline
struct ParallelContext {
    @usableFromInline let count: Int
    @usableFromInline let body: (Range<Int>) -> Void

    @usableFromInline
    init(count: Int, body: @escaping (Range<Int>) -> Void) {
        self.count = count
        self.body = body
    }
}

/// Entry point each OpenMP thread runs: finds its chunk from its thread number.
@usableFromInline
let parallelTrampoline: @convention(c) (UnsafeMutableRawPointer?) -> Void = { raw in
    guard let raw else { return }
    let context = raw.assumingMemoryBound(to: ParallelContext.self)
    let index = Int(omp_get_thread_num())
    // The runtime may hand out fewer threads than asked (nested regions, limits).
    let parts = Int(omp_get_num_threads())
    guard index < parts else { return }
    context.pointee.body(Threads.chunk(index, of: parts, count: context.pointee.count))
}

extension Vector {
    /// `addRows` with the columns split across threads in blocks of 32; each column is still
    /// summed in row order by one thread, so the result does not depend on the thread count.
    @inlinable
    public static func addRowsInParallel(_ x: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int,
                                         into y: UnsafeMutablePointer<Float>) {
        let blocks = (columns + 31) / 32
        // About 64k elements per thread before splitting pays.
        Threads.parallelFor(blocks, minimumPerThread: Swift.max(1, 2048 / Swift.max(rows, 1))) { range in
            let start = range.lowerBound * 32, end = Swift.min(columns, range.upperBound * 32)
            addRows(x + start, rows: rows, columns: end - start, stride: stride, into: y + start)
        }
    }

    /// Copies `row` (`columns` elements) into each of `rows` rows of `y`, rows split across
    /// threads: how a bias is laid down before a GEMM accumulates onto it.
    @inlinable
    public static func broadcastRow(_ row: UnsafePointer<Float>, columns: Int, rows: Int,
                                    into y: UnsafeMutablePointer<Float>) {
        Threads.parallelFor(rows, minimumPerThread: Swift.max(1, 65536 / Swift.max(columns, 1))) { range in
            for r in range { (y + r * columns).update(from: row, count: columns) }
        }
    }
}

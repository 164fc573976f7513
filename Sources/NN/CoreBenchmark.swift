import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// The numerical core's benchmark (`lstmkit bench core`): GEMM throughput at the shapes an LSTM
/// language model uses, one LSTM layer forward+backward, and the output layer with the fused
/// softmax cross-entropy. `scripts/bench/core_torch.py` measures the same rows in PyTorch.
public enum CoreBenchmark {
    /// One measured figure.
    public struct Row: Sendable {
        /// Stable name shared with the PyTorch script, e.g. `gemm 20x200x800`.
        public var name: String
        public var threads: Int
        public var value: Double
        /// `GFLOP/s` (higher is better) or `ms` (time per call, lower is better).
        public var unit: String
    }

    /// GEMM shapes (m, k, n) of `x · Wᵀ`: one LSTM step (B = 20 rows), the input projection of
    /// all T·B = 700 rows, and the vocabulary projection (V = 10k), at H = 200 and 650.
    public static let gemmShapes: [(m: Int, k: Int, n: Int)] = [
        (20, 200, 800), (700, 200, 800), (700, 200, 10000),
        (20, 650, 2600), (700, 650, 2600), (700, 650, 10000),
    ]

    /// Runs every row (or those whose name contains `filter`) for each thread count.
    /// `minimumSeconds` bounds the time per row.
    public static func run(threadCounts: [Int], minimumSeconds: Double = 0.5, filter: String? = nil,
                           progress: (Row) -> Void = { _ in }) -> [Row] {
        var rows: [Row] = []
        func wanted(_ name: String) -> Bool { filter.map { name.contains($0) } ?? true }
        func add(_ row: Row) {
            rows.append(row)
            progress(row)
        }
        let generator = RandomGenerator(seed: 1)
        for threads in threadCounts {
            Threads.setCount(threads)
            for shape in gemmShapes where wanted("gemm \(shape.m)x\(shape.k)x\(shape.n)") {
                let a = Tensor(zeros: [shape.m, shape.k]), w = Tensor(zeros: [shape.n, shape.k])
                let c = Tensor(zeros: [shape.m, shape.n])
                generator.fillUniform(a, bound: 1)
                generator.fillUniform(w, bound: 1)
                let seconds = timePerCall(minimumSeconds: minimumSeconds) {
                    Tensor.matmul(a, w, transposeB: true, into: c)
                }
                let flops = 2.0 * Double(shape.m * shape.k * shape.n)
                add(Row(name: "gemm \(shape.m)x\(shape.k)x\(shape.n)", threads: threads,
                        value: flops / seconds / 1e9, unit: "GFLOP/s"))
            }
            for hidden in [200, 650] where wanted("lstm fwd+bwd T=35 B=20 H=\(hidden)") {
                let (t, b) = (35, 20)
                let lstm = LSTM(inputSize: hidden, hiddenSize: hidden, generator: generator)
                let x = Tensor(zeros: [t, b, hidden]), dy = Tensor(zeros: [t, b, hidden])
                generator.fillUniform(x, bound: 1)
                generator.fillUniform(dy, bound: 1)
                let seconds = timePerCall(minimumSeconds: minimumSeconds) {
                    _ = lstm.forward(x)
                    lstm.backward(outputGradient: dy)
                }
                add(Row(name: "lstm fwd+bwd T=35 B=20 H=\(hidden)", threads: threads, value: seconds * 1e3, unit: "ms"))
            }
            for hidden in [200, 650] where wanted("linear+softmax-CE fwd+bwd N=700 V=10k H=\(hidden)") {
                let (n, v) = (700, 10000)
                let linear = Linear(inputSize: hidden, outputSize: v, generator: generator)
                let criterion = SoftmaxCrossEntropy()
                let x = Tensor(zeros: [n, hidden])
                generator.fillUniform(x, bound: 1)
                let targets = (0..<n).map { _ in Int32(generator.nextInt(below: v)) }
                let seconds = timePerCall(minimumSeconds: minimumSeconds) {
                    // As the language model runs it: the loss adds the bias in its own sweep.
                    let logits = linear.forward(x, addingBias: false)
                    _ = criterion.lossAndGradient(logits: logits, targets: targets, addingBias: linear.bias?.value)
                    linear.backward(outputGradient: logits)
                }
                add(Row(name: "linear+softmax-CE fwd+bwd N=700 V=10k H=\(hidden)", threads: threads,
                        value: seconds * 1e3, unit: "ms"))
            }
            if wanted("softmax-CE loss+grad N=700 V=10k") {
                let (n, v) = (700, 10000)
                let criterion = SoftmaxCrossEntropy()
                let logits = Tensor(zeros: [n, v])
                generator.fillUniform(logits, bound: 5)
                let targets = (0..<n).map { _ in Int32(generator.nextInt(below: v)) }
                let seconds = timePerCall(minimumSeconds: minimumSeconds) {
                    // Each call overwrites the logits with the gradient and the next call takes
                    // those as logits: the work per row does not depend on the values.
                    _ = criterion.lossAndGradient(logits: logits, targets: targets)
                }
                add(Row(name: "softmax-CE loss+grad N=700 V=10k", threads: threads, value: seconds * 1e3, unit: "ms"))
            }
        }
        return rows
    }

    /// Median seconds per call over batches of calls, after a warm-up, for at least
    /// `minimumSeconds` in total.
    static func timePerCall(minimumSeconds: Double, _ body: () -> Void) -> Double {
        body()
        body()
        var start = now()
        var calls = 0
        repeat {
            body()
            calls += 1
        } while now() - start < 0.05
        let perBatch = max(1, calls)
        var samples: [Double] = []
        let begin = now()
        repeat {
            start = now()
            for _ in 0..<perBatch { body() }
            samples.append((now() - start) / Double(perBatch))
        } while now() - begin < minimumSeconds || samples.count < 5
        samples.sort()
        return samples[samples.count / 2]
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

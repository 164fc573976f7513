import Foundation
import Models
import NN
import Support
import Tensor
import Text

/// Training and evaluation throughput of a language model, measured the way
/// `scripts/bench/lm_torch.py` measures PyTorch: the same model (Embedding → LSTM → Linear,
/// uniform ±0.1 init), the same batching, SGD lr 20 with clipping at 0.25, warm-up chunks
/// first, then timed chunks from the start of the text.
public enum LanguageModelBenchmark {
    public struct Settings: Sendable {
        public var hiddenSize = 200
        public var layers = 2
        public var bptt = 35
        public var batchSize = 20
        public var trainChunks = 200
        public var evalChunks = 400
        public var warmupChunks = 10
        public init() {}
    }

    public struct Result: Sendable {
        public var vocabularySize: Int
        public var trainTokensPerSecond: Double
        public var evalTokensPerSecond: Double
        /// Model FLOP/s (2 per multiply-add; training counts forward + backward as 3 forwards).
        public var trainFLOPs: Double
        public var evalFLOPs: Double
        /// sgemm GFLOP/s at the output layer's shape, measured in the same process: the peak the
        /// model's FLOP/s compare against.
        public var gemmPeakFLOPs: Double
    }

    /// Why the model `run` would build cannot be built or trained here (sizes, memory), as a
    /// sentence; nil when it can.
    public static func problem(vocabularySize: Int, settings s: Settings) -> String? {
        let configuration = LanguageModelConfiguration(vocabularySize: vocabularySize, embeddingSize: s.hiddenSize,
                                                       hiddenSize: s.hiddenSize, layers: s.layers)
        // Plain SGD: the weight and its gradient.
        return configuration.problem ?? MemoryBudget.trainingProblem(parameters: configuration.parameterCount, bytesPerParameter: 8)
    }

    /// - Parameter tokens: the training stream (ids), e.g. PTB train with `<eos>` per line.
    /// - Precondition: `problem(vocabularySize:settings:)` is nil.
    public static func run(tokens: [Int32], vocabularySize: Int, settings s: Settings) -> Result? {
        guard let batcher = LMBatcher(tokens: tokens, batchSize: s.batchSize, bptt: s.bptt) else { return nil }
        let generator = RandomGenerator(seed: 1)
        let configuration = LanguageModelConfiguration(vocabularySize: vocabularySize, embeddingSize: s.hiddenSize,
                                                       hiddenSize: s.hiddenSize, layers: s.layers)
        let model = LanguageModel(configuration: configuration, initRange: 0.1, generator: generator)
        let optimizer = SGD(parameters: model.parameters, learningRate: 20)

        func train(_ chunks: Int) -> Int {
            var state = model.zeroState(batchSize: s.batchSize)
            var tokens = 0
            for i in 0..<chunks {
                let chunk = batcher.chunk(i % batcher.chunkCount)
                if i % batcher.chunkCount == 0 { state = model.zeroState(batchSize: s.batchSize) }
                model.parameters.zeroGradients()
                let r = model.trainStep(inputs: chunk.inputs, targets: chunk.targets, steps: chunk.steps,
                                        batch: s.batchSize, initialState: state, generator: generator)
                model.parameters.clipGradientNorm(maxNorm: 0.25)
                optimizer.step()
                state = r.finalState
                tokens += r.count
            }
            return tokens
        }
        func evaluate(_ chunks: Int) -> Int {
            var state = model.zeroState(batchSize: s.batchSize)
            var tokens = 0
            for i in 0..<chunks {
                let chunk = batcher.chunk(i % batcher.chunkCount)
                if i % batcher.chunkCount == 0 { state = model.zeroState(batchSize: s.batchSize) }
                let r = model.evaluate(inputs: chunk.inputs, targets: chunk.targets, steps: chunk.steps,
                                       batch: s.batchSize, initialState: state)
                state = r.finalState
                tokens += r.count
            }
            return tokens
        }
        _ = train(s.warmupChunks)
        var start = Date()
        let trained = train(s.trainChunks)
        let trainSeconds = Date().timeIntervalSince(start)
        _ = evaluate(s.warmupChunks)
        start = Date()
        let evaluated = evaluate(s.evalChunks)
        let evalSeconds = Date().timeIntervalSince(start)

        let macs = configuration.forwardMultiplyAddsPerToken
        let trainRate = Double(trained) / trainSeconds, evalRate = Double(evaluated) / evalSeconds
        return Result(vocabularySize: vocabularySize, trainTokensPerSecond: trainRate, evalTokensPerSecond: evalRate,
                      trainFLOPs: trainRate * macs * 2 * 3, evalFLOPs: evalRate * macs * 2,
                      gemmPeakFLOPs: gemmRate(m: s.batchSize * s.bptt, n: vocabularySize, k: s.hiddenSize))
    }

    /// FLOP/s of `C = A · Bᵀ` at [m×k]·[k×n], the output layer's product, best of a few runs.
    static func gemmRate(m: Int, n: Int, k: Int) -> Double {
        let a = Tensor(shape: [m, k], repeating: 0.01), b = Tensor(shape: [n, k], repeating: 0.02)
        let c = Tensor(zeros: [m, n])
        var best = 0.0
        for _ in 0..<5 {
            let start = Date()
            var runs = 0
            repeat {
                GEMM.multiply(transposeB: true, m: m, n: n, k: k, a: a.pointer, lda: k, b: b.pointer, ldb: k,
                              c: c.pointer, ldc: n)
                runs += 1
            } while Date().timeIntervalSince(start) < 0.1
            best = max(best, Double(runs) * 2 * Double(m * n * k) / Date().timeIntervalSince(start))
        }
        return best
    }
}

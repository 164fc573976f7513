import ArgumentParser
import Foundation
import Support
import Tensor
import Text
import Training

/// `lstmkit bench lm`: language-model training and evaluation tokens/s (release builds).
struct BenchLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lm",
        abstract: "Language-model training and evaluation throughput, tokens per second.",
        discussion: "The PyTorch counterpart is scripts/bench/lm_torch.py; scripts/bench/lm.sh runs both in turn, several times, and prints medians and ratios."
    )

    @Option(help: ArgumentHelp("Folder with ptb.train.txt (or train.txt), read with white-space splitting.", valueName: "FOLDER"))
    var corpus = "../shared/corpora/ptb"
    @Option(help: "Hidden units (= embedding size).") var hidden = 200
    @Option(help: "Recurrent layers.") var layers = 2
    @Option(help: "Truncated-BPTT steps.") var bptt = 35
    @Option(name: .customLong("batch"), help: "Batch columns.") var batch = 20
    @Option(help: "Threads (default: all cores).") var threads: Int?
    @Option(name: .customLong("train-batches"), help: "Timed training chunks.") var trainBatches = 200
    @Option(name: .customLong("eval-batches"), help: "Timed evaluation chunks.") var evalBatches = 400
    @Option(help: "Untimed chunks before each measurement.") var warmup = 10

    func validate() throws {
        for (name, value) in [("--hidden", hidden), ("--layers", layers), ("--bptt", bptt), ("--batch", batch),
                              ("--train-batches", trainBatches), ("--eval-batches", evalBatches)] where value < 1 {
            throw ValidationError("\(name) must be at least 1, not \(value).")
        }
        // With a small vocabulary here (the corpus is not read yet); again with the corpus's in run().
        if let problem = LanguageModelBenchmark.problem(vocabularySize: 10, settings: settings) {
            throw ValidationError(problem.prefix(1).uppercased() + problem.dropFirst() + ".")
        }
    }

    var settings: LanguageModelBenchmark.Settings {
        var s = LanguageModelBenchmark.Settings()
        s.hiddenSize = hidden; s.layers = layers; s.bptt = bptt; s.batchSize = batch
        s.trainChunks = trainBatches; s.evalChunks = evalBatches; s.warmupChunks = warmup
        return s
    }

    func run() throws {
        Threads.setCount(threads)
        let source = try CorpusSource.resolve(corpus: corpus)
        var options = TokenizerOptions()
        options.split = .whitespace
        options.normalization = .none
        let data = try LanguageModelCorpus(source: CorpusSource(train: source.train, valid: nil, test: nil),
                                           tokenizer: options)
        let s = settings
        if let problem = LanguageModelBenchmark.problem(vocabularySize: data.vocabulary.count, settings: s) {
            throw TrainingError.setting("with a vocabulary of \(data.vocabulary.count) words, \(problem)")
        }
        guard let r = LanguageModelBenchmark.run(tokens: data.train, vocabularySize: data.vocabulary.count, settings: s) else {
            throw CorpusError.tooShort(path: source.train, tokens: data.train.count, batchSize: batch)
        }
        print("{\"impl\": \"lstmkit\", \"threads\": \(Threads.count), \"hidden\": \(hidden), \"layers\": \(layers), "
            + "\"vocab\": \(r.vocabularySize), \"bptt\": \(bptt), \"batch\": \(batch), "
            + "\"train_tokens_per_s\": \(r.trainTokensPerSecond), \"eval_tokens_per_s\": \(r.evalTokensPerSecond), "
            + "\"train_gflops\": \(r.trainFLOPs / 1e9), \"eval_gflops\": \(r.evalFLOPs / 1e9), "
            + "\"gemm_peak_gflops\": \(r.gemmPeakFLOPs / 1e9)}")
    }
}

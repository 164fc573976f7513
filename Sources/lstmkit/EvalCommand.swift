import ArgumentParser
import Foundation
import Tensor
import Text
import Training

/// `lstmkit eval`: perplexity of text under a trained language model.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Perplexity of text files under a trained language model, or each line's score.",
        discussion: """
            Files are tokenized as the model's training text was, each line closed by <eos>, and \
            read as training reads valid and test text (contiguous columns, state carried). With \
            --per-line every line is scored alone from a fresh state: natural-log probability of \
            its tokens and closing <eos>, and its perplexity, tab-separated before the line.
            """
    )

    @Option(help: ArgumentHelp("Run folder of a trained model.", valueName: "FOLDER"))
    var model: String

    @Option(help: ArgumentHelp("Weights in the run folder: model.safetensors (best validation) or last.safetensors (the latest, resumable state).",
                               valueName: "FILE"))
    var weights = "model.safetensors"

    @Argument(help: "Text files; standard input when none.")
    var files: [String] = []

    @Flag(name: .customLong("per-line"), help: "Print each line's log-probability and perplexity.")
    var perLine = false

    @Option(name: .customLong("batch-size"), help: "Columns for whole-file evaluation (default: the run's eval batch size).")
    var batchSize: Int?

    @Option(help: "Threads for matrix products (default: all cores).")
    var threads: Int?

    @Flag(help: "Replace invalid UTF-8 by U+FFFD instead of stopping with an error.")
    var lossy = false

    func validate() throws {
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1, not \(batchSize).") }
        if weights.contains("/") || weights.isEmpty {
            throw ValidationError("--weights names a file inside the run folder, such as last.safetensors, not '\(weights)'.")
        }
        if let threads, threads < 0 { throw ValidationError("--threads must be 0 (all cores) or more, not \(threads).") }
    }

    func run() throws {
        Threads.setCount(threads)
        let trained = try TrainedLanguageModel(folder: model, weights: weights)
        let paths = files.isEmpty ? ["-"] : files
        if perLine {
            try evaluatePerLine(trained, paths: paths)
            return
        }
        let t = trained.configuration.training
        for path in paths {
            let (ids, unknown) = try trained.stream(files: [path], lossy: lossy)
            let name = path == "-" ? "standard input" : path
            guard let r = LanguageModelEvaluation.evaluate(trained.model, tokens: ids, batchSize: batchSize ?? t.evalBatchSize,
                                                           bptt: t.bptt) else {
                throw CorpusError.tooShortToEvaluate(path: name, tokens: ids.count)
            }
            print(String(format: "%@: perplexity %.2f  (%d tokens predicted, %.2f%% out of vocabulary)",
                         name, r.perplexity, r.count, 100 * Double(unknown) / Double(max(ids.count, 1))))
        }
    }

    func evaluatePerLine(_ trained: TrainedLanguageModel, paths: [String]) throws {
        var total = 0.0, count = 0
        let out = FileHandle.standardOutput
        for path in paths {
            let reader = path == "-" ? LineReader(fileDescriptor: 0, name: "<stdin>", lossy: lossy)
                                     : try LineReader(path: path, lossy: lossy)
            while let line = try reader.readLine() {
                let ids = try trained.encode(line).ids
                let (logp, n) = trained.score(ids: ids)
                total += logp
                count += n
                out.write(Data((String(format: "%.4f\t%.2f\t", logp, exp(-logp / Double(n))) + line + "\n").utf8))
            }
        }
        if count > 0 {
            FileHandle.standardError.write(Data(String(format: "all lines: perplexity %.2f over %d predicted tokens\n",
                                                       exp(-total / Double(count)), count).utf8))
        }
    }
}

import ArgumentParser
import Foundation
import Models
import NN
import Tensor
import Text
import Training

/// `lstmkit bench seq2seq`: training and decoding speed of the translator, comparable with
/// `scripts/bench/seq2seq_torch.py` (which builds the same batches from the same files).
struct BenchSeq2SeqCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seq2seq",
        abstract: "Translator training speed (target tokens/s) and decoding speed (sentences/s).",
        discussion: """
            Training: the issue-7 model (embeddings 256, BiLSTM 256, decoder 512, general attention, \
            dropout 0.3, Adam, clipping 5) on batches of 64 pairs of --src/--tgt, pre-tokenized files \
            (tokens separated by spaces, e.g. from 'lstmkit tokenize --locale de'), vocabularies of \
            min count 2; the pairs are cut into pools of 100 batches sorted by length, in file order, \
            as scripts/bench/seq2seq_torch.py does. Decoding: with --model, the first \
            --decode-sentences lines of --test (raw text) greedy and with beam 5, batched.
            """
    )

    @Option(help: ArgumentHelp("Pre-tokenized source sentences.", valueName: "FILE"))
    var src: String?

    @Option(help: ArgumentHelp("Pre-tokenized target sentences, line-aligned.", valueName: "FILE"))
    var tgt: String?

    @Option(name: .customLong("train-batches"), help: "Timed training batches.")
    var trainBatches = 40

    @Option(help: "Untimed batches first.")
    var warmup = 5

    @Option(help: ArgumentHelp("A trained run folder, for the decoding rows.", valueName: "DIR"))
    var model: String?

    @Option(help: ArgumentHelp("Raw source sentences to decode.", valueName: "FILE"))
    var test: String?

    @Option(name: .customLong("decode-sentences"), help: "Sentences decoded per row.")
    var decodeSentences = 1000

    @Option(parsing: .upToNextOption, help: "Thread counts to measure.")
    var threads: [Int] = [1, 2]

    @Flag(help: "One JSON object per row.")
    var json = false

    func validate() throws {
        guard (src == nil) == (tgt == nil) else { throw ValidationError("--src and --tgt go together.") }
        guard (model == nil) == (test == nil) else { throw ValidationError("--model and --test go together.") }
        guard src != nil || model != nil else { throw ValidationError("give --src/--tgt (training) and/or --model/--test (decoding).") }
        guard trainBatches >= 1, warmup >= 0, decodeSentences >= 1, threads.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("counts must be positive.")
        }
    }

    func report(_ name: String, _ threads: Int, _ value: Double, _ unit: String) {
        if json {
            print("{\"name\": \"\(name)\", \"threads\": \(threads), \"value\": \(value), \"unit\": \"\(unit)\"}")
        } else {
            print(name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%3d threads %10.1f %@", threads, value, unit))
        }
        fflush(stdout)
    }

    func run() throws {
        #if DEBUG
        print("warning: this is a debug build; build with `swift build -c release` for real figures")
        #endif
        if let src, let tgt { try benchTraining(src: src, tgt: tgt) }
        if let model, let test { try benchDecoding(model: model, test: test) }
    }

    func benchTraining(src: String, tgt: String) throws {
        var sources: [[String]] = [], targets: [[String]] = []
        let sourceLines = try SegmentFile.readLines(path: src), targetLines = try SegmentFile.readLines(path: tgt)
        guard sourceLines.count == targetLines.count else {
            throw SegmentFileError.lineCountMismatch(hypothesisPath: src, hypotheses: sourceLines.count,
                                                    referencePath: tgt, references: targetLines.count)
        }
        for (s, t) in zip(sourceLines, targetLines) {
            let a = s.split(separator: " ").map(String.init), b = t.split(separator: " ").map(String.init)
            if !a.isEmpty && !b.isEmpty { sources.append(a); targets.append(b) }
        }
        var sourceCounts = VocabularyBuilder(), targetCounts = VocabularyBuilder()
        sources.forEach { sourceCounts.add(contentsOf: $0) }
        targets.forEach { targetCounts.add(contentsOf: $0) }
        let sourceVocabulary = try sourceCounts.build(minimumCount: 2), targetVocabulary = try targetCounts.build(minimumCount: 2)
        let batcher = TranslationBatcher(sources: sources.map { sourceVocabulary.ids(for: $0) },
                                         targets: targets.map { targetVocabulary.ids(for: $0) }, batchSize: 64)
        // File order, pools of 100 batches sorted by length: the same batches as the PyTorch script.
        var batches: [[Int]] = []
        let pool = 64 * TranslationBatcher.poolBatches
        for start in stride(from: 0, to: batcher.count, by: pool) {
            let sorted = Array(start..<min(batcher.count, start + pool)).sorted {
                (sources[$0].count, targets[$0].count, $0) < (sources[$1].count, targets[$1].count, $1)
            }
            for cut in stride(from: 0, to: sorted.count, by: 64) { batches.append(Array(sorted[cut..<min(sorted.count, cut + 64)])) }
        }
        let needed = warmup + trainBatches
        guard batches.count >= needed else { throw ValidationError("the files hold only \(batches.count) batches") }
        for threadCount in threads {
            Threads.setCount(threadCount)
            let generator = RandomGenerator(seed: 1)
            let model = try Translator(configuration: TranslatorConfiguration(
                sourceVocabularySize: sourceVocabulary.count, targetVocabularySize: targetVocabulary.count), generator: generator)
            let optimizer = Adam(parameters: model.registry, learningRate: 1e-3)
            let criterion = SoftmaxCrossEntropy(ignoreIndex: 0)
            var tokens = 0
            var start = Date(), cpuStart = ProcessTime.seconds()
            for (i, indices) in batches.prefix(needed).enumerated() {
                if i == warmup { start = Date(); cpuStart = ProcessTime.seconds(); tokens = 0 }
                let batch = batcher.batch(indices)
                model.registry.zeroGradients()
                _ = model.trainingStep(batch, criterion: criterion, generator: generator)
                model.registry.clipGradientNorm(maxNorm: 5)
                optimizer.step()
                tokens += batch.targetTokenCount
            }
            report("train", threadCount, Double(tokens) / Date().timeIntervalSince(start), "target tok/s")
            report("train per cpu", threadCount, Double(tokens) / (ProcessTime.seconds() - cpuStart), "target tok/cpu-s")
        }
    }

    func benchDecoding(model: String, test: String) throws {
        let lines = Array(try SegmentFile.readLines(path: test).filter { !$0.isEmpty }.prefix(decodeSentences))
        for threadCount in threads {
            Threads.setCount(threadCount)
            let engine = try TranslationEngine(folder: TranslationRunFolder(path: model))
            for beam in [1, 5] {
                var decoding = TranslationDecoding()
                decoding.beamSize = beam
                _ = try engine.translate(Array(lines.prefix(64)), decoding: decoding)
                let start = Date(), cpuStart = ProcessTime.seconds()
                _ = try engine.translate(lines, decoding: decoding)
                let name = beam == 1 ? "decode greedy" : "decode beam 5"
                report(name, threadCount, Double(lines.count) / Date().timeIntervalSince(start), "sentences/s")
                report(name + " per cpu", threadCount, Double(lines.count) / (ProcessTime.seconds() - cpuStart), "sentences/cpu-s")
            }
        }
    }
}

import ArgumentParser
import Foundation
import Models
import NN
import Tensor
import Training

extension AttentionScore: ExpressibleByArgument {}

/// `lstmkit translate train`: train a translator on a line-aligned parallel corpus.
struct TranslateTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an LSTM encoder-decoder with attention on PREFIX.SRC / PREFIX.TGT.",
        discussion: """
            Reads --train PREFIX.SRC and PREFIX.TGT (line-aligned), builds word vocabularies from \
            them, and after each epoch reports validation perplexity and BLEU (sacreBLEU's, on \
            detokenized greedy output of --valid). The run folder gets config.json, the \
            vocabularies, model.safetensors (best BLEU), last.safetensors (for --resume), \
            metrics.jsonl and curves.svg. Ctrl-C stops after the current batch and saves the position.
            """
    )

    @Option(help: ArgumentHelp("Training files: PREFIX.SRC and PREFIX.TGT.", valueName: "PREFIX"))
    var train: String?

    @Option(help: ArgumentHelp("Validation files: PREFIX.SRC and PREFIX.TGT.", valueName: "PREFIX"))
    var valid: String?

    @Option(help: ArgumentHelp("Source language (file suffix and tokenizer locale), e.g. de.", valueName: "LANG"))
    var src: String?

    @Option(help: ArgumentHelp("Target language, e.g. en.", valueName: "LANG"))
    var tgt: String?

    @Option(help: ArgumentHelp("Run folder (default runs/SRC-TGT).", valueName: "DIR"))
    var out: String?

    @Flag(help: "Continue the run in --out from its last.safetensors (other options come from its config.json).")
    var resume = false

    @Option(help: "Passes over the training data.")
    var epochs: Int?

    @Option(name: .customLong("max-minutes"), help: "Stop after this many minutes (training and validation), validating the last partial epoch.")
    var maxMinutes: Double?

    @Option(name: .customLong("max-cpu-minutes"), help: "Stop after this much processor time (all threads; 2 cores for 65 minutes is 130), a budget other jobs on the machine do not eat into.")
    var maxCPUMinutes: Double?

    @Option(name: .customLong("batch-size"), help: "Sentence pairs per batch.")
    var batchSize = 64

    @Option(help: "Adam learning rate.")
    var lr = 1e-3

    @Option(name: .customLong("lr-decay"), help: "Divide the learning rate by this when validation loss stalls (1: never).")
    var lrDecay = 2.0

    @Option(help: "Clip the global gradient norm to this (0: off).")
    var clip = 5.0

    @Option(name: .customLong("label-smoothing"), help: "Label smoothing epsilon of the training loss.")
    var labelSmoothing: Float = 0

    @Option(name: .customLong("teacher-forcing"), help: "Probability a decoder step reads the reference token instead of its own prediction.")
    var teacherForcing = 1.0

    @Option(name: .customLong("min-count"), help: "Words seen fewer times in training become <unk>.")
    var minCount = 2

    @Option(name: .customLong("max-length"), help: "Leave out training pairs longer than this (tokens, either side).")
    var maxLength = 80

    @Option(help: "Embedding size (source and target).")
    var embedding = 256

    @Option(help: "Encoder LSTM size per direction.")
    var hidden = 256

    @Option(name: .customLong("decoder-hidden"), help: "Decoder LSTM size.")
    var decoderHidden = 512

    @Option(help: "Encoder and decoder layers.")
    var layers = 1

    @Option(help: ArgumentHelp("Attention score: dot, general (Luong) or additive (Bahdanau).", valueName: "KIND"))
    var attention: AttentionScore = .general

    @Option(help: "Dropout on embeddings, between layers and on the attentional state.")
    var dropout: Float = 0.3

    @Flag(help: "Tie the output layer to the target embeddings (needs --embedding = --decoder-hidden).")
    var tie = false

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(name: .customLong("valid-beam"), help: "Beam size for the validation BLEU (1: greedy).")
    var validBeam = 1

    @Option(help: "Threads for the numeric work (default: all cores; a resumed run is bit-identical with the same count).")
    var threads: Int?

    func validate() throws {
        if !resume {
            guard train != nil, valid != nil, src != nil, tgt != nil else {
                throw ValidationError("--train, --valid, --src and --tgt are needed to start a run (or pass --resume --out DIR).")
            }
        } else if out == nil {
            throw ValidationError("--resume needs --out, the run folder to continue.")
        }
        for (name, value) in [("--src", src), ("--tgt", tgt)] {
            if let value, value.isEmpty || value.contains("/") || value.contains(where: \.isWhitespace) {
                throw ValidationError("\(name) takes a language code such as de or en, not '\(value)'.")
            }
        }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1.") }
        if let maxMinutes, !(maxMinutes > 0) { throw ValidationError("--max-minutes must be positive.") }
        if let maxCPUMinutes, !(maxCPUMinutes > 0) { throw ValidationError("--max-cpu-minutes must be positive.") }
        guard batchSize >= 1, minCount >= 1, maxLength >= 1, validBeam >= 1 else {
            throw ValidationError("--batch-size, --min-count, --max-length and --valid-beam must be at least 1.")
        }
        guard lr > 0, clip >= 0, lrDecay >= 1 else { throw ValidationError("--lr must be positive, --clip non-negative and --lr-decay at least 1.") }
        guard (0..<1).contains(labelSmoothing), (0..<1).contains(dropout) else {
            throw ValidationError("--label-smoothing and --dropout must lie in [0, 1).")
        }
        guard (0...1).contains(teacherForcing) else { throw ValidationError("--teacher-forcing must lie in [0, 1].") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }

    func run() throws {
        Threads.setCount(threads)
        let folder = TranslationRunFolder(path: out ?? "runs/\(src ?? "src")-\(tgt ?? "tgt")")
        let reporter = ProgressReporter(plainEvery: 200)
        let say: (String) -> Void = { reporter.line($0) }
        let trainer: TranslationTrainer
        if resume {
            trainer = try TranslationTrainer.resume(folder: folder, epochs: epochs, maxMinutes: maxMinutes,
                                                    maxCPUMinutes: maxCPUMinutes, reporter: reporter, say: say)
        } else {
            guard let train, let valid, let src, let tgt else { throw ValidationError("--train, --valid, --src and --tgt are needed.") }
            var options = TranslationTrainingOptions()
            options.epochs = epochs ?? options.epochs
            options.maxMinutes = maxMinutes
            options.maxCPUMinutes = maxCPUMinutes
            options.batchSize = batchSize
            options.learningRate = lr
            options.decayFactor = lrDecay
            options.clipNorm = clip
            options.labelSmoothing = labelSmoothing
            options.teacherForcing = teacherForcing
            options.minCount = minCount
            options.maxLength = maxLength
            options.seed = seed
            options.validationBeam = validBeam
            let model = TranslatorConfiguration(
                sourceVocabularySize: 0, targetVocabularySize: 0, embeddingSize: embedding, encoderHiddenSize: hidden,
                decoderHiddenSize: decoderHidden, layers: layers, attention: attention, dropout: dropout,
                tiesOutputEmbedding: tie)
            let configuration = TranslationConfiguration(
                sourceLanguage: src, targetLanguage: tgt, trainPrefix: train, validPrefix: valid,
                model: model, training: options)
            trainer = try TranslationTrainer.start(folder: folder, configuration: configuration, reporter: reporter, say: say)
        }
        Interrupt.install()
        defer { Interrupt.uninstall() }
        let summary = try trainer.run()
        let best = summary.bestBLEU.map { String(format: "%.2f", $0) } ?? "-"
        let why: String
        switch summary.stop {
        case .finished: why = "all epochs done"
        case .timeLimit: why = "time limit reached"
        case .interrupted: why = "interrupted"
        }
        print("\(why): best validation BLEU \(best) at epoch \(summary.bestEpoch.map(String.init) ?? "-") "
              + "(\(folder.bestModelPath)); \(summary.steps) steps in \(ProgressReporter.clock(summary.elapsedSeconds)) "
              + "(processor time \(ProgressReporter.clock(summary.cpuSeconds)))")
        if summary.stop == .interrupted { throw ExitCode(130) }
    }
}

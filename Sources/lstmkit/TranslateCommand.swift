import ArgumentParser
import Training

/// `lstmkit translate`: decode with a trained model (the default), train one, or score one.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate with an LSTM encoder-decoder with attention; train or evaluate one.",
        discussion: """
            lstmkit translate --model runs/NAME translates what it reads: interactively at a \
            terminal, otherwise each line of --input or standard input (see 'lstmkit translate run --help').
            """,
        subcommands: [TranslateRunCommand.self, TranslateTrainCommand.self, TranslateEvalCommand.self],
        defaultSubcommand: TranslateRunCommand.self
    )
}

/// Decoding options shared by `translate run` and `translate eval`.
struct DecodingFlags: ParsableArguments {
    @Option(help: "Beam size (1 = greedy search).")
    var beam = 5

    @Flag(help: "Greedy search (the same as --beam 1).")
    var greedy = false

    @Option(name: .customLong("length-penalty"), help: ArgumentHelp("GNMT length penalty alpha (0 ranks by log-probability).", valueName: "ALPHA"))
    var lengthPenalty: Float = 0

    @Option(name: .customLong("max-ratio"), help: "At most this many output tokens per source token (plus 10).")
    var maxRatio = 2.0

    @Flag(name: .customLong("no-replace-unk"), help: "Keep <unk> in the output instead of copying the source word it attends to most.")
    var noReplaceUnknowns = false

    @Option(name: .customLong("batch-size"), help: "Sentences decoded together.")
    var batchSize = 64

    @Option(help: ArgumentHelp("Which parameters: best (model.safetensors, best validation BLEU) or last.", valueName: "best|last"))
    var checkpoint = "best"

    @Option(help: "Threads for the numeric work (default: all cores).")
    var threads: Int?

    func validate() throws {
        guard beam >= 1 else { throw ValidationError("--beam must be at least 1.") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1.") }
        guard maxRatio >= 0, maxRatio.isFinite else { throw ValidationError("--max-ratio must be a non-negative number.") }
        guard lengthPenalty.isFinite else { throw ValidationError("--length-penalty must be a number.") }
        guard TranslationRunFolder.Checkpoint(rawValue: checkpoint) != nil else { throw ValidationError("--checkpoint is best or last, not '\(checkpoint)'.") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }

    var checkpointChoice: TranslationRunFolder.Checkpoint {
        TranslationRunFolder.Checkpoint(rawValue: checkpoint) ?? .best
    }

    func decoding(nBest: Int = 1) -> TranslationDecoding {
        var d = TranslationDecoding()
        d.beamSize = greedy ? 1 : beam
        d.nBest = max(1, min(nBest, d.beamSize))
        d.lengthPenalty = lengthPenalty
        d.maxLengthRatio = maxRatio
        d.replacesUnknowns = !noReplaceUnknowns
        d.batchSize = batchSize
        return d
    }
}

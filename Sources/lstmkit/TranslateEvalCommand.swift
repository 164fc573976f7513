import ArgumentParser
import Foundation
import Support
import Tensor
import Training

/// `lstmkit translate eval`: translate a source file and score it against references.
struct TranslateEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Translate --src with a trained model and print sacreBLEU's BLEU and chrF against --ref.",
        discussion: "The hypotheses are detokenized text, scored as 'lstmkit bleu' scores files (13a, cased)."
    )

    @Option(help: ArgumentHelp("The run folder written by 'lstmkit translate train'.", valueName: "DIR"))
    var model: String

    @Option(help: ArgumentHelp("Source sentences, one per line.", valueName: "FILE"))
    var src: String

    @Option(help: ArgumentHelp("Reference translations, line-aligned with --src.", valueName: "FILE"))
    var ref: String

    @Option(help: ArgumentHelp("Also write the translations here.", valueName: "FILE"))
    var output: String?

    @OptionGroup var decodingFlags: DecodingFlags

    func run() throws {
        if let output {
            try AtomicFile.checkOutput(output, flag: "--output", what: "the translations", inputs: [("--src", src), ("--ref", ref)])
        }
        Threads.setCount(decodingFlags.threads)
        let engine = try TranslationEngine(folder: TranslationRunFolder(path: model), checkpoint: decodingFlags.checkpointChoice)
        let sources = try SegmentFile.readLines(path: src)
        let references = try SegmentFile.readLines(path: ref)
        guard sources.count == references.count else {
            throw SegmentFileError.lineCountMismatch(hypothesisPath: src, hypotheses: sources.count,
                                                    referencePath: ref, references: references.count)
        }
        guard !sources.isEmpty else { throw SegmentFileError.empty(path: src) }
        let decoding = decodingFlags.decoding()
        let start = Date()
        let hypotheses = try engine.translate(sources, decoding: decoding).map(\.text)
        let seconds = Date().timeIntervalSince(start)
        if let output { try AtomicFile.write(hypotheses.map { $0 + "\n" }.joined(), to: output) }
        print(try BLEU().corpusScore(hypotheses: hypotheses, references: [references]))
        print(try ChrF().corpusScore(hypotheses: hypotheses, references: [references]))
        let search = decoding.beamSize > 1 ? "beam \(decoding.beamSize)" : "greedy"
        print(String(format: "%d sentences in %.1f s (%.1f sentences/s, %@, %d threads)",
                     sources.count, seconds, Double(sources.count) / max(seconds, 1e-9), search, Threads.count))
    }
}

import ArgumentParser
import Foundation
import Support
import Tensor
import Text
import Training

/// `lstmkit translate [run]`: translate sentences with a trained model — interactively at a
/// terminal, or each line of a file or of standard input.
struct TranslateRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Translate sentences with a trained model (the default of 'lstmkit translate').",
        discussion: """
            At a terminal: type a sentence to see its translation and, with :align on (the default), \
            the attention as a heat map (source words across, target words down); :nbest N lists \
            the N best with their scores; :beam K, :help, :quit. Otherwise every line of --input \
            (or standard input) is translated into one line of --output (or standard output), \
            detokenized; --nbest N prints N lines per sentence as 'index ||| translation ||| score', \
            and --align writes each sentence, its translation and its heat map to standard error.
            """
    )

    @Option(help: ArgumentHelp("The run folder written by 'lstmkit translate train'.", valueName: "DIR"))
    var model: String

    @Option(help: ArgumentHelp("Sentences to translate, one per line (default: standard input).", valueName: "FILE"))
    var input: String?

    @Option(help: ArgumentHelp("Where to write the translations (default: standard output).", valueName: "FILE"))
    var output: String?

    @Option(help: "Translations per sentence (at most the beam size).")
    var nbest = 1

    @Flag(help: "Also show each sentence's attention heat map (on standard error outside interactive mode).")
    var align = false

    @OptionGroup var decodingFlags: DecodingFlags

    func validate() throws {
        guard nbest >= 1 else { throw ValidationError("--nbest must be at least 1.") }
    }

    func run() throws {
        // The translations are written at the end: a file that cannot take them, or the input
        // itself, is refused before the work.
        if let output { try AtomicFile.checkOutput(output, flag: "--output", what: "the translations", inputs: [("--input", input ?? "-")]) }
        Threads.setCount(decodingFlags.threads)
        let engine = try TranslationEngine(folder: TranslationRunFolder(path: model), checkpoint: decodingFlags.checkpointChoice)
        if input == nil && isatty(STDIN_FILENO) == 1 {
            try interactive(engine)
        } else {
            try batch(engine)
        }
    }

    /// Every line of the input, translated in chunks of the batch size as they are read.
    func batch(_ engine: TranslationEngine) throws {
        let decoding = decodingFlags.decoding(nBest: nbest)
        let reader = try input.map { try LineReader(path: $0) } ?? LineReader(fileDescriptor: 0, name: "<stdin>")
        var collected = ""
        var index = 0
        var chunk: [String] = []
        func flush() throws {
            guard !chunk.isEmpty else { return }
            let first = index
            var text = ""
            for result in try engine.translate(chunk, decoding: decoding) {
                if decoding.nBest > 1 {
                    for candidate in result.candidates {
                        text += "\(index) ||| \(candidate.text) ||| \(String(format: "%.4f", candidate.score))\n"
                    }
                } else {
                    text += result.text + "\n"
                }
                if align, let best = result.candidates.first {
                    let map = AlignmentHeatMap.render(source: result.sourceTokens, target: best.tokens, attention: best.attention)
                    FileHandle.standardError.write(Data("> \(chunk[index - first])\n= \(best.text)\n\(map)\n\n".utf8))
                }
                index += 1
            }
            chunk.removeAll()
            if output == nil {
                FileHandle.standardOutput.write(Data(text.utf8))
            } else {
                collected += text
            }
        }
        while let line = try reader.readLine() {
            chunk.append(line)
            if chunk.count >= decoding.batchSize { try flush() }
        }
        try flush()
        if let output { try AtomicFile.write(collected, to: output) }
    }

    /// A read-translate-print loop with commands.
    func interactive(_ engine: TranslationEngine) throws {
        var decoding = decodingFlags.decoding(nBest: nbest)
        var showAlignment = true
        let language = engine.configuration.sourceLanguage
        print("Type a sentence in '\(language)' to translate it into '\(engine.configuration.targetLanguage)'; :help lists commands.")
        while true {
            print("\(language)> ", terminator: "")
            fflush(stdout)
            guard let line = readLine() else { print(); return }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if text.hasPrefix(":") {
                let words = text.dropFirst().split(separator: " ").map(String.init)
                switch (words.first ?? "", words.count > 1 ? Int(words[1]) : nil) {
                case ("quit", _), ("q", _): return
                case ("nbest", let n?) where n >= 1:
                    decoding.nBest = n
                    if decoding.beamSize < n { decoding.beamSize = n }
                    print("showing the \(n) best (beam \(decoding.beamSize))")
                case ("beam", let k?) where k >= 1:
                    decoding.beamSize = k
                    decoding.nBest = min(decoding.nBest, k)
                    print("beam \(k)")
                case ("align", _):
                    showAlignment = words.count > 1 ? words[1] != "off" : !showAlignment
                    print("alignment \(showAlignment ? "on" : "off")")
                default:
                    print(":nbest N   list the N best translations with their scores\n:beam K    beam size (1: greedy)\n:align on|off  the attention heat map\n:quit")
                }
                continue
            }
            guard let result = try engine.translate([text], decoding: decoding).first, let best = result.candidates.first else {
                print("(nothing to translate)")
                continue
            }
            print(best.text)
            if decoding.nBest > 1 {
                for (rank, candidate) in result.candidates.enumerated() {
                    print(String(format: "  %d. %8.3f  %@", rank + 1, candidate.score, candidate.text))
                }
            }
            if showAlignment {
                print(AlignmentHeatMap.render(source: result.sourceTokens, target: best.tokens, attention: best.attention))
            }
        }
    }
}

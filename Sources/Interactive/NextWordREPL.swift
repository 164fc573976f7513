import Foundation
import Models

/// The interactive next-word loop of `lstmkit repl`, over any `NextWordModel`.
///
/// Each text line continues the text so far: its words are fed into the kept model state (only
/// they cost) and the most likely next words are shown as a bar chart, with the words the
/// vocabulary lacks named. Lines starting with `:` are commands (`REPLCommand.reference`).
/// `:gen` and `:score` work on copies and leave the text as it was. Output is the same on a
/// terminal and through a pipe, so scripts and tests read exactly what people see; only the
/// banner and the prompt are terminal-only.
public final class NextWordREPL<Model: NextWordModel> {
    public let model: Model
    public private(set) var settings: REPLSettings
    /// Shown in the banner, e.g. the run folder.
    public let title: String

    private let blankFiller: (any BlankFilling)?
    private let makeGenerator: (UInt64) -> any RandomNumberGenerator
    private var generator: any RandomNumberGenerator
    private let output: REPLOutput
    private var state: Model.State
    /// Ids fed since the start or the last `:reset`, for the header of a prediction block.
    private var context: [Int] = []

    /// Context words a prediction header shows; earlier ones become "…".
    static var headerWords: Int { 12 }

    /// - Parameters:
    ///   - blankFiller: enables `:fill` (a trained cloze model or language model); nil leaves it off.
    ///   - makeGenerator: a seeded generator for `:gen`; called again on `:seed`.
    public init(model: Model, settings: REPLSettings = REPLSettings(), title: String = "",
                blankFiller: (any BlankFilling)? = nil,
                makeGenerator: @escaping (UInt64) -> any RandomNumberGenerator,
                output: REPLOutput) throws {
        try settings.sampling.validate()
        guard settings.predictionCount >= 1, settings.predictionCount <= model.vocabularySize else {
            throw REPLInputError.predictionCountTooLarge(settings.predictionCount, vocabularySize: model.vocabularySize)
        }
        self.model = model
        self.settings = settings
        self.title = title
        self.blankFiller = blankFiller
        self.makeGenerator = makeGenerator
        self.generator = makeGenerator(settings.seed)
        self.output = output
        self.state = try model.makeState()
    }

    /// Reads and handles lines until `:quit`, the end of the input, or Ctrl-C at the prompt.
    public func run(_ input: any LineSource) {
        if input.isInteractive {
            output.write(banner)
            // Sorting the vocabulary waits for the first Tab rather than delaying the prompt.
            var completer: WordCompleter?
            input.setCompleter { [unowned self] beforeCursor in
                let ready = completer ?? WordCompleter(
                    commands: commandReference.flatMap(\.names),
                    vocabulary: (0..<model.vocabularySize).map(model.word(for:)), hiddenIDs: Set(model.hiddenIDs))
                completer = ready
                return ready.complete(beforeCursor)
            }
        }
        while true {
            switch input.readLine(prompt: "> ") {
            case .endOfInput, .interrupted:
                return
            case .line(let line):
                let goOn = handle(line, shouldStop: input.takeInterrupt)
                // A Ctrl-C during a command is spent; it must not end the next prompt.
                _ = input.takeInterrupt()
                if !goOn { return }
            }
        }
    }

    /// Acts on one line; false when it asks to leave. A bad line prints one complaint.
    /// - Parameter shouldStop: polled by long commands (`:gen`) to stop early.
    @discardableResult
    public func handle(_ line: String, shouldStop: () -> Bool = { false }) -> Bool {
        do {
            switch try REPLCommand.parse(line) {
            case .text(let text): try feed(text)
            case .showAgain: try showPredictions(unknown: [])
            case .predictionCount(let k):
                if let k {
                    guard k <= model.vocabularySize else {
                        throw REPLInputError.predictionCountTooLarge(k, vocabularySize: model.vocabularySize)
                    }
                    settings.predictionCount = k
                }
                output.write("k = \(settings.predictionCount)\n\n")
            case .temperature(let t):
                if let t { settings.sampling.temperature = t }
                output.write("temperature = \(Self.number(settings.sampling.temperature))\n\n")
            case .topK(let k):
                if let k { settings.sampling.topK = k }
                output.write("top-k = \(settings.sampling.topK)\(settings.sampling.topK == 0 ? " (all words)" : "")\n\n")
            case .topP(let p):
                if let p { settings.sampling.topP = p }
                output.write("top-p = \(Self.number(settings.sampling.topP))\(settings.sampling.topP == 1 ? " (all words)" : "")\n\n")
            case .seed(let seed):
                if let seed {
                    settings.seed = seed
                    generator = makeGenerator(seed)
                }
                output.write("seed = \(settings.seed)\(seed == nil ? "" : " (:gen starts its sequence again)")\n\n")
            case .generate(let count): try generate(count ?? settings.generatedWords, shouldStop: shouldStop)
            case .score(let sentence): try score(sentence)
            case .fill(let sentence): try fill(sentence)
            case .settings: output.write(settingsSummary + "\n\n")
            case .reset:
                state = try model.makeState()
                context = []
                output.write("(the text is empty again)\n\n")
            case .help: output.write(help)
            case .quit: return false
            }
        } catch {
            output.complain("error: \(error)")
        }
        return true
    }

    // MARK: - Commands

    private func feed(_ text: String) throws {
        let tokens = try model.tokenize(text)
        let ids = tokens.map(\.id)
        try model.feed(ids, into: &state)
        context += ids
        try showPredictions(unknown: tokens.filter(\.isUnknown))
    }

    private func showPredictions(unknown: [PromptToken]) throws {
        let scores = try model.visibleLogProbabilities(state)
        var block = unknownNote(unknown)
        let shown = context.suffix(Self.headerWords).map(model.word(for:))
        let header = context.isEmpty ? "(start of text)" : (context.count > shown.count ? "… " : "") + shown.joined(separator: " ")
        block += header + " →\n"
        let rows = largestScores(scores, count: settings.predictionCount).map {
            (word: model.word(for: $0), probability: Double(exp(scores[$0])))
        }
        for row in ChartLayout.probabilityRows(rows) { block += row + "\n" }
        output.write(block + "\n")
    }

    private func generate(_ count: Int, shouldStop: () -> Bool) throws {
        let sampler = try Sampler(options: settings.sampling)
        var continuation = model.copyState(state)
        let ids = try model.sampleContinuation(
            from: &continuation, wordCount: count, sampler: sampler, using: &generator, shouldStop: shouldStop)
        // A sentence end as the last word must not add an empty line to the block.
        let text = model.detokenize(ids.map(model.word(for:))).trimmingTrailingWhitespace()
        let stopped = ids.count < count ? "  (stopped after \(ids.count) words)" : ""
        output.write((context.isEmpty ? "" : "… ") + text + stopped + "\n\n")
    }

    private func score(_ sentence: String) throws {
        let result = try model.score(sentence)
        var block = unknownNote(result.words.map(\.token).filter(\.isUnknown))
        let words = result.words.map { ChartLayout.fitted(model.word(for: $0.token.id)) }
        let width = words.map(ChartLayout.displayWidth).max() ?? 0
        for (word, scored) in zip(words, result.words) {
            block += "  " + ChartLayout.padded(word, to: width) + "  " + ChartLayout.percent(exp(scored.logProbability))
                + String(format: "  ln P %8.3f\n", scored.logProbability)
        }
        if let perplexity = result.perplexity {
            block += String(format: "ln P(sentence) = %.3f  ·  %d tokens  ·  perplexity %.2f\n",
                            result.logProbability, result.words.count, perplexity)
        } else {
            block += "(no words to score)\n"
        }
        output.write(block + "\n")
    }

    private func fill(_ sentence: String) throws {
        guard let blankFiller else { throw REPLInputError.fillUnavailable }
        let result = try blankFiller.fillBlanks(in: sentence, count: settings.predictionCount)
        guard !result.blanks.isEmpty else {
            throw REPLFillError.noBlank(marker: blankFiller.blankMarker)
        }
        output.write(blankFillBlock(result) + "\n")
    }

    // MARK: - Text

    /// `note: "qux" is not in the vocabulary (read as <unk>)`, or nothing.
    private func unknownNote(_ tokens: [PromptToken]) -> String {
        guard let first = tokens.first else { return "" }
        return unknownWordsNote(tokens.map(\.text), readAs: model.word(for: first.id)) + "\n"
    }

    private var commandReference: [(names: [String], argument: String, summary: String)] {
        REPLCommand.reference.filter { blankFiller != nil || $0.names[0] != ":fill" }
    }

    private var banner: String {
        let name = title.isEmpty ? "" : " · \(title)"
        return "lstmkit repl\(name) · \(model.vocabularySize) words\n"
            + "Type words, then Enter, to see the likeliest next words · :help for commands · Ctrl-D leaves\n\n"
    }

    private var help: String {
        var text = "Type words: they continue the text so far, and the most likely next words are shown.\n"
            + "An empty line shows them again. Words the vocabulary lacks are read as unknown and named.\n"
        let usages = commandReference.map { $0.names[0] + ($0.argument.isEmpty ? "" : " " + $0.argument) }
        let width = usages.map(\.count).max() ?? 0
        for (usage, entry) in zip(usages, commandReference) {
            text += "  " + usage.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + entry.summary + "\n"
        }
        if let blankFiller { text += "In :fill, write each blank as \(blankFiller.blankMarker)\n" }
        return text + "Ctrl-C stops a long :gen; at the prompt it leaves, like Ctrl-D.\n\n"
    }

    private var settingsSummary: String {
        let s = settings.sampling
        return "k = \(settings.predictionCount) · temperature = \(Self.number(s.temperature))"
            + " · top-k = \(s.topK)\(s.topK == 0 ? " (all words)" : "")"
            + " · top-p = \(Self.number(s.topP))\(s.topP == 1 ? " (all words)" : "")"
            + " · seed = \(settings.seed)"
            + (blankFiller?.fillSettings.map { "\n:fill: \($0)" } ?? "")
    }

    /// 1, 0.7, 0.95: as short as the value allows.
    static func number(_ value: Double) -> String {
        String(format: "%g", value)
    }
}

/// `note: "qux", "zap" are not in the vocabulary (read as <unk>)` (each word named once).
public func unknownWordsNote(_ words: [String], readAs unknown: String) -> String {
    var seen = Set<String>()
    let named = words.filter { seen.insert($0).inserted }.map { "\"\($0)\"" }
    return "note: " + named.joined(separator: ", ") + (named.count == 1 ? " is" : " are")
        + " not in the vocabulary (read as \(unknown))"
}

/// The words found for each blank as bar charts, headed `blank →` (`blank 1 →`, `blank 2 →`
/// when there are several), after a note naming the unknown words: what `:fill` and
/// `lstmkit fill` print.
public func blankFillBlock(_ result: BlankFillResult) -> String {
    var block = result.unknownWords.isEmpty ? "" : unknownWordsNote(result.unknownWords, readAs: "<unk>") + "\n"
    for (index, candidates) in result.blanks.enumerated() {
        block += (result.blanks.count > 1 ? "blank \(index + 1)" : "blank") + " →\n"
        for row in ChartLayout.probabilityRows(candidates.map { ($0.word, $0.probability) }) { block += row + "\n" }
    }
    return block
}

/// `:fill` got a sentence without a blank.
enum REPLFillError: Error, CustomStringConvertible, Equatable {
    case noBlank(marker: String)

    var description: String {
        switch self {
        case .noBlank(let marker): return ":fill found no blank in the sentence; write each blank as \(marker)"
        }
    }
}

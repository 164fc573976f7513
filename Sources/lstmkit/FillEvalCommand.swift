import ArgumentParser
import Foundation
import Support
import Tensor
import Training

/// `lstmkit fill-eval`: fill-in-the-blank accuracy of one or more models on an items file.
struct FillEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fill-eval",
        abstract: "Accuracy@1, accuracy@5 and MRR of models filling the blanks of an items file.",
        discussion: """
            Items are lines sentence-with-___<TAB>answer[<TAB>cand1,cand2,...], as lstmkit cloze \
            make writes them: the answer is ranked among the candidates when given, else among \
            every word of the model's vocabulary (specials never count). --compare adds models, \
            shown side by side on the same items: an item counts only when every model can take \
            it; each is then set against the first item by item (the items only one of the two \
            got right, the first's lead in accuracy@1 with its paired 95% interval, and the exact \
            two-sided McNemar p of that split). Lines that cannot be \
            evaluated (no blank, two blanks, an answer or candidate outside a vocabulary, a \
            malformed line) are named with their line number on standard error and skipped. When the items carry the distance and attractor columns of \
            corpora/toy-en/agreement.tsv, accuracy@1 is also broken down by each, and by \
            construction. A cloze model ranks by its distribution for the blank plus, weighted by \
            --sentence-weight, how well the rest of the sentence fits each word (over the whole \
            vocabulary, for its --rescore best words). A language model ranks by scoring whole sentences, which over the whole \
            vocabulary takes seconds per item; --compare-left adds a language model ranking by the \
            words before the blank alone.
            """
    )

    @Option(help: ArgumentHelp("Run folder of a trained cloze model or language model.", valueName: "FOLDER"))
    var model: String

    @Option(help: ArgumentHelp("Another run folder to evaluate on the same items (repeatable).", valueName: "FOLDER"))
    var compare: [String] = []

    @Option(name: .customLong("compare-left"),
            help: ArgumentHelp("A language model's run folder to evaluate ranking by the left context alone, P(w | left): what a forward model does without the words after the blank (repeatable).",
                               valueName: "FOLDER"))
    var compareLeft: [String] = []

    @Option(help: ArgumentHelp("Also write each evaluated item's rank under every model to FILE (TSV: line, answer, one column per model; 1 = first choice). Not -: standard output carries the report.", valueName: "FILE"))
    var ranks: String?

    @Argument(help: "The items file (- for standard input).")
    var items: String

    @OptionGroup var scoring: ClozeScoringOptions

    @Option(help: "Threads for matrix products (default: all cores).")
    var threads: Int?

    @Flag(help: "Replace invalid UTF-8 by U+FFFD instead of stopping with an error.")
    var lossy = false

    func validate() throws {
        if let threads, threads < 0 { throw ValidationError("--threads must be 0 (all cores) or more, not \(threads).") }
        // '-' is standard input for the items; for the ranks it would name a file called '-'.
        if ranks == "" { throw ValidationError("--ranks takes a file name, not an empty one.") }
        if ranks == "-" {
            throw ValidationError("--ranks takes a file name, not - (standard output carries the report).")
        }
    }

    /// How messages name the items: their path, or `<stdin>`.
    var itemsName: String { items == "-" ? "<stdin>" : items }

    func run() throws {
        // The ranks are written after the evaluation, which can take hours: a path that cannot be
        // written, or that would replace the items themselves, is refused before it starts.
        if let ranks {
            try AtomicFile.checkOutput(ranks, flag: "--ranks", what: "the ranks", inputs: [("items", items)])
        }
        Threads.setCount(threads)
        var folders = [model] + compare
        var models = try scoring.load(folders)
        for folder in compareLeft {
            // A folder also given with --model or --compare is loaded once.
            let loaded = try folders.firstIndex(of: folder).map { models[$0] } ?? loadBlankRanker(folder: folder)
            guard let lm = loaded as? TrainedLanguageModel else {
                throw FillEvalError.leftOfNonLanguageModel(folder)
            }
            folders.append(folder)
            models.append(LeftContextRanker(lm))
        }
        let (parsed, badLines) = try ClozeItem.read(path: items, lossy: lossy)
        // A language model over the whole vocabulary takes seconds per item: a line every 10.
        let slow = models.contains { $0 is TrainedLanguageModel } && parsed.contains { $0.candidates == nil }
        let progress = ProgressReporter(plainEvery: slow ? 10 : 100)
        let start = Date()
        let evaluation = FillEvaluation(models: models, items: parsed, path: itemsName) { done in
            let elapsed = Date().timeIntervalSince(start)
            progress.update(fraction: done, status: "items \(Int((done * Double(parsed.count)).rounded()))/\(parsed.count)  ETA "
                + ProgressReporter.clock(elapsed / max(done, 1e-9) * (1 - done)))
        }
        progress.finish()
        let problems = (badLines + evaluation.problems).sorted { $0.line < $1.line }
        // Nothing usable: one line naming the first problem (a file of another kind would
        // otherwise print a warning per line before the error).
        guard !evaluation.items.isEmpty else {
            throw FillEvalError.nothingToEvaluate(itemsName, skipped: problems.count, first: problems.first.map { "\($0)" })
        }
        let shown = 10
        for problem in problems.prefix(shown) {
            FileHandle.standardError.write(Data("lstmkit: skipped \(problem)\n".utf8))
        }
        if problems.count > shown {
            FileHandle.standardError.write(Data("lstmkit: skipped \(problems.count - shown) more lines\n".utf8))
        }
        // The report comes first: should the ranks still fail to be written (a full disk), the
        // figures are not lost.
        print(report(evaluation, folders: folders, models: models, skipped: problems.count))
        if let ranks {
            let names = zip(folders, models).map { Self.name($0, $1) }
            var text = (["line", "answer"] + names).joined(separator: "\t") + "\n"
            for (i, item) in evaluation.items.enumerated() {
                text += ([String(item.line), item.answer] + evaluation.ranks.map { String($0[i]) }).joined(separator: "\t") + "\n"
            }
            try AtomicFile.write(text, to: ranks)
        }
    }

    func report(_ evaluation: FillEvaluation, folders: [String], models: [any BlankRanker], skipped: Int) -> String {
        let name = itemsName
        let withCandidates = evaluation.items.filter { $0.candidates != nil }.count
        let over = withCandidates == evaluation.items.count ? "over each item's candidates"
            : withCandidates == 0 ? "over the whole vocabulary" : "over the candidates where given, else the whole vocabulary"
        let count = evaluation.items.count
        var text = "\(name): \(count) item\(count == 1 ? "" : "s") evaluated \(over)"
            + (skipped > 0 ? ", \(skipped) line\(skipped == 1 ? "" : "s") skipped" : "") + "\n\n"
        let names = zip(folders, models).map { Self.name(URL(fileURLWithPath: $0).lastPathComponent, $1) }
        var rows = [["model", "kind", "acc@1", "acc@5", "MRR", "items"]]
        for (m, folder) in folders.enumerated() {
            let s = evaluation.scores(model: m)
            rows.append([folder, models[m].kindName, Self.percent(s.accuracyAt1), Self.percent(s.accuracyAt5),
                         String(format: "%.4f", s.meanReciprocalRank), String(s.count)])
        }
        text += Self.table(rows, rightAligned: 2...)
        // Each compared model against the first, item by item: is the difference in acc@1 more
        // than the luck of the draw of items?
        if models.count > 1 {
            var pairs = [["model", "\(names[0]) only", "it only", "\(names[0]) lead", "95% interval", "p"]]
            func points(_ x: Double) -> String { String(format: "%+.2f", x * 100) }
            for m in 1..<models.count {
                let c = evaluation.paired(0, m)
                pairs.append([names[m], String(c.onlyFirst), String(c.onlySecond), points(c.difference),
                              points(c.interval.lowerBound) + " to " + points(c.interval.upperBound), Self.pValue(c.pValue)])
            }
            text += "\nacc@1 item by item against \(names[0]): items only one of the two got right, "
                + "\(names[0])'s lead in points, exact two-sided McNemar p\n"
                + Self.table(pairs, rightAligned: 1...)
        }
        // Up to 12 tokens each distance has its row; beyond that, rows of five (1-5, 6-10, …).
        let longest = evaluation.items.compactMap(\.distance).max() ?? 0
        func distanceKey(_ d: Int) -> String {
            guard longest > 12 else { return String(d) }
            let low = (max(d, 1) - 1) / 5 * 5 + 1
            return "\(low)-\(low + 4)"
        }
        let breakdowns: [(title: String, key: (ClozeItem) -> String?, sort: (String, String) -> Bool)] = [
            ("distance (tokens from the deciding word to the blank)", { $0.distance.map(distanceKey) }, Self.numeric),
            ("attractors (nouns in between that call for the other form)", { $0.attractors.map(String.init) }, Self.numeric),
            ("construction", \.construction, { $0 < $1 }),
        ]
        for (title, key, sort) in breakdowns {
            let groups = folders.indices.map { evaluation.breakdown(model: $0, by: key) }
            guard let first = groups.first, !first.isEmpty else { continue }
            let order = first.map(\.key).sorted(by: sort)
            var table = [[title.components(separatedBy: " ").first ?? title, "items"] + names]
            for k in order {
                let cells = groups.map { g in g.first { $0.key == k }.map { Self.percent($0.scores.accuracyAt1) } ?? "-" }
                table.append([k, String(first.first { $0.key == k }?.scores.count ?? 0)] + cells)
            }
            text += "\naccuracy@1 by \(title)\n" + Self.table(table, rightAligned: 1...)
        }
        return text
    }

    /// A model's column name: its folder, marked when it is a language model read left-only.
    static func name(_ folder: String, _ model: any BlankRanker) -> String {
        folder + (model is LeftContextRanker ? " (left)" : "")
    }

    /// Orders "7" and "6-10" by their first number.
    static func numeric(_ a: String, _ b: String) -> Bool {
        func first(_ s: String) -> Int { Int(s.prefix { $0.isNumber }) ?? 0 }
        return first(a) < first(b)
    }

    static func percent(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }

    /// Four decimals, or "<0.0001" below that.
    static func pValue(_ p: Double) -> String { p < 0.0001 ? "<0.0001" : String(format: "%.4f", p) }

    /// Columns padded to their widest cell, two spaces apart; columns in `rightAligned` flush right.
    static func table(_ rows: [[String]], rightAligned: PartialRangeFrom<Int>) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return rightAligned.contains(c) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }
}

/// `fill-eval` found nothing it could evaluate.
enum FillEvalError: Error, CustomStringConvertible {
    case nothingToEvaluate(String, skipped: Int, first: String?)
    case leftOfNonLanguageModel(String)

    var description: String {
        switch self {
        case let .nothingToEvaluate(path, skipped, first):
            guard let first else { return "\(path) holds no items" }
            return "\(path) has no item every model can evaluate: \(skipped) line\(skipped == 1 ? "" : "s") skipped, the first at \(first)"
        case let .leftOfNonLanguageModel(folder):
            return "--compare-left \(folder): not a language model run (a cloze model always reads both sides)"
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}

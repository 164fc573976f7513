import Support
import ArgumentParser
import Foundation
import Interactive
import Models

/// `lstmkit repl`: the interactive next-word REPL.
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Type words and see the language model's most likely next words.",
        discussion: """
            Each line continues the text so far; the model's state is kept, so only the new words \
            cost. Commands: :k N, :temp T, :top-k K, :top-p P, :seed S, :gen N, :score SENTENCE, \
            :fill SENTENCE (blanks written ___), :settings, :reset, :help, :quit (:help explains them). \
            A cloze model (train --task cloze) predicts typed text's next word from the left alone \
            and fills blanks from both sides (--sentence-weight and --rescore as in fill); a language \
            model fills them by scoring whole sentences. On a terminal lines can be \
            edited, Tab completes words, and history is kept in ~/.lstmkit_history (or \
            $LSTMKIT_HISTORY). When standard input is not a terminal, each line prints one block of \
            predictions and the REPL ends with the input: printf 'the stock\\n' | lstmkit repl \
            --model runs/NAME --k 5
            """
    )

    @OptionGroup var modelOptions: LanguageModelOptions

    @Option(name: .customLong("k"), help: "How many next words to show (the :k command changes it).")
    var k = 10

    @OptionGroup var sampling: SamplingArguments

    @OptionGroup var scoring: ClozeScoringOptions

    @Option(name: .customLong("history-file"), help: ArgumentHelp(
        "Where the line history is kept (default $LSTMKIT_HISTORY, else ~/.lstmkit_history).", valueName: "file"))
    var historyFile: String?

    @Flag(name: .customLong("no-history"), help: "Keep no history file.")
    var noHistory = false

    @Flag(name: .customLong("measure-latency"), help: """
        Instead of the REPL, time loading the model and 1,000 one-word queries with incremental \
        state (p50/p99), print the figures and exit.
        """)
    var measureLatency = false

    func validate() throws {
        if k < 1 { throw ValidationError("--k must be at least 1.") }
    }

    func run() throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let (model, title, blankFiller) = try modelOptions.load()
        scoring.apply(to: blankFiller)
        let loading = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if measureLatency {
            try measure(model, title: title, loading: loading)
        } else {
            try run(model, title: title, blankFiller: blankFiller)
        }
    }

    private func measure<Model: NextWordModel>(_ model: Model, title: String, loading: Double) throws {
        let report = try NextWordLatency.measure(model, queries: 1000, k: k)
        print("model: \(title) (\(model.vocabularySize) words)")
        print(String(format: "loading: %.1f ms", loading * 1e3))
        print(String(format: "next-word latency over %d one-word queries (top %d): p50 %.1f µs, p99 %.1f µs, mean %.1f µs",
                     report.queries, k, report.p50 * 1e6, report.p99 * 1e6, report.mean * 1e6))
    }

    private func run<Model: NextWordModel>(_ model: Model, title: String, blankFiller: (any BlankFilling)?) throws {
        let settings = REPLSettings(predictionCount: k, sampling: sampling.options, seed: sampling.seed)
        let output = REPLOutput.standard
        let repl = try NextWordREPL(
            model: model, settings: settings, title: title, blankFiller: blankFiller,
            makeGenerator: { RandomGenerator(seed: $0) }, output: output)
        let history = noHistory ? nil : CommandHistory(path: historyFile ?? CommandHistory.defaultPath())
        let editor = LineEditor(history: history, warn: { output.complain("lstmkit: \($0)") })
        repl.run(editor)
        editor.close()
    }
}

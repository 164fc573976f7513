import ArgumentParser
import Foundation
import Interactive
import Models
import Tensor
import Training

/// The model `repl` and `generate` drive: a trained run folder, or the built-in demo table.
struct LanguageModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A trained run folder, e.g. runs/ptb-small: a language model or a cloze model.", valueName: "run"))
    var model: String?

    @Option(name: .customLong("demo-model"), help: ArgumentHelp(
        "Demo/testing aid, not a trained model: drive a built-in toy bigram table instead.",
        valueName: "name"))
    var demoModel: DemoModel?

    @Option(help: "Threads for matrix products (default: all cores).")
    var threads: Int?

    enum DemoModel: String, ExpressibleByArgument, CaseIterable {
        case bigram
    }

    func validate() throws {
        if let threads, threads < 0 { throw ValidationError("--threads must be 0 (all cores) or more, not \(threads).") }
        switch (model, demoModel) {
        case (nil, nil): throw ValidationError("Give the model to use: --model runs/NAME (or --demo-model bigram to try it without one).")
        case (.some, .some): throw ValidationError("Give either --model or --demo-model, not both.")
        default: break
        }
    }

    /// The model, a title naming it, and what fills blanks for `:fill` (the trained model itself:
    /// a cloze model reads both sides, a language model scores whole sentences).
    func load() throws -> (model: any NextWordModel, title: String, blankFiller: (any BlankFilling)?) {
        Threads.setCount(threads)
        if let model {
            let ranker = try loadBlankRanker(folder: model)
            guard let nextWord = ranker as? any NextWordModel else {
                throw ValidationError("\(model) holds a model that cannot predict the next word.")
            }
            return (nextWord, model, ranker)
        }
        return (BigramModel.demo, "demo bigram table (a testing aid, not a trained model)", nil)
    }
}

/// --temperature, --top-k, --top-p, --seed, shared by `repl` (as the starting values of its
/// commands) and `generate`.
struct SamplingArguments: ParsableArguments {
    @Option(help: "Sampling temperature: below 1 sharper, above 1 flatter, 0 always the most likely word.")
    var temperature: Double = 1

    @Option(name: .customLong("top-k"), help: "Sample from the K most likely words only (0 = all words).")
    var topK: Int = 0

    @Option(name: .customLong("top-p"), help: "Sample from the smallest set of most likely words reaching probability P (1 = all words).")
    var topP: Double = 1

    @Option(help: "Seed of the random generator: the same seed gives the same text.")
    var seed: UInt64 = 1

    var options: SamplingOptions { SamplingOptions(temperature: temperature, topK: topK, topP: topP) }

    func validate() throws {
        do {
            try options.validate()
        } catch {
            throw ValidationError("\(error).")
        }
    }
}

/// Standard output for results; standard error, after flushing them, for complaints.
extension REPLOutput {
    static var standard: REPLOutput {
        REPLOutput(
            write: { print($0, terminator: "") },
            complain: { line in
                fflush(stdout)
                FileHandle.standardError.write(Data((line + "\n").utf8))
            })
    }
}

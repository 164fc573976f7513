import ArgumentParser
import Models
import Training

/// --sentence-weight and --rescore, shared by `fill`, `fill-eval` and `repl` (for `:fill`): how
/// a cloze model ranks the words for a blank (see `ClozeScoring`). A language model ignores them.
struct ClozeScoringOptions: ParsableArguments {
    @Option(name: .customLong("sentence-weight"), help: ArgumentHelp(
        "Cloze models: λ in ln P(w | both sides) + λ·Σ ln P(other words | sentence with w); 0 ranks by the blank's own distribution alone.",
        valueName: "λ"))
    var sentenceWeight: Double = ClozeScoring().sentenceWeight

    @Option(help: ArgumentHelp(
        "Cloze models, whole vocabulary: how many of the blank's best words are rescored with the sentence.",
        valueName: "N"))
    var rescore: Int = ClozeScoring().rescored

    func validate() throws {
        // Beyond 100 the blank's own distribution no longer counts, and far beyond it the
        // scores overflow to −∞.
        if !(sentenceWeight >= 0 && sentenceWeight <= 100) {
            throw ValidationError("--sentence-weight must lie in [0, 100], not \(sentenceWeight).")
        }
        if rescore < 0 { throw ValidationError("--rescore must be 0 or more, not \(rescore).") }
    }

    /// The trained model of each run folder, cloze models set to score as these options say:
    /// how `fill` and `fill-eval` load theirs.
    func load(_ folders: [String]) throws -> [any BlankRanker] {
        let models = try folders.map(loadBlankRanker(folder:))
        for model in models { apply(to: model) }
        return models
    }

    /// Sets a cloze model to score as these options say; any other model is left as it is.
    func apply(to model: (any BlankFilling)?) {
        (model as? TrainedClozeModel)?.scoring = ClozeScoring(sentenceWeight: sentenceWeight, rescored: rescore)
    }
}

import ArgumentParser
import Training

/// --sentence-weight and --rescore, shared by `fill` and `fill-eval`: how a cloze model ranks
/// the words for a blank (see `ClozeScoring`). A language model ignores them.
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
        if !(sentenceWeight >= 0 && sentenceWeight.isFinite) {
            throw ValidationError("--sentence-weight must be a number of 0 or more, not \(sentenceWeight).")
        }
        if rescore < 0 { throw ValidationError("--rescore must be 0 or more, not \(rescore).") }
    }

    /// Sets the scoring of every cloze model among `models`.
    func apply(to models: [any BlankRanker]) {
        for case let cloze as TrainedClozeModel in models {
            cloze.scoring = ClozeScoring(sentenceWeight: sentenceWeight, rescored: rescore)
        }
    }
}

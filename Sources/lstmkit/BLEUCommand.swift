import ArgumentParser
import Training

/// `lstmkit bleu`: corpus BLEU (and chrF) of a file of hypotheses, as sacreBLEU scores it.
struct BLEUCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bleu",
        abstract: "Score detokenized hypotheses against references with sacreBLEU's BLEU (and chrF).",
        discussion: """
            Prints the line sacreBLEU's Python API prints for str(score): 13a tokenization, cased, \
            smoothing exp, e.g. "BLEU = 35.12 67.1/43.2/28.0/19.0 (BP = 1.000 ratio = 1.012 \
            hyp_len = 12345 ref_len = 12199)". Files hold one sentence per line, UTF-8.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Hypotheses, one per line ('-' reads standard input).", valueName: "file"))
    var hyp: String

    @Option(name: .long, help: ArgumentHelp("References, line-aligned with the hypotheses; repeat for several reference streams.", valueName: "file"))
    var ref: [String]

    @Flag(name: .long, help: "Also print chrF2 (character 6-grams, beta 2).")
    var chrf = false

    @Flag(name: .long, help: "Lowercase hypotheses and references first (sacreBLEU -lc).")
    var lowercase = false

    @Option(name: .long, help: "Decimals of the scores (sacreBLEU's --width; the API prints 2).")
    var width = 2

    func validate() throws {
        if !(0...17).contains(width) { throw ValidationError("--width must be between 0 and 17.") }
        if ref.filter({ $0 == SegmentFile.standardInput }).count + (hyp == SegmentFile.standardInput ? 1 : 0) > 1 {
            throw ValidationError("Standard input ('-') can feed only one of --hyp and --ref.")
        }
    }

    func run() throws {
        let (hypotheses, references) = try SegmentFile.readAligned(hypotheses: hyp, references: ref)
        let bleu = try BLEU(lowercase: lowercase).corpusScore(hypotheses: hypotheses, references: references)
        print(bleu.formatted(width: width))
        if chrf {
            let score = try ChrF(lowercase: lowercase).corpusScore(hypotheses: hypotheses, references: references)
            print(score.formatted(width: width))
        }
    }
}

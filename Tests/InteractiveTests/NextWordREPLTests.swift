import Support
import Foundation
import Interactive
import Models
import TestSupport
import XCTest

/// The REPL driven as piped input drives it, over the hand-made bigram table (`HandTable`).
final class NextWordREPLTests: XCTestCase {
    func testPredictionBlockFormat() throws {
        let run = try REPLRun(HandTable.model(), ["the"])
        // After "the": cat 0.5, on 0.3, then <unk> 0.1 (ties with nothing: "the" and <eos> are
        // 0.05). Bars are scaled to the first: 0.6 × 24 columns = 14 3/8, 0.2 × 24 = 4 6/8.
        XCTAssertEqual(run.output, """
            the →
              cat     50.00%  ████████████████████████
              on      30.00%  ██████████████▍
              <unk>   10.00%  ████▊


            """)
        XCTAssertEqual(run.complaints, [])
    }

    func testStateContinuesAcrossLinesAndEmptyLineRepeats() throws {
        let run = try REPLRun(HandTable.model(), ["the cat", "", "sat"])
        XCTAssertEqual(run.blocks.count, 3)
        XCTAssertEqual(run.blocks[0], run.blocks[1])
        XCTAssertTrue(run.blocks[0].hasPrefix("the cat →\n  sat     45.00%"), run.blocks[0])
        XCTAssertTrue(run.blocks[2].hasPrefix("the cat sat →\n  on      50.00%"), run.blocks[2])
    }

    func testStartOfTextAndReset() throws {
        let run = try REPLRun(HandTable.model(), ["", "the", ":reset", ""])
        XCTAssertTrue(run.blocks[0].hasPrefix("(start of text) →\n  the   60.00%"), run.blocks[0])
        XCTAssertEqual(run.blocks[2], "(the text is empty again)")
        XCTAssertEqual(run.blocks[3], run.blocks[0])
    }

    func testKChangesTheNumberOfRows() throws {
        let run = try REPLRun(HandTable.model(), [":k 5", "the", ":k 1", ""], settings: REPLSettings(predictionCount: 2))
        XCTAssertEqual(run.blocks[0], "k = 5")
        XCTAssertEqual(run.blocks[1].split(separator: "\n").count, 1 + 5)
        XCTAssertEqual(run.blocks[3], "the →\n  cat   50.00%  ████████████████████████")
    }

    /// An impossible word (probability 0) is never listed, even when k asks for every word.
    func testImpossibleWordsAreNotListed() throws {
        let run = try REPLRun(HandTable.model(), [":k 6", "the"])
        let rows = run.blocks[1].split(separator: "\n").dropFirst()
        XCTAssertEqual(rows.count, 5)
        XCTAssertFalse(rows.contains { $0.contains("sat") })
    }

    func testUnknownWordsAreNamedAndReadAsUnk() throws {
        let run = try REPLRun(HandTable.model(), ["the dog and DOG"])
        let lines = run.blocks[0].split(separator: "\n")
        XCTAssertEqual(lines[0], #"note: "dog", "and" are not in the vocabulary (read as <unk>)"#)
        XCTAssertEqual(lines[1], "the <unk> <unk> <unk> →")
        XCTAssertTrue(lines[2].hasPrefix("  <unk>   20.00%"), String(lines[2]))
    }

    func testScoreMatchesHandComputation() throws {
        let model = try HandTable.model()
        // ln P(the | start) + ln P(cat | the) + ln P(sat | cat) + ln P(<eos> | sat).
        let expected = log(0.6) + log(0.5) + log(0.45) + log(0.25)
        let score = try model.score("The cat sat")
        XCTAssertEqual(score.words.map(\.token.text), ["the", "cat", "sat", "<eos>"])
        XCTAssertNil(Tolerance(absolute: 1e-6, relative: 1e-6).mismatchReport([score.logProbability], [expected]))
        XCTAssertNil(Tolerance(absolute: 1e-6, relative: 1e-6).mismatchReport([score.perplexity ?? 0], [exp(-expected / 4)]))

        let run = try REPLRun(model, ["on", ":score The cat sat", ""])
        XCTAssertEqual(run.blocks[1], """
              the     60.00%  ln P   -0.511
              cat     50.00%  ln P   -0.693
              sat     45.00%  ln P   -0.799
              <eos>   25.00%  ln P   -1.386
            ln P(sentence) = \(String(format: "%.3f", expected))  ·  4 tokens  ·  perplexity \(String(format: "%.2f", exp(-expected / 4)))
            """)
        // Scoring starts afresh and leaves the text ("on") as it was.
        XCTAssertEqual(run.blocks[2], run.blocks[0])
    }

    func testScoreNamesUnknownWords() throws {
        let run = try REPLRun(HandTable.model(), [":score the dog"])
        XCTAssertTrue(run.blocks[0].hasPrefix(#"note: "dog" is not in the vocabulary (read as <unk>)"#), run.blocks[0])
        XCTAssertTrue(run.blocks[0].contains("  <unk>   10.00%"), run.blocks[0])
    }

    func testGenerationIsSeededAndLeavesTheTextAlone() throws {
        let lines = ["the", ":gen 5", ":gen 5", ":seed 1", ":gen 5", ""]
        let first = try REPLRun(HandTable.model(), lines, settings: REPLSettings(predictionCount: 3, seed: 1))
        let again = try REPLRun(HandTable.model(), lines, settings: REPLSettings(predictionCount: 3, seed: 1))
        XCTAssertEqual(first.output, again.output)
        // Generated text may hold sentence breaks (blank lines), so cut at the :seed message.
        let generated = first.blocks[1]
        XCTAssertTrue(generated.hasPrefix("… "), generated)
        let parts = first.output.components(separatedBy: "seed = 1 (:gen starts its sequence again)\n\n")
        XCTAssertEqual(parts.count, 2, first.output)
        let beforeSeed = parts[0], afterSeed = parts.last ?? ""
        XCTAssertTrue(afterSeed.hasPrefix(generated + "\n\n"), ":seed 1 restarts the sequence")
        XCTAssertNotEqual(beforeSeed, first.blocks[0] + "\n\n" + generated + "\n\n" + generated + "\n\n",
                          "the second :gen continues the sequence")
        XCTAssertTrue(afterSeed.hasSuffix(first.blocks[0] + "\n\n"), ":gen must not move the text on")

        let other = try REPLRun(HandTable.model(), lines, settings: REPLSettings(predictionCount: 3, seed: 99))
        XCTAssertNotEqual(other.blocks[1], generated)
    }

    /// :gen draws exactly what sampleContinuation draws from the same generator, which is what
    /// `lstmkit generate` prints.
    func testGenerationMatchesSampleContinuation() throws {
        let model = try HandTable.model()
        var state = try model.makeState()
        try model.feed(try model.tokenize("the").map(\.id), into: &state)
        var generator = RandomGenerator(seed: 5)
        let ids = try model.sampleContinuation(
            from: &state, wordCount: 8, sampler: Sampler(options: SamplingOptions(temperature: 0.8, topP: 0.9)),
            using: &generator)
        let run = try REPLRun(model, ["the", ":temp 0.8", ":top-p 0.9", ":gen 8"],
                              settings: REPLSettings(predictionCount: 3, seed: 5))
        let text = model.detokenize(ids.map(model.word(for:))).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(run.blocks[3], "… " + text)
    }

    func testGreedyGenerationFollowsTheLikeliestPath() throws {
        // the → cat → sat → on → the → cat.
        let run = try REPLRun(HandTable.model(), ["the", ":temp 0", ":gen 5"])
        XCTAssertEqual(run.blocks[2], "… cat sat on the cat")
    }

    func testCtrlCStopsALongGeneration() throws {
        // Polls: one after each line (clearing a stale Ctrl-C), one before each generated word;
        // the fourth, before the third word, reports Ctrl-C.
        let run = try REPLRun(HandTable.model(), [":temp 0", ":gen 100", ""], interruptOnPoll: 4)
        XCTAssertEqual(run.blocks[1], "the cat  (stopped after 2 words)")
        XCTAssertTrue(run.blocks[2].hasPrefix("(start of text) →"), "the REPL goes on")
    }

    func testBadCommandsComplainInOneLineAndTheREPLGoesOn() throws {
        let run = try REPLRun(HandTable.model(), [
            ":foo", ":k x", ":k 0", ":k 7", ":temp -1", ":top-p 1.5", ":top-k -1", ":gen 0", ":gen many",
            ":score", ":reset now", ":seed -3", ":fill the _ sat", "the",
        ])
        XCTAssertEqual(run.complaints, [
            "error: unknown command :foo (:help lists the commands)",
            "error: :k takes a whole number >= 1, not 'x'",
            "error: :k takes a whole number >= 1, not '0'",
            "error: cannot show 7 next words: the vocabulary has 6",
            "error: :temp takes a number >= 0, not '-1'",
            "error: :top-p takes a number greater than 0 and at most 1, not '1.5'",
            "error: :top-k takes a whole number >= 0 (0 = all words), not '-1'",
            "error: :gen takes a whole number from 1 to 10000, not '0'",
            "error: :gen takes a whole number from 1 to 10000, not 'many'",
            "error: :score needs a sentence, as in :score the market fell",
            "error: :reset takes no argument, but got 'now'",
            "error: :seed takes a whole number from 0 to 18446744073709551615, not '-3'",
            "error: :fill needs a trained language model or cloze model; this model only shows next words",
        ])
        for complaint in run.complaints { XCTAssertFalse(complaint.contains("\n")) }
        XCTAssertEqual(run.blocks.count, 1, "only the last line prints a block")
        XCTAssertTrue(run.blocks[0].hasPrefix("the →"))
    }

    /// A pasted paragraph after a command is quoted cut to 60 characters, not in full.
    func testLongTypedTextIsCutInComplaints() throws {
        let long = String(repeating: "abcdefghij", count: 50)
        let run = try REPLRun(HandTable.model(), [":k " + long, ":reset " + long, ":" + long, "the"])
        let cut = String(long.prefix(60)) + "…"
        XCTAssertEqual(run.complaints, [
            "error: :k takes a whole number >= 1, not '\(cut)'",
            "error: :reset takes no argument, but got '\(cut)'",
            "error: unknown command :\(long.prefix(59))… (:help lists the commands)",
        ])
    }

    func testSettingsCommands() throws {
        let run = try REPLRun(HandTable.model(), [":temp 0.7", ":top-k 2", ":top-p 0.95", ":seed 9", ":k", ":settings"])
        XCTAssertEqual(run.blocks, [
            "temperature = 0.7", "top-k = 2", "top-p = 0.95", "seed = 9 (:gen starts its sequence again)", "k = 3",
            "k = 3 · temperature = 0.7 · top-k = 2 · top-p = 0.95 · seed = 9",
        ])
    }

    func testQuitAndEndOfInputEnd() throws {
        let quit = try REPLRun(HandTable.model(), ["the", ":quit", "cat", "sat"])
        XCTAssertEqual(quit.source.consumed, 2, "nothing after :quit is read")
        XCTAssertEqual(quit.blocks.count, 1)
        for name in [":q", ":exit"] {
            XCTAssertEqual(try REPLRun(HandTable.model(), [name, "the"]).source.consumed, 1)
        }
        let end = try REPLRun(HandTable.model(), ["the", "cat"])
        XCTAssertEqual(end.source.consumed, 2)
        XCTAssertEqual(end.blocks.count, 2)
    }

    func testCtrlCAtThePromptEnds() throws {
        var written = ""
        let source = ScriptedLines(inputs: [.line("the"), .interrupted, .line("cat")])
        let repl = try NextWordREPL(model: HandTable.model(), settings: REPLSettings(predictionCount: 3), makeGenerator: { RandomGenerator(seed: $0) },
                                    output: REPLOutput(write: { written += $0 }, complain: { _ in }))
        repl.run(source)
        XCTAssertEqual(source.consumed, 2)
        XCTAssertTrue(written.hasPrefix("the →"))
    }

    func testHelpListsTheCommands() throws {
        let help = try REPLRun(HandTable.model(), [":help"]).output
        for command in [":k N", ":temp T", ":top-k K", ":top-p P", ":seed S", ":gen N", ":score SENTENCE",
                        ":settings", ":reset", ":help", ":quit"] {
            XCTAssertTrue(help.contains("  " + command + " "), command)
        }
        XCTAssertFalse(help.contains(":fill"), ":fill is listed only when a model that fills blanks is there")
    }

    func testSettingsOutOfRangeAreRefusedAtStart() throws {
        XCTAssertThrowsError(try REPLRun(HandTable.model(), [], settings: REPLSettings(predictionCount: 7)))
        XCTAssertThrowsError(try REPLRun(HandTable.model(), [], settings: REPLSettings(sampling: SamplingOptions(topP: 0))))
    }
}

/// The `:fill` hook with a stand-in cloze model.
final class FillHookTests: XCTestCase {
    struct FixedFiller: BlankFilling {
        var blankMarker: String { "_" }
        func fillBlanks(in sentence: String, count: Int) throws -> BlankFillResult {
            let blanks = sentence.split(separator: " ").filter { $0 == "_" }.map { _ in
                Array([WordProbability(word: "cat", probability: 0.6), WordProbability(word: "dog", probability: 0.3),
                       WordProbability(word: "mat", probability: 0.1)].prefix(count))
            }
            return BlankFillResult(blanks: blanks, unknownWords: sentence.contains("zebra") ? ["zebra"] : [])
        }
    }

    func testFillShowsEachBlank() throws {
        let run = try REPLRun(HandTable.model(), [":fill the _ sat on the _ zebra", ":k 2", ":fill no blank here", ":help"],
                              blankFiller: FixedFiller())
        XCTAssertEqual(run.blocks[0], """
            note: "zebra" is not in the vocabulary (read as <unk>)
            blank 1 →
              cat   60.00%  ████████████████████████
              dog   30.00%  ████████████
              mat   10.00%  ████
            blank 2 →
              cat   60.00%  ████████████████████████
              dog   30.00%  ████████████
              mat   10.00%  ████
            """)
        XCTAssertEqual(run.complaints, ["error: :fill found no blank in the sentence; write each blank as _"])
        XCTAssertTrue(run.blocks[2].contains("  :fill SENTENCE"))
        // Any model that fills blanks enables :fill, a language model too.
        XCTAssertTrue(run.blocks[2].contains("fill the blanks of SENTENCE (a cloze model: both sides; "
                                             + "a language model: whole sentences)\n"), run.blocks[2])
        XCTAssertTrue(run.blocks[2].contains("write each blank as _"))
    }

    /// `:settings` adds the filler's own settings when it has any.
    func testSettingsShowTheFillersScoring() throws {
        struct WeightedFiller: BlankFilling {
            var blankMarker: String { "_" }
            var fillSettings: String? { "sentence weight 0.5 · rescore 10" }
            func fillBlanks(in sentence: String, count: Int) throws -> BlankFillResult { BlankFillResult(blanks: []) }
        }
        let weighted = try REPLRun(HandTable.model(), [":settings"], blankFiller: WeightedFiller())
        XCTAssertEqual(weighted.blocks, ["k = 3 · temperature = 1 · top-k = 0 (all words) · top-p = 1 (all words) · seed = 1\n"
                                         + ":fill: sentence weight 0.5 · rescore 10"])
        let plain = try REPLRun(HandTable.model(), [":settings"], blankFiller: FixedFiller())
        XCTAssertEqual(plain.blocks, ["k = 3 · temperature = 1 · top-k = 0 (all words) · top-p = 1 (all words) · seed = 1"])
    }
}

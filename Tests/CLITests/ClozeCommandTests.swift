import Foundation
import XCTest

final class ClozeCommandTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "lstmkit-cli-cloze-\(UUID().uuidString)"
        let lines = (0..<200).map { i in i % 2 == 0 ? "the cat sleeps here ." : "the cats sleep here ." }
        try writeCorpus(lines, to: folder + "/corpus")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }


    /// Trains a cloze model (its output layer tied to the embedding, with weight drop and embedding dropout) and a language model,
    /// fills blanks with both, makes items and evaluates the two side by side, all through pipes.
    func testTrainFillMakeItemsAndEvaluate() throws {
        let cloze = folder + "/cloze", lm = folder + "/lm"
        let train = try CommandRunner.run(["train", "--task", "cloze", "--corpus", folder + "/corpus", "--out", cloze,
                                           "--epochs", "3", "--hidden", "12", "--projection", "12", "--layers", "1",
                                           "--batch-size", "8", "--lr", "0.02", "--threads", "1", "--log-every", "10", "--tie-weights",
                                           "--weight-drop", "0.2", "--embedding-dropout", "0.1"])
        XCTAssertEqual(train.status, 0, train.error)
        XCTAssertTrue(train.error.contains("cloze model: 1×12 LSTM each way")
                      && train.error.contains(", weight drop 0.2, embedding dropout 0.1, tied,"), train.error)
        let savedConfiguration = try String(contentsOfFile: cloze + "/config.json", encoding: .utf8)
        XCTAssertTrue(savedConfiguration.contains("\"weightDrop\" : 0.2") && savedConfiguration.contains("\"embeddingDropout\" : 0.1"),
                      savedConfiguration)
        XCTAssertTrue(train.error.contains("epoch 3/3") && train.error.contains("acc "), train.error)
        XCTAssertTrue(train.output.contains("test perplexity") && train.output.contains("accuracy"), train.output)
        assertOneLineError(try CommandRunner.run(["train", "--resume", cloze]), status: 1, contains: "has finished all its epochs")
        assertOneLineError(try CommandRunner.run(["train", "--resume", cloze, "--epochs", "2"]), status: 1,
                           contains: "has already done 3 epochs; --epochs 2 with --resume must be more than that")
        assertOneLineError(try CommandRunner.run(["train", "--resume", cloze, "--epochs", "4", "--average-from", "3"]), status: 1,
                           contains: "--average-from 3 with --resume \(cloze) must name an epoch not yet started (4 or later)")
        // Training on for a fourth epoch whose weights are averaged.
        let more = try CommandRunner.run(["train", "--resume", cloze, "--epochs", "4", "--average-from", "4", "--threads", "1",
                                          "--log-every", "10"])
        XCTAssertEqual(more.status, 0, more.error)
        XCTAssertTrue(more.error.contains("4 epochs planned (was 3)") && more.error.contains("weights averaged from epoch 4")
                      && more.error.contains("epoch 4/4"), more.error)
        XCTAssertTrue(more.error.contains("averaged over ") && more.error.contains(" steps: valid ppl "), more.error)
        let config = try String(contentsOfFile: cloze + "/config.json", encoding: .utf8)
        XCTAssertTrue(config.contains("\"epochs\" : 4") && config.contains("\"averageFrom\" : 4"), config)
        let trainLM = try CommandRunner.run(["train", "--corpus", folder + "/corpus", "--out", lm, "--epochs", "2",
                                             "--hidden", "12", "--layers", "1", "--batch-size", "4", "--bptt", "5",
                                             "--threads", "1"])
        XCTAssertEqual(trainLM.status, 0, trainLM.error)

        for model in [cloze, lm] {
            let fill = try CommandRunner.run(["fill", "--model", model, "--k", "3", "--threads", "1", "the ___ sleep here ."])
            XCTAssertEqual(fill.status, 0, fill.error)
            let rows = fill.output.split(separator: "\n")
            XCTAssertEqual(rows.first, "blank →", fill.output)
            XCTAssertEqual(rows.count, 4, fill.output)
            // A word outside the vocabulary is named on standard error; standard output holds the blanks alone.
            let unknown = try CommandRunner.run(["fill", "--model", model, "--k", "3", "--threads", "1", "the ___ sleep zorblat ."])
            XCTAssertEqual(unknown.status, 0, unknown.error)
            XCTAssertEqual(unknown.error, "note: \"zorblat\" is not in the vocabulary (read as <unk>)\n")
            XCTAssertEqual(unknown.output.split(separator: "\n").first, "blank →", unknown.output)
            let two = try CommandRunner.run(["fill", "--model", model, "--candidates", "cat,cats", "--threads", "1"],
                                            stdin: "the ___ sleep here .\nthe ___ ___ here .\n")
            XCTAssertEqual(two.status, 0, two.error)
            XCTAssertTrue(two.output.hasPrefix("the ___ sleep here .\nblank →\n"), two.output)
            XCTAssertTrue(two.output.contains("blank 1 →") && two.output.contains("blank 2 →"), two.output)
        }
        assertOneLineError(try CommandRunner.run(["fill", "--model", cloze, "no blank here"]), status: 1,
                           contains: "'no blank here' has no blank; write each blank as ___")
        assertOneLineError(try CommandRunner.run(["fill", "--model", cloze, "--candidates", "cat,zebra", "the ___ ."]), status: 1,
                           contains: "the candidate 'zebra' is not a word of the vocabulary of \(cloze)")
        let repl = try CommandRunner.run(["repl", "--model", cloze, "--k", "2"], stdin: "the\n:fill the cats ___ here .\n")
        XCTAssertEqual(repl.status, 0, repl.error)
        XCTAssertTrue(repl.output.hasPrefix("the →\n"), repl.output)
        XCTAssertTrue(repl.output.contains("\nblank →\n"), repl.output)
        // The REPL's :fill scores with --sentence-weight too.
        let repls = try ["0", "2"].map { weight in
            try CommandRunner.run(["repl", "--model", cloze, "--k", "2", "--sentence-weight", weight, "--threads", "1"],
                                  stdin: ":fill the ___ sleep here .\n:settings\n")
        }
        XCTAssertEqual(repls.map(\.status), [0, 0], repls.map(\.error).joined())
        XCTAssertNotEqual(repls[0].output, repls[1].output)
        XCTAssertTrue(repls[1].output.contains(":fill: sentence weight 2 · rescore 10"), repls[1].output)
        // A candidate listed twice is ranked once.
        let repeated = try CommandRunner.run(["fill", "--model", cloze, "--candidates", "cats,cat,cats", "--threads", "1",
                                              "the ___ sleep here ."])
        XCTAssertEqual(repeated.status, 0, repeated.error)
        XCTAssertEqual(repeated.output.split(separator: "\n").count, 3, repeated.output)

        let items = folder + "/items.tsv"
        let make = try CommandRunner.run(["cloze", "make", "--from", folder + "/corpus/test.txt", "--count", "8", "--seed", "2",
                                          "--candidates", "3", "--model", cloze, "-o", items])
        XCTAssertEqual(make.status, 0, make.error)
        XCTAssertTrue(make.error.contains("8 items from"), make.error)
        let again = try CommandRunner.run(["cloze", "make", "--from", folder + "/corpus/test.txt", "--count", "8", "--seed", "2",
                                           "--candidates", "3", "--model", cloze])
        XCTAssertEqual(again.output, try String(contentsOfFile: items, encoding: .utf8), "the same seed gives the same items")
        for line in again.output.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            XCTAssertEqual(fields.count, 3, String(line))
            XCTAssertTrue(fields[0].contains("___"))
            XCTAssertTrue(fields[2].split(separator: ",").contains(fields[1]), String(line))
        }

        // Bad lines are named and skipped; the rest is evaluated for both models.
        try (again.output + "no blank\tcat\nthe ___ ___ .\tcat\nthe ___ sleep .\tzebra\nonly one field\n"
             + "the ___ sleep .\tcats\tcats,cat,cats\n")
            .write(toFile: items, atomically: true, encoding: .utf8)
        let eval = try CommandRunner.run(["fill-eval", "--model", cloze, "--compare", lm, items, "--threads", "1"])
        XCTAssertEqual(eval.status, 0, eval.error)
        XCTAssertTrue(eval.output.hasPrefix("\(items): 8 items evaluated over each item's candidates, 5 lines skipped"), eval.output)
        XCTAssertTrue(eval.output.contains("acc@1") && eval.output.contains("cloze model") && eval.output.contains("language model"),
                      eval.output)
        XCTAssertTrue(eval.output.contains("item by item") && eval.output.contains("McNemar"), eval.output)
        XCTAssertTrue(eval.output.contains("95% interval") && eval.output.contains(" to "), eval.output)
        for (line, cause) in [(9, "no blank"), (10, "2 blanks"), (11, "'zebra' is not a word"), (12, "tab-separated fields"),
                              (13, "names 'cats' twice")] {
            XCTAssertTrue(eval.error.contains("skipped \(items):\(line): ") && eval.error.contains(cause), eval.error)
        }
        // --compare-left: the language model again, ranking by the left side alone; --ranks: per item.
        let ranks = folder + "/ranks.tsv"
        let left = try CommandRunner.run(["fill-eval", "--model", cloze, "--compare-left", lm, "--ranks", ranks, items, "--threads", "1"])
        XCTAssertEqual(left.status, 0, left.error)
        XCTAssertTrue(left.output.contains("LM, left only"), left.output)
        let rankLines = try String(contentsOfFile: ranks, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rankLines.first, "line\tanswer\t\(cloze)\t\(lm) (left)")
        XCTAssertEqual(rankLines.count, 9)
        for line in rankLines.dropFirst() {
            let f = line.split(separator: "\t")
            XCTAssertEqual(f.count, 4, String(line))
            XCTAssertTrue(f[2...].allSatisfy { (1...3).contains(Int($0) ?? 0) }, String(line))
        }
        assertOneLineError(try CommandRunner.run(["fill-eval", "--model", lm, "--compare-left", cloze, items]), status: 1,
                           contains: "--compare-left \(cloze): not a language model run")
        // The sentence weight reaches the cloze model: the blank's own distribution alone lists
        // other probabilities than a heavy weight on the rest of the sentence.
        let fills = try ["0", "2"].map { weight in
            try CommandRunner.run(["fill", "--model", cloze, "--k", "3", "--sentence-weight", weight, "--rescore", "4",
                                   "--threads", "1", "the ___ sleep here ."])
        }
        XCTAssertEqual(fills.map(\.status), [0, 0], fills.map(\.error).joined())
        XCTAssertNotEqual(fills[0].output, fills[1].output)
        // Without candidates: ranks over the whole vocabulary.
        let whole = try CommandRunner.run(["fill-eval", "--model", lm, "-", "--threads", "1"], stdin: "the ___ sleep here .\tcats\n")
        XCTAssertEqual(whole.status, 0, whole.error)
        XCTAssertTrue(whole.output.contains("1 item evaluated over the whole vocabulary"), whole.output)
    }

    /// cloze-tied averages from epoch 9; a run cut shorter than that trains without averaging
    /// instead of refusing, and --average-from still sets it.
    func testTiedPresetDropsAveragingThatWouldStartAfterTheLastEpoch() throws {
        let short = try CommandRunner.run(["train", "--task", "cloze", "--preset", "cloze-tied", "--corpus", folder + "/corpus",
                                           "--out", folder + "/short", "--epochs", "1", "--threads", "1"])
        XCTAssertEqual(short.status, 0, short.error)
        XCTAssertFalse(short.error.contains("weights averaged"), short.error)
        XCTAssertTrue(short.error.contains("adam lr 0.004 held, batch 32 sentences, 1 epoch"), short.error)
        let config = try String(contentsOfFile: folder + "/short/config.json", encoding: .utf8)
        XCTAssertFalse(config.contains("averageFrom"), config)
        XCTAssertTrue(config.contains("\"constant\" : {"), config)
        XCTAssertTrue(config.contains("\"preset\" : \"cloze-tied\""), config)
        assertOneLineError(try CommandRunner.run(["train", "--task", "cloze", "--preset", "cloze-tied", "--corpus", folder + "/corpus",
                                                  "--out", folder + "/late", "--epochs", "1", "--average-from", "2"]),
                           status: 2, contains: "--average-from 2 is later than the last epoch (1)")
    }

    /// `cloze make` from a vocabulary file, without a model: `-o -` is standard output, as
    /// leaving -o out is, not a file named '-'; more candidates than usable words are capped, with a note.
    func testMakeItemsToStandardOutput() throws {
        let vocab = folder + "/vocab.tsv"
        try "<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\nthe\t40\ncat\t10\ncats\t10\nsleeps\t10\nsleep\t10\nhere\t20\n.\t20\n"
            .write(toFile: vocab, atomically: true, encoding: .utf8)
        let make = try CommandRunner.run(["cloze", "make", "--vocab", vocab, "--from", "corpus/test.txt", "--count", "3", "-o", "-"],
                                         directory: folder)
        XCTAssertEqual(make.status, 0, make.error)
        XCTAssertEqual(make.output.split(separator: "\n").filter { $0.contains("___\t") || $0.contains("___ ") }.count, 3, make.output)
        XCTAssertEqual(make.error, "3 items from corpus/test.txt\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/-"))
        // More candidates than the vocabulary's 7 usable words: each item lists the 7, and says so.
        let capped = try CommandRunner.run(["cloze", "make", "--vocab", vocab, "--from", "corpus/test.txt", "--count", "1",
                                            "--candidates", "20"], directory: folder)
        XCTAssertEqual(capped.status, 0, capped.error)
        XCTAssertEqual(capped.error, "note: --candidates 20 is more than the 7 words of the vocabulary that can be candidates "
                           + "(not specials, no comma); each item lists all 7\n1 item from corpus/test.txt\n")
        let fields = capped.output.split(separator: "\t")
        XCTAssertEqual(fields.count, 3, capped.output)
        XCTAssertEqual(fields.last?.split(separator: ",").count, 7, capped.output)
        // A count far beyond any vocabulary (it overflowed the distractor window before).
        let huge = try CommandRunner.run(["cloze", "make", "--vocab", vocab, "--from", "corpus/test.txt", "--count", "1",
                                          "--candidates", "4000000000000000000"], directory: folder)
        XCTAssertEqual(huge.status, 0, huge.error)
        XCTAssertEqual(huge.output, capped.output)
        // One usable word: items list only the answer, and the note says so.
        try "<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\ncat\t5\n".write(toFile: folder + "/one.tsv", atomically: true, encoding: .utf8)
        try "the cat sleeps\n".write(toFile: folder + "/one.txt", atomically: true, encoding: .utf8)
        let single = try CommandRunner.run(["cloze", "make", "--vocab", "one.tsv", "--from", "one.txt", "--count", "1",
                                            "--candidates", "5"], directory: folder)
        XCTAssertEqual(single.status, 0, single.error)
        XCTAssertEqual(single.output, "the ___ sleeps\tcat\tcat\n")
        XCTAssertEqual(single.error, "note: --candidates 5 is more than the 1 word of the vocabulary that can be candidates "
                           + "(not specials, no comma); each item lists it\n1 item from one.txt\n")
        // A vocabulary of pre-tokenized words read with the default tokenizer: a note says so.
        try "<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\nthe\t40\ncat\t10\n's\t10\n"
            .write(toFile: folder + "/ptb.tsv", atomically: true, encoding: .utf8)
        try "the cat 's cat\n".write(toFile: folder + "/ptb.txt", atomically: true, encoding: .utf8)
        let cut = try CommandRunner.run(["cloze", "make", "--vocab", "ptb.tsv", "--from", "ptb.txt", "--count", "1"], directory: folder)
        XCTAssertEqual(cut.status, 0, cut.error)
        XCTAssertEqual(cut.error, "note: these tokenizer flags would cut or change 16.7% of the words of ptb.tsv (by count; 's): "
                           + "it was built from text tokenized otherwise; give the flags it was built with (--split whitespace "
                           + "for pre-tokenized text such as PTB)\n1 item from ptb.txt\n")
        let whole = try CommandRunner.run(["cloze", "make", "--vocab", "ptb.tsv", "--from", "ptb.txt", "--count", "1",
                                           "--split", "whitespace"], directory: folder)
        XCTAssertEqual(whole.error, "1 item from ptb.txt\n")
    }

    func testBadInputsAreOneLineErrors() throws {
        assertOneLineError(try CommandRunner.run(["train", "--task", "cloze", "--corpus", folder + "/corpus", "--bptt", "20"]),
                           status: 2, contains: "--bptt applies to language models only")
        assertOneLineError(try CommandRunner.run(["train", "--corpus", folder + "/corpus", "--projection", "20"]),
                           status: 2, contains: "--projection applies to cloze models only")
        assertOneLineError(try CommandRunner.run(["train", "--task", "cloze", "--corpus", folder + "/corpus", "--tie-weights",
                                                  "--projection", "100"]),
                           status: 2, contains: "Tied weights need the projection (100) to be as wide as the embedding (200).")
        assertOneLineError(try CommandRunner.run(["train", "--task", "cloze", "--corpus", folder + "/corpus", "--preset", "zaremba-small"]),
                           status: 2, contains: "Unknown cloze preset 'zaremba-small'; choose cloze-small, cloze-tied")
        assertOneLineError(try CommandRunner.run(["train", "--task", "cloze", "--corpus", folder + "/corpus", "--preset", "cloze-small",
                                                  "--tie-weights"]),
                           status: 2, contains: "--tie-weights true contradicts --preset cloze-small (which sets false)")
        assertOneLineError(try CommandRunner.run(["train", "--task", "cloze", "--corpus", folder + "/missing", "--preset", "cloze-tied",
                                                  "--embedding", "300"]),
                           status: 2, contains: "--embedding 300 contradicts --preset cloze-tied (which sets 200)")
        assertOneLineError(try CommandRunner.run(["train", "--task", "cloze", "--corpus", folder + "/missing", "--preset", "cloze-tied",
                                                  "--weight-drop", "0.5"]),
                           status: 2, contains: "--weight-drop 0.5 contradicts --preset cloze-tied (which sets 0.25)")
        assertOneLineError(try CommandRunner.run(["train", "--task", "cloze", "--corpus", folder + "/missing", "--preset", "cloze-tied",
                                                  "--embedding-dropout", "0.1"]),
                           status: 2, contains: "--embedding-dropout 0.1 contradicts --preset cloze-tied (which sets 0.0)")
        assertOneLineError(try CommandRunner.run(["train", "--task", "cloze", "--corpus", folder + "/missing", "--preset", "cloze-tied",
                                                  "--schedule", "step"]),
                           status: 2, contains: "--schedule step contradicts --preset cloze-tied (which sets constant)")
        assertOneLineError(try CommandRunner.run(["cloze", "make", "--from", folder + "/corpus/test.txt"]),
                           status: 2, contains: "Give the vocabulary")
        assertOneLineError(try CommandRunner.run(["fill", "--model", folder + "/corpus", "the ___ ."]),
                           status: 1, contains: "is not a usable run folder")
        assertOneLineError(try CommandRunner.run(["fill-eval", "--model", folder + "/nothing", folder + "/items.tsv"]),
                           status: 1, contains: "is not a usable run folder: no such folder")
    }
}

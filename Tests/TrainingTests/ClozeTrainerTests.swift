import Foundation
import Models
import Tensor
import Text
import XCTest
@testable import Training

final class ClozeTrainerTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        Threads.setCount(1)
        folder = NSTemporaryDirectory() + "lstmkit-cloze-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try TinyAgreementCorpus.write(to: folder)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func configuration(epochs: Int = 8, dropout: Float = 0) throws -> (ClozeRunConfiguration, LanguageModelCorpus) {
        let source = try CorpusSource.resolve(corpus: folder)
        let corpus = try LanguageModelCorpus(source: source, tokenizer: TokenizerOptions())
        var t = ClozeModelPreset.small.training
        t.batchSize = 8
        t.epochs = epochs
        t.learningRate = 0.02
        t.schedule = .init(base: 0.02)
        t.logEvery = 10
        t.checkpointSeconds = 0
        let model = ClozeModelConfiguration(vocabularySize: corpus.vocabulary.count, embeddingSize: 12, hiddenSize: 12,
                                            layers: 1, dropout: dropout, projectionSize: 12, leftOnlyRate: 0.2)
        return (ClozeRunConfiguration(model: model, tokenizer: TokenizerOptions(), training: t, corpus: source), corpus)
    }

    /// Both presets build on PTB's vocabulary; cloze-tied is within 3% of zaremba-small's
    /// parameter count (the output layer shares the embedding), cloze-small 16% above it.
    func testPresetsBuildAndTiedIsAboutTheSizeOfZarembaSmall() {
        let v = 10_002
        var lm = LanguageModelConfiguration(vocabularySize: v, embeddingSize: 200, hiddenSize: 200, layers: 2)
        lm.dropout = 0
        let lmCount = LanguageModel(configuration: lm, generator: nil).parameters.scalarCount
        XCTAssertEqual(lmCount, 4_654_002)
        var counts: [String: Int] = [:]
        for preset in ClozeModelPreset.all {
            var c = preset.model
            c.vocabularySize = v
            XCTAssertNil(c.problem, preset.name)
            XCTAssertNil(preset.training.problem, preset.name)
            counts[preset.name] = ClozeModel(configuration: c, generator: RandomGenerator(seed: 1)).parameters.scalarCount
        }
        XCTAssertEqual(counts["cloze-tied"], 4_780_202)   // what `train --preset cloze-tied` printed on PTB
        XCTAssertEqual(Double(counts["cloze-tied"] ?? 0) / Double(lmCount), 1.027, accuracy: 0.001)
        XCTAssertEqual(Double(counts["cloze-small"] ?? 0) / Double(lmCount), 1.16, accuracy: 0.01)
        XCTAssertTrue(ClozeModelPreset.tied.model.tieWeights)
        XCTAssertFalse(ClozeModelPreset.small.model.tieWeights)
    }

    func quietTrainer(_ c: ClozeRunConfiguration, _ corpus: LanguageModelCorpus, out: String,
                      sink: ((String) -> Void)? = nil) throws -> ClozeTrainer {
        try ClozeTrainer(configuration: c, corpus: corpus, folder: out,
                         progress: ProgressReporter(mode: .plain(every: sink == nil ? 1000 : 1), sink: sink ?? { _ in }), say: { _ in })
    }

    func probability(_ words: [String], in list: [WordScore], _ model: TrainedClozeModel) -> Double {
        list.filter { words.contains(model.vocabulary.tokens[$0.id]) }.reduce(0) { $0 + $1.probability }
    }

    /// The trained model reads both sides: the noun's number comes from the verb after it, and
    /// the verb's from the noun before it.
    func testTrainingLearnsBothSidesAndWritesTheRunFolder() throws {
        let (c, corpus) = try configuration()
        let run = folder + "/run"
        let summary = try quietTrainer(c, corpus, out: run).run()
        XCTAssertFalse(summary.interrupted)
        for file in ["config.json", "vocab.tsv", "model.safetensors", "last.safetensors", "metrics.jsonl", "curves.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/" + file), file)
        }
        let log = try MetricsLog.load(path: run + "/metrics.jsonl")
        XCTAssertEqual(log.records.filter { $0.kind == "epoch" }.map(\.epoch), Array(1...8))
        XCTAssertNotNil(log.records.last { $0.kind == "epoch" }?.values["valid_acc"])
        XCTAssertNotNil(log.records.last { $0.kind == "test" }?.values["test_acc"])
        XCTAssertTrue(try String(contentsOfFile: run + "/curves.svg", encoding: .utf8).contains("Validation accuracy"))
        XCTAssertEqual(try RunFolder.kind(of: run), "cloze")
        XCTAssertThrowsError(try TrainedLanguageModel(folder: run)) {
            XCTAssertTrue("\($0)".contains("describes a 'cloze' run, not a language model"), "\($0)")
        }

        let trained = try TrainedClozeModel(folder: run)
        let singular = ["dog", "cat", "bird"], plural = ["dogs", "cats", "birds"]
        let noun = trained.fill(try BlankedSentence("the ___ sings .", run: trained), count: 6)[0]
        XCTAssertGreaterThan(probability(singular, in: noun, trained), 0.8, "\(noun)")
        let verb = trained.fill(try BlankedSentence("the cats ___ .", run: trained), count: 6)[0]
        XCTAssertGreaterThan(probability(["run", "sleep", "sing"], in: verb, trained), 0.8, "\(verb)")
        // Two blanks, left to right: the noun first (the verb unknown), then the verb agreeing with it.
        let both = trained.fill(try BlankedSentence("the ___ ___ .", run: trained), count: 3)
        XCTAssertEqual(both.count, 2)
        let firstNoun = trained.vocabulary.tokens[both[0][0].id], firstVerb = trained.vocabulary.tokens[both[1][0].id]
        XCTAssertTrue((singular + plural).contains(firstNoun), firstNoun)
        XCTAssertEqual(singular.contains(firstNoun), ["runs", "sleeps", "sings"].contains(firstVerb), "\(firstNoun) \(firstVerb)")
        // Candidates: probabilities among them.
        let two = trained.fill(try BlankedSentence("the dogs ___ .", run: trained), count: 5,
                               candidates: [trained.vocabulary.id(for: "sleeps"), trained.vocabulary.id(for: "sleep")])[0]
        XCTAssertEqual(two.map(\.id), [trained.vocabulary.id(for: "sleep"), trained.vocabulary.id(for: "sleeps")])
        XCTAssertEqual(two.reduce(0) { $0 + $1.probability }, 1, accuracy: 1e-9)

        // The next word from the left alone (the REPL), as the left-only positions trained it.
        var state = try trained.makeState()
        try trained.feed(try trained.tokenize("the birds").map(\.id), into: &state)
        let next = try trained.nextWordLogProbabilities(state)
        let pluralVerbs = ["run", "sleep", "sing"].map { exp(Double(next[trained.vocabulary.id(for: $0)])) }.reduce(0, +)
        XCTAssertGreaterThan(pluralVerbs, 0.5)
    }

    /// Ctrl-C in the middle of an epoch, then resume: the final model equals an uninterrupted
    /// run's, bit for bit (the epoch's batch order is redrawn from the seed, dropout and
    /// embedding dropout continue from the saved generator).
    func testInterruptedAndResumedRunEqualsUninterruptedRun() throws {
        var (c, corpus) = try configuration(epochs: 2, dropout: 0.2)
        c.model.embeddingDropout = 0.1   // its masks come from the checkpointed generator too
        let straight = folder + "/straight", broken = folder + "/broken"
        _ = try quietTrainer(c, corpus, out: straight).run()
        var updates = 0
        let interrupting = try quietTrainer(c, corpus, out: broken, sink: { _ in
            updates += 1
            if updates == 40 { raise(SIGINT) }  // mid-epoch 2 (30 batches per epoch)
        })
        XCTAssertTrue(try interrupting.run().interrupted)
        let resumed = try ClozeTrainer(resuming: broken, progress: ProgressReporter(mode: .plain(every: 1000), sink: { _ in }),
                                       say: { _ in })
        XCTAssertEqual(resumed.epoch, 2)
        XCTAssertGreaterThan(resumed.nextBatch, 0)
        XCTAssertFalse(try resumed.run().interrupted)
        for file in ["model.safetensors", "last.safetensors"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: straight + "/" + file))
            let b = try Data(contentsOf: URL(fileURLWithPath: broken + "/" + file))
            XCTAssertEqual(a, b, "\(file) differs between the straight and the resumed run")
        }
    }

    /// A resume that shortens the plan to end before its planned average starts trains on
    /// without averaging (and records so) instead of refusing; an explicit average is kept.
    func testResumeShorterThanThePlannedAverageDropsIt() throws {
        var (c, corpus) = try configuration(epochs: 3)
        c.training.averageFrom = 3
        let run = folder + "/short"
        var updates = 0
        let interrupting = try quietTrainer(c, corpus, out: run, sink: { _ in
            updates += 1
            if updates == 5 { raise(SIGINT) }  // early in epoch 1
        })
        XCTAssertTrue(try interrupting.run().interrupted)
        let quiet = ProgressReporter(mode: .plain(every: 1000), sink: { _ in })
        XCTAssertThrowsError(try ClozeTrainer(resuming: run, epochs: 2, averageFrom: 3, progress: quiet, say: { _ in }))
        let kept = try ClozeTrainer(resuming: run, epochs: 3, progress: quiet, say: { _ in })
        XCTAssertEqual(kept.task.configuration.training.averageFrom, 3)
        let resumed = try ClozeTrainer(resuming: run, epochs: 2, progress: quiet, say: { _ in })
        XCTAssertNil(resumed.task.configuration.training.averageFrom)
        XCTAssertTrue(resumed.notes.contains { $0.contains("weights not averaged (the plan averaged from epoch 3") }, "\(resumed.notes)")
        XCTAssertNil(try ClozeRunConfiguration.read(folder: run).training.averageFrom)
        XCTAssertFalse(try resumed.run().interrupted)
    }

    /// A preset run started shorter than its average, then planned past it again, says how to
    /// bring the average back; a run whose recipe is not the preset's does not.
    func testResumingAShortenedPresetRunPastItsAverageNamesTheFlag() throws {
        var (c, corpus) = try configuration(epochs: 1)
        c.preset = "cloze-tied"
        c.training = ClozeModelPreset.tied.training
        XCTAssertEqual(c.training.averageFrom, 9)
        c.training.epochs = 2
        c.training.averageFrom = nil       // what train --preset cloze-tied --epochs 2 records
        c.training.seed = 7
        c.training.checkpointSeconds = 0
        let run = folder + "/preset"
        _ = try quietTrainer(c, corpus, out: run)   // config only: resuming starts from epoch 1
        let quiet = ProgressReporter(mode: .plain(every: 1000), sink: { _ in })
        let note = "weights not averaged, though --preset cloze-tied averages from epoch 9 (the run was planned shorter); to average them, stop and resume with --average-from 9"
        let past = try ClozeTrainer(resuming: run, epochs: 10, progress: quiet, say: { _ in })
        XCTAssertNil(past.task.configuration.training.averageFrom)
        XCTAssertTrue(past.notes.contains { $0.contains(note) }, "\(past.notes)")
        let before = try ClozeTrainer(resuming: run, epochs: 8, progress: quiet, say: { _ in })
        XCTAssertFalse(before.notes.contains { $0.contains("--average-from") }, "\(before.notes)")
        let averaged = try ClozeTrainer(resuming: run, epochs: 10, averageFrom: 9, progress: quiet, say: { _ in })
        XCTAssertFalse(averaged.notes.contains { $0.contains("weights not averaged") }, "\(averaged.notes)")

        c.training.learningRate = 0.002    // another recipe under the preset's name
        c.training.schedule = .init(base: 0.002)
        let other = folder + "/other"
        _ = try quietTrainer(c, corpus, out: other)
        let resumed = try ClozeTrainer(resuming: other, epochs: 10, progress: quiet, say: { _ in })
        XCTAssertFalse(resumed.notes.contains { $0.contains("--average-from") }, "\(resumed.notes)")
    }

    /// A `config.json` whose sizes its weights file cannot hold (edited by hand, or copied from
    /// another run) is refused with one sentence, before the model is built: loading and
    /// resuming alike.
    func testAConfigurationTooLargeForItsWeightsIsRefusedBeforeBuilding() throws {
        let (c, corpus) = try configuration(epochs: 1)
        let run = folder + "/damaged"
        _ = try quietTrainer(c, corpus, out: run).run()
        XCTAssertNoThrow(try TrainedClozeModel(folder: run))
        var damaged = try ClozeRunConfiguration.read(folder: run)
        let attempts = [("load", { _ = try TrainedClozeModel(folder: run) }),
                        ("resume", { _ = try ClozeTrainer(resuming: run, epochs: 2, say: { _ in }) })] as [(String, () throws -> Void)]
        // Sizes that fit in memory but not in the weights file.
        damaged.model.hiddenSize = 3000
        damaged.model.embeddingSize = 3000
        try damaged.write(to: run + "/config.json")
        let count = Int(damaged.model.parameterCount)
        for (what, attempt) in attempts {
            XCTAssertThrowsError(try attempt(), what) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("config.json describes a model of \(count) parameters, more than the") && text.contains("do not belong together"), text)
                XCTAssertFalse(text.contains("\n"), text)
            }
        }
        // Sizes no machine's memory holds are an impossible model, whatever the weights.
        damaged.model.hiddenSize = 2_000_000_000
        damaged.model.embeddingSize = 2_000_000_000
        try damaged.write(to: run + "/config.json")
        for (what, attempt) in attempts {
            XCTAssertThrowsError(try attempt(), what) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("config.json describes a model too large for this machine: the model would have 6.4e+19 parameters, about 256 EB to use"), text)
                XCTAssertFalse(text.contains("\n"), text)
            }
        }
    }

    /// Sentence scoring adds λ times the ln-probabilities of the sentence's other known words,
    /// each predicted with the candidate in the blank, computed here one sentence at a time from
    /// the model's full (N, V) distribution; whole-vocabulary lists and ranks agree with it.
    func testSentenceScoringAddsTheRestOfTheSentenceAndRanksConsistently() throws {
        let (c, corpus) = try configuration(epochs: 1)
        let run = folder + "/run"
        _ = try quietTrainer(c, corpus, out: run).run()
        let trained = try TrainedClozeModel(folder: run)
        let v = trained.vocabulary
        let sentence = try BlankedSentence("the ___ sings here .", run: trained)
        let context = sentence.context(ofBlankAt: 1)
        let candidates = ["dog", "dogs", "cat", "sleeps"].map { v.id(for: $0) }

        /// Σ ln P(x_i) over word indices `known` of `words`, from every position's log-softmax.
        func summed(_ words: [Int32], known: [Int]) -> Double {
            let logp = trained.model.logProbabilities(ClozeBatch(sentences: [words]))   // (N, V), N = words.count
            return known.reduce(0) { $0 + Double(logp.scalars[$1 * v.count + Int(words[$1])]) }
        }

        trained.scoring = .direct
        let own = trained.wordLogProbabilities(context)
        XCTAssertEqual(trained.scores(context, candidates: candidates), candidates.map { own[$0] })
        trained.scoring = ClozeScoring(sentenceWeight: 0.7, rescored: 3)
        let scored = trained.scores(context, candidates: candidates)
        for (i, id) in candidates.enumerated() {
            let words = context.left + [Int32(id)] + context.right
            let expected = own[id] + 0.7 * summed(words, known: [0, 2, 3, 4])
            XCTAssertEqual(scored[i], expected, accuracy: 1e-4, v.tokens[id])
        }

        // A later blank is unknown: the first blank's sentence terms stop before it.
        let two = try BlankedSentence("the ___ ___ .", run: trained)
        let first = two.context(ofBlankAt: 1)
        let dog = v.id(for: "dog")
        XCTAssertEqual(trained.sentenceTerms(first, candidates: [dog])[0],
                       summed(first.left + [Int32(dog)] + first.right, known: [0]), accuracy: 1e-4)

        // A blank alone has no other words: its own distribution, and no model pass to trap on.
        let alone = try BlankedSentence("___", run: trained).context(ofBlankAt: 0)
        XCTAssertEqual(trained.sentenceTerms(alone, candidates: [dog, dog]), [0, 0])
        XCTAssertEqual(trained.best(alone, count: 2).count, 2)

        // The three best of the blank's own distribution come first, reordered by their score;
        // every word's rank is its place in the list; the probabilities still sum to one.
        let wordCount = v.count - v.specialCount
        let list = trained.best(context, count: wordCount)
        XCTAssertEqual(list.count, wordCount)
        XCTAssertEqual(list.reduce(0) { $0 + $1.probability }, 1, accuracy: 1e-6)
        let head = largestScores(own.map(Float.init), count: 3)
        XCTAssertEqual(Set(list.prefix(3).map(\.id)), Set(head))
        let headScores = trained.scores(context, candidates: head)
        XCTAssertEqual(list.prefix(3).map(\.id), head.indices.sorted { headScores[$0] > headScores[$1] }.map { head[$0] })
        for (place, word) in list.prefix(8).enumerated() {
            XCTAssertEqual(trained.rank(of: word.id, in: context), place + 1, v.tokens[word.id])
        }
        XCTAssertEqual(trained.best(context, count: 2), Array(list.prefix(2)))
        XCTAssertEqual(trained.best(context, count: Int.max).count, wordCount)
        XCTAssertEqual(Array(list.dropFirst(3).prefix(5).map(\.id)),
                       largestScores(own.map(Float.init), count: 8).filter { !head.contains($0) })
    }

    func testSentenceBatcherCoversEverySentenceOnceAndRedrawsByEpoch() throws {
        let stream: [Int32] = [5, 6, 3, 7, 3, 3, 8, 9, 10, 3, 11, 3, 12, 13, 3]  // 3 = <eos>; one empty line
        var batcher = try XCTUnwrap(SentenceBatcher(stream: stream, endID: 3, batchSize: 2, seed: 4))
        XCTAssertEqual(batcher.sentences, [[5, 6], [7], [8, 9, 10], [11], [12, 13]])
        XCTAssertEqual(batcher.wordCount, 9)
        var orders: [[[Int]]] = []
        for epoch in [1, 2, 1] {
            batcher.shuffle(epoch: epoch)
            XCTAssertEqual(batcher.batches.flatMap { $0 }.sorted(), [0, 1, 2, 3, 4])
            XCTAssertEqual(batcher.batchCount, 3)
            orders.append(batcher.batches)
        }
        XCTAssertEqual(orders[0], orders[2], "an epoch's order depends only on the seed and the epoch")
        XCTAssertNil(SentenceBatcher(stream: [3, 3], endID: 3, batchSize: 2, seed: 1))
        let long = [Int32](repeating: 5, count: SentenceBatcher.maximumLength + 3) + [3]
        XCTAssertEqual(SentenceBatcher.sentences(of: long, endID: 3).map(\.count), [SentenceBatcher.maximumLength, 3])
    }
}

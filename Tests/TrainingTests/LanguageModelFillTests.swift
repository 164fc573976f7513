import Foundation
import Models
import Tensor
import Text
import XCTest
@testable import Training

/// A language model filling blanks by scoring whole sentences: the pruned search over the whole
/// vocabulary (`best`, `rank`) must give exactly what scoring every word does.
final class LanguageModelFillTests: XCTestCase {
    var folder = ""
    var model: TrainedLanguageModel!

    override func setUpWithError() throws {
        Threads.setCount(1)
        folder = NSTemporaryDirectory() + "lstmkit-lm-fill-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try TinyAgreementCorpus.write(to: folder)
        let source = try CorpusSource.resolve(corpus: folder)
        let corpus = try LanguageModelCorpus(source: source, tokenizer: TokenizerOptions())
        var t = TrainingSettings()
        t.batchSize = 4
        t.bptt = 6
        t.epochs = 1
        t.learningRate = 10
        t.schedule = .init(base: 10)
        t.checkpointSeconds = 0
        let m = LanguageModelConfiguration(vocabularySize: corpus.vocabulary.count, embeddingSize: 8, hiddenSize: 8, layers: 1)
        let c = LanguageModelRunConfiguration(model: m, tokenizer: TokenizerOptions(), training: t, corpus: source)
        _ = try LanguageModelTrainer(configuration: c, corpus: corpus, folder: folder + "/run",
                                     progress: ProgressReporter(mode: .plain(every: 1000), sink: { _ in }), say: { _ in }).run()
        model = try TrainedLanguageModel(folder: folder + "/run")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testPrunedSearchEqualsScoringEveryWord() throws {
        let words = Array(model.wordIDs)
        for text in ["the ___ runs .", "the dogs ___ .", "___ cat sings .", "the ___ ___ .", "the cat sleeps ___"] {
            let sentence = try BlankedSentence(text, run: model)
            let context = sentence.context(ofBlankAt: try XCTUnwrap(sentence.blankIndices.first))
            let all = model.scores(context, candidates: words)
            let top = all.max()!
            let total = all.reduce(0) { $0 + exp($1 - top) }
            let expected = zip(words, all).sorted { ($0.1, -$0.0) > ($1.1, -$1.0) }.prefix(4)
            let best = model.best(context, count: 4)
            XCTAssertEqual(best.map(\.id), expected.map(\.0), text)
            for (found, (_, score)) in zip(best, expected) {
                XCTAssertEqual(found.probability, exp(score - top) / total, accuracy: 1e-4, text)
            }
            // Candidates a few at a time (other batch shapes: other float rounding), pruned halfway
            // between two middle scores: the same survivors with the same scores.
            let sorted = all.sorted()
            let floor = (sorted[all.count / 2] + sorted[all.count / 2 + 1]) / 2
            let pruned = model.continuationScores(context, candidates: words, floor: floor, chunk: 5)
            XCTAssertEqual(pruned.compactMap { $0 }.count, all.filter { $0 > floor }.count, text)
            for (a, b) in zip(pruned, all) where a != nil { XCTAssertEqual(a!, b, accuracy: 1e-5, text) }
            for (w, score) in zip(words, all) {
                XCTAssertEqual(model.rank(of: w, in: context), 1 + all.filter { $0 > score }.count, "\(text) \(w)")
            }
        }
    }

    /// Ranking by the left context alone is the next-word distribution after the left words,
    /// renormalised over words: the right side changes nothing.
    func testLeftContextRankerReadsOnlyTheLeftSide() throws {
        let left = LeftContextRanker(model)
        XCTAssertEqual(left.kindName, "LM, left only")
        let a = try BlankedSentence("the ___ sleeps .", run: model).context(ofBlankAt: 1)
        let b = try BlankedSentence("the ___ sleep .", run: model).context(ofBlankAt: 1)
        let pa = left.wordLogProbabilities(a), pb = left.wordLogProbabilities(b)
        XCTAssertEqual(pa, pb)
        XCTAssertEqual(model.wordIDs.reduce(0) { $0 + exp(pa[$1]) }, 1, accuracy: 1e-6)
        for id in 0..<model.vocabulary.specialCount { XCTAssertEqual(pa[id], -.infinity) }
        let next = model.nextWordLogProbabilities(after: a.left).logProbabilities
        let dog = model.vocabulary.id(for: "dog"), cat = model.vocabulary.id(for: "cat")
        XCTAssertEqual(pa[dog] - pa[cat], Double(next[dog] - next[cat]), accuracy: 1e-5)
        XCTAssertEqual(left.rank(of: dog, in: a), 1 + model.wordIDs.filter { pa[$0] > pa[dog] }.count)
        // The whole-sentence ranking does read the right side.
        let dogs = model.vocabulary.id(for: "dogs")
        XCTAssertNotEqual(model.scores(a, candidates: [dog, dogs]), model.scores(b, candidates: [dog, dogs]))
    }

    /// A word's score is the whole sentence's log-probability up to a constant (P(left)).
    func testScoresAreWholeSentenceLogProbabilities() throws {
        let sentence = try BlankedSentence("the ___ sleeps .", run: model)
        let context = sentence.context(ofBlankAt: 1)
        let dog = model.vocabulary.id(for: "dog"), dogs = model.vocabulary.id(for: "dogs")
        let s = model.scores(context, candidates: [dog, dogs])
        let whole = [dog, dogs].map { model.score(ids: try! model.encode("the \(model.vocabulary.tokens[$0]) sleeps .").ids).logProbability }
        XCTAssertEqual(s[0] - s[1], whole[0] - whole[1], accuracy: 1e-4)
        // With another blank later, the sentence stops before it: no <eos> term.
        let cut = try BlankedSentence("the ___ sleeps ___", run: model).context(ofBlankAt: 1)
        XCTAssertEqual(cut.right.count, 2)
        XCTAssertEqual(cut.knownRightCount, 1)
        XCTAssertFalse(cut.rightIsComplete)
    }

    /// Sentences scored on their own start from the averaged state in which the model ended its
    /// own sampled sentences: not the zero state, and the same on every load.
    func testSentencesStartFromATypicalSentenceEnd() throws {
        let start = model.sentenceEndState
        XCTAssertEqual(start.hidden.shape, [1, 1, 8])
        XCTAssertTrue(start.hidden.scalars.contains { $0 != 0 })
        let again = try TrainedLanguageModel(folder: folder + "/run")
        XCTAssertEqual(again.sentenceEndState.hidden.scalars, start.hidden.scalars)
        XCTAssertEqual(again.sentenceEndState.cell?.scalars, start.cell?.scalars)
        // The first computation left its cache in the run folder; it is read only while it
        // matches the weights file: overwrite it with zeros, and a load now reads zeros, until
        // the weights file changes.
        let cache = folder + "/run/sentence-end.safetensors"
        let cached = try SafeTensorsFile(contentsOf: cache)
        XCTAssertEqual(cached.tensor(named: "hidden")?.scalars, start.hidden.scalars)
        try SafeTensorsFile.write([("hidden", Tensor(zeros: [1, 1, 8])), ("cell", Tensor(zeros: [1, 1, 8]))],
                                  metadata: cached.metadata, to: cache)
        XCTAssertEqual(try TrainedLanguageModel(folder: folder + "/run").sentenceEndState.hidden.scalars, [Float](repeating: 0, count: 8))
        let weights = folder + "/run/model.safetensors"
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 5)], ofItemAtPath: weights)
        XCTAssertEqual(try TrainedLanguageModel(folder: folder + "/run").sentenceEndState.hidden.scalars, start.hidden.scalars)
        // The REPL's state and sentence scores begin there.
        var state = try model.makeState()
        let ids = try model.encode("the dog runs .").ids
        var total = 0.0
        for id in ids.map(Int.init) + [Vocabulary.endID] {
            total += Double(try model.nextWordLogProbabilities(state)[id])
            try model.feed([id], into: &state)
        }
        XCTAssertEqual(total, model.score(ids: ids).logProbability, accuracy: 1e-4)
    }
}

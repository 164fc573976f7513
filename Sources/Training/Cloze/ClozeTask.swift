import Foundation
import Models
import NN
import Tensor
import Text

/// Trains a `ClozeModel` with `Trainer`: the corpus's lines as sentences (`SentenceBatcher`),
/// every word of a batch a target, no state carried between batches; validation and test report
/// the cloze perplexity (of each word given both sides) and accuracy@1.
public final class ClozeTask: TrainingTask {
    public let configuration: ClozeRunConfiguration
    public let corpus: LanguageModelCorpus
    public let model: ClozeModel
    var batcher: SentenceBatcher
    let validSentences: [[Int32]]
    let testSentences: [[Int32]]

    public init(configuration: ClozeRunConfiguration, corpus: LanguageModelCorpus, generator: RandomGenerator) throws {
        let t = configuration.training
        let end = Int32(Vocabulary.endID)
        guard let batcher = SentenceBatcher(stream: corpus.train, endID: end, batchSize: t.batchSize, seed: t.seed) else {
            throw CorpusError.empty(path: configuration.corpus.train)
        }
        self.configuration = configuration
        self.corpus = corpus
        self.batcher = batcher
        validSentences = SentenceBatcher.sentences(of: corpus.valid, endID: end)
        testSentences = SentenceBatcher.sentences(of: corpus.test, endID: end)
        model = ClozeModel(configuration: configuration.model, initRange: t.initRange, generator: generator)
    }

    public var parameters: ParameterRegistry { model.parameters }
    public var batchCount: Int { batcher.batchCount }
    public var targetCount: Int { batcher.wordCount }

    public func startEpoch(_ epoch: Int) {
        batcher.shuffle(epoch: epoch)
    }

    public func trainStep(batch index: Int, generator: RandomGenerator) -> (totalLoss: Double, count: Int) {
        model.trainStep(batcher.batch(index), generator: generator)
    }

    public func acceptStep() {}
    public func endEpoch() {}

    public func validate(progress: ((Double) -> Void)?) -> Evaluation? {
        Self.evaluate(model, sentences: validSentences, batchSize: configuration.training.evalBatchSize, progress: progress)
    }

    public func test(weights: String, progress: ((Double) -> Void)?) throws -> Evaluation? {
        guard !testSentences.isEmpty else { return nil }
        let best = ClozeModel(configuration: configuration.model, generator: RandomGenerator(seed: 0))
        try best.parameters.load(contentsOf: weights, allowingExtra: false)
        return Self.evaluate(best, sentences: testSentences, batchSize: configuration.training.evalBatchSize, progress: progress)
    }

    public func checkpointState() -> [(name: String, tensor: Tensor)] { [] }
    public func restoreState(from file: SafeTensorsFile) throws {}

    /// Every word of `sentences` predicted from both sides; sentences go in batches of similar
    /// length. Nil when there are none.
    public static func evaluate(_ model: ClozeModel, sentences: [[Int32]], batchSize: Int,
                                progress: ((Double) -> Void)? = nil) -> Evaluation? {
        guard !sentences.isEmpty else { return nil }
        let batches = SentenceBatcher.lengthSortedBatches(Array(sentences.indices), sentences: sentences,
                                                          batchSize: max(1, batchSize))
        var total = 0.0, count = 0, correct = 0
        for (index, members) in batches.enumerated() {
            let r = model.evaluate(ClozeBatch(sentences: members.map { sentences[$0] }))
            total += r.totalLoss
            count += r.count
            correct += r.correct
            progress?(Double(index + 1) / Double(batches.count))
        }
        return Evaluation(totalLoss: total, count: count, accuracy: Double(correct) / Double(max(count, 1)))
    }
}

/// Trains a cloze model; see `Trainer` for the run folder.
public typealias ClozeTrainer = Trainer<ClozeTask>

extension Trainer where Task == ClozeTask {
    public var model: ClozeModel { task.model }
}

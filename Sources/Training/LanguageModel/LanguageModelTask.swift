import Foundation
import Models
import NN
import Tensor
import Text

/// Trains a `LanguageModel` with `Trainer`: the standard language-model batching (`LMBatcher`:
/// contiguous columns, truncated BPTT), the hidden state carried from chunk to chunk and saved
/// with the checkpoint, perplexity on validation and test text read the same way.
public final class LanguageModelTask: TrainingTask {
    public let configuration: LanguageModelRunConfiguration
    public let corpus: LanguageModelCorpus
    public let model: LanguageModel
    let batcher: LMBatcher
    var carried: RecurrentState   // (L, B, H): the state the next chunk starts from
    var pending: RecurrentState?  // the last chunk's final state, until its step is accepted

    public init(configuration: LanguageModelRunConfiguration, corpus: LanguageModelCorpus, generator: RandomGenerator) throws {
        let t = configuration.training
        guard let batcher = LMBatcher(tokens: corpus.train, batchSize: t.batchSize, bptt: t.bptt) else {
            throw CorpusError.tooShort(path: configuration.corpus.train, tokens: corpus.train.count, batchSize: t.batchSize)
        }
        self.configuration = configuration
        self.corpus = corpus
        self.batcher = batcher
        model = LanguageModel(configuration: configuration.model, initRange: t.initRange, generator: generator)
        carried = model.zeroState(batchSize: t.batchSize)
    }

    public var parameters: ParameterRegistry { model.parameters }
    public var batchCount: Int { batcher.chunkCount }
    public var targetCount: Int { batcher.targetCount }

    public func startEpoch(_ epoch: Int) {}

    public func trainStep(batch index: Int, generator: RandomGenerator) -> (totalLoss: Double, count: Int) {
        let chunk = batcher.chunk(index)
        let r = model.trainStep(inputs: chunk.inputs, targets: chunk.targets, steps: chunk.steps,
                                batch: batcher.batchSize, initialState: carried, generator: generator)
        pending = r.finalState
        return (r.totalLoss, r.count)
    }

    public func acceptStep() {
        if let pending { carried = pending }
        pending = nil
    }

    public func endEpoch() {
        carried = model.zeroState(batchSize: batcher.batchSize)
    }

    public func validate(progress: ((Double) -> Void)?) -> Evaluation? {
        evaluate(model, corpus.valid, progress: progress)
    }

    public func test(weights: String, progress: ((Double) -> Void)?) throws -> Evaluation? {
        guard corpus.test.count >= 2 else { return nil }
        let best = LanguageModel(configuration: configuration.model, generator: RandomGenerator(seed: 0))
        try best.parameters.load(contentsOf: weights, allowingExtra: false)
        return evaluate(best, corpus.test, progress: progress)
    }

    func evaluate(_ model: LanguageModel, _ tokens: [Int32], progress: ((Double) -> Void)?) -> Evaluation? {
        guard tokens.count >= 2 else { return nil }
        let t = configuration.training
        return LanguageModelEvaluation.evaluate(model, tokens: tokens, batchSize: t.evalBatchSize, bptt: t.bptt, progress: progress)
    }

    public func checkpointState() -> [(name: String, tensor: Tensor)] {
        var tensors = [(name: "train.state.hidden", tensor: carried.hidden)]
        if let cell = carried.cell { tensors.append(("train.state.cell", cell)) }
        return tensors
    }

    public func restoreState(from file: SafeTensorsFile) throws {
        carried.hidden.assign(try file.tensor(named: "train.state.hidden", shape: carried.hidden.shape))
        if let cell = carried.cell {
            cell.assign(try file.tensor(named: "train.state.cell", shape: cell.shape))
        }
    }
}

/// Trains a word-level language model; see `Trainer` for the run folder.
public typealias LanguageModelTrainer = Trainer<LanguageModelTask>

extension Trainer where Task == LanguageModelTask {
    public var model: LanguageModel { task.model }

    /// Reads `config.json` of a language-model run folder.
    public static func readConfiguration(folder: String) throws -> LanguageModelRunConfiguration {
        try LanguageModelRunConfiguration.read(folder: folder)
    }
}

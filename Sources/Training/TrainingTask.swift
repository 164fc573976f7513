import Foundation
import Models
import NN
import Tensor
import Text

/// What one kind of model (a language model, a cloze model) brings to the shared training loop
/// of `Trainer`: its model and batches, how a batch is trained and a text evaluated, and the
/// little state of its own that a resumable checkpoint must carry. Everything else — optimizer,
/// schedule, progress, metrics, checkpoints, resume, Ctrl-C, divergence — is the `Trainer`'s.
public protocol TrainingTask: AnyObject {
    associatedtype Configuration: RunConfiguration

    /// Builds the model with fresh weights drawn from `generator` (the run's one generator) and
    /// lays out the training text.
    init(configuration: Configuration, corpus: LanguageModelCorpus, generator: RandomGenerator) throws

    var configuration: Configuration { get }
    var corpus: LanguageModelCorpus { get }
    var parameters: ParameterRegistry { get }

    /// Batches in one epoch.
    var batchCount: Int { get }
    /// Predicted tokens in one epoch (for the time estimate).
    var targetCount: Int { get }

    /// Called before batch `nextBatch` of `epoch` is trained, at the start of every epoch and
    /// when a run resumes in the middle of one.
    func startEpoch(_ epoch: Int)

    /// Forward and backward of batch `index` of the current epoch, gradients added into the
    /// parameters' (zeroed by the caller). Returns the summed loss and the number of targets.
    func trainStep(batch index: Int, generator: RandomGenerator) -> (totalLoss: Double, count: Int)

    /// The step was applied: keep whatever the next batch continues from.
    func acceptStep()

    /// The epoch is over; nothing carries into the next one.
    func endEpoch()

    /// The current model on the validation text; nil when there is none.
    func validate(progress: ((Double) -> Void)?) -> Evaluation?

    /// The parameters saved at `weights` on the test text; nil when there is none.
    func test(weights: String, progress: ((Double) -> Void)?) throws -> Evaluation?

    /// What only this task keeps in `last.safetensors` (tensors under `train.` names).
    func checkpointState() -> [(name: String, tensor: Tensor)]

    /// Reads back what `checkpointState` wrote.
    func restoreState(from file: SafeTensorsFile) throws
}

/// A model's loss on a text.
public struct Evaluation: Equatable, Sendable {
    /// Σ −log p over the predicted tokens (natural log).
    public var totalLoss: Double
    /// Predicted tokens.
    public var count: Int
    /// Share of predicted tokens that were the model's most likely word, when measured.
    public var accuracy: Double?

    public init(totalLoss: Double, count: Int, accuracy: Double? = nil) {
        self.totalLoss = totalLoss
        self.count = count
        self.accuracy = accuracy
    }

    public var meanLoss: Double { count > 0 ? totalLoss / Double(count) : .nan }
    public var perplexity: Double { exp(meanLoss) }
}

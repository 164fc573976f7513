import Foundation
import Models
import NN
import Tensor

/// Perplexity of a token stream under a language model, read the way training reads it:
/// `batchSize` contiguous columns, `bptt` steps at a time, the state carried from chunk to chunk.
public enum LanguageModelEvaluation {
    /// Evaluates `tokens`; columns shrink when the text is too short for `batchSize` of them.
    /// Returns nil when there are fewer than two tokens (nothing to predict).
    public static func evaluate(_ model: LanguageModel, tokens: [Int32], batchSize: Int, bptt: Int,
                                progress: ((Double) -> Void)? = nil) -> Evaluation? {
        let columns = max(1, min(batchSize, tokens.count / 2))
        guard let batcher = LMBatcher(tokens: tokens, batchSize: columns, bptt: bptt) else { return nil }
        var state = model.zeroState(batchSize: columns)
        var total = 0.0, count = 0
        for index in 0..<batcher.chunkCount {
            let chunk = batcher.chunk(index)
            let r = model.evaluate(inputs: chunk.inputs, targets: chunk.targets, steps: chunk.steps,
                                   batch: columns, initialState: state)
            total += r.totalLoss
            count += r.count
            state = r.finalState
            progress?(Double(index + 1) / Double(batcher.chunkCount))
        }
        return Evaluation(totalLoss: total, count: count)
    }
}

import Foundation
import Models
import NN
import Tensor
import Text

/// Where a sentence scored on its own starts. A language model trained on a stream of text
/// (`LMBatcher`: contiguous columns, the state carried across sentence ends) has almost never
/// seen the zero state: at every sentence start of its training text it had just read the
/// previous sentence and `<eos>`. Scoring a sentence from zero state and `<eos>` therefore
/// starts it out of distribution. Measured on corpora/toy-en/agreement.tsv (first 600 items,
/// PyTorch loading the same weights): a 2×128 LSTM chose the right verb for 83% of items from the
/// zero state and for 100% after one training sentence; a GRU 97% and 100%.
///
/// So a sentence starts from a typical end-of-sentence state instead: the model samples text from
/// itself (32 columns, 100 words, a fixed seed) and the states in which it chose `<eos>` are
/// averaged; `<eos>` is then fed as in training. No corpus is needed, and the same weights
/// always give the same start.
extension TrainedLanguageModel {
    /// The typical sentence end of these weights, from `sentence-end.safetensors` in the run
    /// folder when that file was computed from the same weights file (name, size and modification
    /// time recorded in its metadata), else computed — about 13 GFLOP for a 10k-word vocabulary,
    /// most of a REPL's start-up — and saved there for the next start (atomically; a read-only
    /// folder only costs the recomputation).
    func cachedSentenceEnd() -> RecurrentState {
        let cachePath = folder + "/sentence-end.safetensors"
        let attributes = try? FileManager.default.attributesOfItem(atPath: weightsPath)
        let key = [
            "weights": (weightsPath as NSString).lastPathComponent,
            "weights_bytes": "\((attributes?[.size] as? NSNumber)?.int64Value ?? -1)",
            "weights_modified": "\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1)",
            "recipe": "sampled 32x100 seed 1",
        ]
        let zero = model.zeroState(batchSize: 1)
        if let file = try? SafeTensorsFile(contentsOf: cachePath), key.allSatisfy({ file.metadata[$0.key] == $0.value }),
           let hidden = try? file.tensor(named: "hidden", shape: zero.hidden.shape) {
            let cell = zero.cell.flatMap { try? file.tensor(named: "cell", shape: $0.shape) }
            if (cell == nil) == (zero.cell == nil) { return RecurrentState(hidden: hidden, cell: cell) }
        }
        let state = Self.typicalSentenceEnd(model)
        var tensors = [(name: "hidden", tensor: state.hidden)]
        if let cell = state.cell { tensors.append((name: "cell", tensor: cell)) }
        try? SafeTensorsFile.write(tensors, metadata: key, to: cachePath)
        return state
    }

    static func typicalSentenceEnd(_ model: LanguageModel, columns: Int = 32, steps: Int = 100) -> RecurrentState {
        let c = model.configuration
        let end = Vocabulary.endID
        let state = model.zeroState(batchSize: columns)
        let logits = Tensor(zeros: [columns, c.vocabularySize])
        let sum = model.zeroState(batchSize: 1)
        var count = 0
        var tokens = [Int32](repeating: Int32(end), count: columns)
        let generator = RandomGenerator(seed: 1)
        let v = c.vocabularySize
        for step in 0..<steps {
            model.step(tokens: tokens, state: state, logits: logits)
            // The vectorised softmax, not `Sampler`: a draw per column and step over the whole
            // vocabulary is most of a REPL's start-up otherwise.
            Softmax.softmax(logits, into: logits)
            for column in 0..<columns {
                let p = logits.pointer + column * v
                p[Vocabulary.padID] = 0
                p[Vocabulary.beginID] = 0
                let total = Vector.sum(p, count: v)
                guard total > 0, total.isFinite else { continue }
                let target = Double(generator.next() >> 11) * 0x1p-53 * total
                var next = v - 1, cumulative = 0.0
                for id in 0..<v {
                    cumulative += Double(p[id])
                    if cumulative > target { next = id; break }
                }
                // The state before a sampled <eos> ends a sentence the model wrote itself (the first
                // step's state is the cold one, after <eos> from zero).
                if next == end && step > 0 {
                    add(column, of: state, into: sum)
                    count += 1
                }
                tokens[column] = Int32(next)
            }
        }
        if count > 0 {
            Vector.scale(sum.hidden.pointer, by: 1 / Float(count), count: sum.hidden.count)
            if let cell = sum.cell { Vector.scale(cell.pointer, by: 1 / Float(count), count: cell.count) }
        }
        return sum
    }

    /// Adds batch entry `column` of `state` `(L, B, H)` into `sum` `(L, 1, H)`.
    static func add(_ column: Int, of state: RecurrentState, into sum: RecurrentState) {
        let slots = state.hidden.shape[0], b = state.hidden.shape[1], h = state.hidden.shape[2]
        for slot in 0..<slots {
            Vector.add(state.hidden.pointer + (slot * b + column) * h, into: sum.hidden.pointer + slot * h, count: h)
            if let cell = state.cell, let total = sum.cell {
                Vector.add(cell.pointer + (slot * b + column) * h, into: total.pointer + slot * h, count: h)
            }
        }
    }
}

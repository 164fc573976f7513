import Foundation
import Models
import NN
import Tensor
import Text

/// A forward language model fills a blank by scoring the whole sentence with each word w in it:
/// P(left) · P(w | left) · P(right | left, w). P(left) is the same for every w, so a word's score
/// is S(w) = ln P(w | left) + ln P(right, <eos> | left, w), and its probability for the blank
/// is exp S(w) normalised over the words.
///
/// Over the whole vocabulary that is one continuation per word (V sentences per blank). The
/// partial sums only fall as right-context words are added (each term is a log-probability ≤ 0),
/// so a word whose partial sum has dropped to a floor can never finish above it: `rank` and
/// `best` drop such words step by step (branch and bound) and stay exact. When the sentence has
/// another blank after this one, the right context stops before it (the probability of the
/// sentence's beginning, with no `<eos>`).
extension TrainedLanguageModel: BlankRanker {
    public var kindName: String { "language model" }

    public func scores(_ context: BlankContext, candidates: [Int]) -> [Double] {
        continuationScores(context, candidates: candidates, floor: -.infinity).map { $0 ?? -.infinity }
    }

    public func rank(of answer: Int, in context: BlankContext) -> Int {
        guard let target = continuationScores(context, candidates: [answer], floor: -.infinity).first ?? nil else { return 1 }
        let rivals = wordIDs.filter { $0 != answer }
        let above = continuationScores(context, candidates: rivals, floor: target).reduce(0) { $0 + (($1 ?? target) > target ? 1 : 0) }
        return 1 + above
    }

    public func best(_ context: BlankContext, count: Int) -> [WordScore] {
        let count = min(count, wordIDs.count)
        guard count > 0 else { return [] }
        // The `count` words likeliest after the left context alone give a floor that the true
        // count-th best score reaches; a margin of ln V + 10 below it keeps every word whose
        // share of the total could reach e⁻¹⁰, so the probabilities are exact to ~5e-5.
        let left = nextWordLogProbabilities(after: context.left).logProbabilities
        let seeds = largestScores(wordIDs.map { left[$0] }, count: count).map { $0 + wordIDs.lowerBound }
        let seedScores = continuationScores(context, candidates: seeds, floor: -.infinity).compactMap { $0 }
        guard let threshold = seedScores.min() else { return [] }
        let floor = threshold - (log(Double(wordIDs.count)) + 10)
        let all = Array(wordIDs)
        let kept = zip(all, continuationScores(context, candidates: all, floor: floor)).compactMap { id, score in
            score.map { (id: id, score: $0) }
        }
        let top = kept.map(\.score).max() ?? 0
        let logTotal = top + log(kept.reduce(0) { $0 + exp($1.score - top) })
        return kept.sorted { ($0.score, -$0.id) > ($1.score, -$1.id) }.prefix(count)
            .map { WordScore(id: $0.id, probability: exp($0.score - logTotal)) }
    }

    /// The state after `<eos>` and `left` (batch of one, from `sentenceEndState`, as every
    /// sentence scored on its own), and ln P(next word) for every entry.
    func nextWordLogProbabilities(after left: [Int32]) -> (state: RecurrentState, logProbabilities: [Float]) {
        let v = vocabulary.count
        let state = sentenceEndState.copy()
        let logits = Tensor(zeros: [1, v])
        for token in [Int32(Vocabulary.endID)] + left { model.step(tokens: [token], state: state, logits: logits) }
        Softmax.logSoftmax(logits, into: logits)
        return (state, logits.scalars)
    }

    /// S(w) for each candidate, or nil for a candidate whose partial score fell to `floor` or
    /// below before the end (its final score would be lower still). Candidates go `chunk` at a
    /// time: a (chunk, V) logits matrix per step.
    func continuationScores(_ context: BlankContext, candidates: [Int], floor: Double, chunk: Int = 512) -> [Double?] {
        let v = vocabulary.count
        let (leftState, left) = nextWordLogProbabilities(after: context.left)
        var targets = Array(context.right.prefix(context.knownRightCount))
        if context.rightIsComplete { targets.append(Int32(Vocabulary.endID)) }
        var results = [Double?](repeating: nil, count: candidates.count)
        for start in stride(from: 0, to: candidates.count, by: chunk) {
            // Rows still in the race: their index in `candidates` and partial score.
            var alive = (start..<min(start + chunk, candidates.count)).filter { Double(left[candidates[$0]]) > floor }
            var partial = alive.map { Double(left[candidates[$0]]) }
            guard !alive.isEmpty else { continue }
            var state = model.zeroState(batchSize: alive.count)
            leftState.gather(batchEntries: [Int](repeating: 0, count: alive.count), into: state)
            var tokens = alive.map { Int32(candidates[$0]) }
            for target in targets {
                let logits = Tensor(zeros: [alive.count, v])
                model.step(tokens: tokens, state: state, logits: logits)
                let p = logits.pointer
                partial.withUnsafeMutableBufferPointer { partial in
                    Threads.parallelFor(alive.count, minimumPerThread: 16) { rows in
                        for row in rows {
                            partial[row] += Double(p[row * v + Int(target)]) - Softmax.logSumExp(p + row * v, count: v)
                        }
                    }
                }
                let keep = partial.indices.filter { partial[$0] > floor }
                if keep.count < alive.count {
                    if keep.isEmpty { alive = []; break }
                    let smaller = model.zeroState(batchSize: keep.count)
                    state.gather(batchEntries: keep, into: smaller)
                    state = smaller
                    alive = keep.map { alive[$0] }
                    partial = keep.map { partial[$0] }
                }
                tokens = [Int32](repeating: target, count: alive.count)
            }
            for (row, index) in alive.enumerated() { results[index] = partial[row] }
        }
        return results
    }
}

import Foundation

/// Beam search over a batch of sources, with n-best lists and the GNMT length penalty.
///
/// Per sentence and step, every live hypothesis (at most `beamSize`) is extended by every token
/// and the best 2·beamSize candidates by summed log-probability are ranked (ties: lower row,
/// then lower token id). An end token ranked within the first `beamSize` finishes its
/// hypothesis; the first `beamSize` other candidates become the next beam. Finished hypotheses
/// are ranked by score = log P / lp, lp = ((5 + length) / 6)^α with length the steps taken
/// including the end token (Wu et al. 2016, GNMT). A sentence is done when it has `nBest`
/// finished hypotheses and the best live one, scored at its current length, does not beat the
/// n-th of them (exact for α = 0, where log P only falls; a common heuristic for α > 0), when
/// its beam empties, or when it reaches its length limit (live hypotheses then finish without
/// the end token). Beam size 1 returns what `GreedySearch` returns, for any α: candidates of one
/// step share a length, so the penalty does not change their order.
public struct BeamSearch: Codable, Sendable, Equatable {
    /// Hypotheses kept per sentence and step (K).
    public var beamSize: Int
    /// Finished hypotheses returned per sentence, best first (1...beamSize).
    public var nBest: Int
    /// GNMT length-penalty exponent α; 0 ranks by plain log-probability, larger favours longer outputs.
    public var lengthPenalty: Float
    /// Special tokens and length limits.
    public var options: DecodingOptions

    public init(beamSize: Int = 5, nBest: Int = 1, lengthPenalty: Float = 0, options: DecodingOptions = DecodingOptions()) {
        self.beamSize = beamSize
        self.nBest = nBest
        self.lengthPenalty = lengthPenalty
        self.options = options
    }

    /// The GNMT penalty for a hypothesis of `length` steps.
    public func penalty(length: Int) -> Float {
        lengthPenalty == 0 ? 1 : Float(pow((5 + Double(length)) / 6, Double(lengthPenalty)))
    }

    /// The n-best list of each source, in source order, best first.
    public func search<Model: StepwiseDecoder>(_ model: Model, sources: [[Int]]) throws -> [[Hypothesis]] {
        let v = model.vocabularySize
        try options.validate(vocabularySize: v)
        guard beamSize >= 1, (1...beamSize).contains(nBest) else {
            throw DecodingError.invalidOptions("beam size \(beamSize) and n-best \(nBest) need 1 ≤ n-best ≤ beam size")
        }
        guard lengthPenalty.isFinite else {
            throw DecodingError.invalidOptions("the length penalty must be a finite number")
        }
        guard !sources.isEmpty else { return [] }

        var finished = [[Hypothesis]](repeating: [], count: sources.count)
        var state = try model.encode(sources: sources)
        var history = SearchHistory()
        var output = DecoderStepOutput()
        // The current rows, grouped by sentence in source order: beams[k] holds sentence
        // beams[k].sentence's live hypotheses as (row, summed log-probability).
        var beams = sources.indices.map { Beam(sentence: $0, rows: [$0], scores: [0]) }
        var previous = [Int](repeating: options.beginToken, count: sources.count)
        let maxLengths = sources.map { options.maxLength(sourceLength: $0.count) }

        while !beams.isEmpty {
            let t = try history.runStep(model, &state, previousTokens: previous, output: &output)
            var nextBeams: [Beam] = []
            var selectedRows: [Int] = []
            var nextTokens: [Int] = []
            for beam in beams {
                let s = beam.sentence
                let candidates = topCandidates(beam, output.logProbabilities, vocabularySize: v,
                                               allowingEnd: t >= options.minLength)
                var next = Beam(sentence: s, rows: [], scores: [])
                var nextTokensHere: [Int] = []
                for (rank, c) in candidates.enumerated() {
                    if c.token == options.endToken {
                        guard rank < beamSize else { continue }
                        finished[s].append(history.hypothesis(
                            row: c.row, token: c.token, endToken: options.endToken, logProbability: c.score,
                            score: c.score / penalty(length: t + 1), sourceLength: sources[s].count))
                    } else if next.rows.count < beamSize {
                        next.rows.append(c.row)
                        next.scores.append(c.score)
                        nextTokensHere.append(c.token)
                    }
                }
                if t + 1 >= maxLengths[s] {
                    for (k, row) in next.rows.enumerated() {
                        finished[s].append(history.hypothesis(
                            row: row, token: nextTokensHere[k], endToken: options.endToken,
                            logProbability: next.scores[k], score: next.scores[k] / penalty(length: t + 1),
                            sourceLength: sources[s].count))
                    }
                    continue
                }
                if isDone(finished[s], bestLive: next.scores.first, length: t + 1) { continue }
                // Rows are renumbered: the next step's rows are this list, in order.
                next.rows = next.rows.map { row in
                    selectedRows.append(row)
                    return selectedRows.count - 1
                }
                nextTokens += nextTokensHere
                nextBeams.append(next)
            }
            guard !nextBeams.isEmpty else { break }
            try model.selectRows(&state, rows: selectedRows)
            history.recordSelection(tokens: nextTokens, parents: selectedRows)
            beams = nextBeams
            previous = nextTokens
        }
        return finished.map { list in
            Array(list.enumerated().sorted { a, b in
                a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
            }.prefix(nBest).map(\.element))
        }
    }

    /// One sentence's live hypotheses: their rows in the current model state and summed scores.
    private struct Beam {
        var sentence: Int
        var rows: [Int]
        var scores: [Float]
    }

    private struct Candidate {
        var row: Int
        var token: Int
        var score: Float
    }

    /// Whether a sentence can stop: enough finished hypotheses, none of which the best live
    /// hypothesis (scored at its current length) would displace.
    private func isDone(_ finished: [Hypothesis], bestLive: Float?, length: Int) -> Bool {
        guard let live = bestLive else { return true }
        guard finished.count >= nBest else { return false }
        let nth = finished.map(\.score).sorted(by: >)[nBest - 1]
        return nth >= live / penalty(length: length)
    }

    /// The best 2·beamSize extensions of a beam, best first; ties go to the lower row, then
    /// the lower token id. Non-finite scores (masked tokens, NaN) are never candidates.
    private func topCandidates(_ beam: Beam, _ logProbabilities: [Float], vocabularySize v: Int,
                               allowingEnd: Bool) -> [Candidate] {
        let limit = 2 * beamSize
        // A small sorted list is enough: limit is ~10 against K·V of tens of thousands.
        var top: [Candidate] = []
        top.reserveCapacity(limit + 1)
        logProbabilities.withUnsafeBufferPointer { p in
            for (row, base) in zip(beam.rows, beam.scores) {
                let offset = row * v
                for token in 0..<v {
                    if !allowingEnd && token == options.endToken { continue }
                    let score = base + p[offset + token]
                    guard score.isFinite else { continue }
                    if top.count == limit, let last = top.last, !(score > last.score) { continue }
                    var i = top.count
                    while i > 0, score > top[i - 1].score { i -= 1 }
                    top.insert(Candidate(row: row, token: token, score: score), at: i)
                    if top.count > limit { top.removeLast() }
                }
            }
        }
        return top
    }
}

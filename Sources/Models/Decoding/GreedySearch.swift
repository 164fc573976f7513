/// Greedy decoding: each hypothesis takes its most probable next token (the lowest id on ties)
/// until it emits the end token or reaches its length limit. Batched: finished sentences leave
/// the model state, so the model computes only the rows still running.
public struct GreedySearch: Codable, Sendable, Equatable {
    /// Special tokens and length limits.
    public var options: DecodingOptions

    public init(options: DecodingOptions = DecodingOptions()) {
        self.options = options
    }

    /// One hypothesis per source, in source order; its score is its log-probability.
    public func search<Model: StepwiseDecoder>(_ model: Model, sources: [[Int]]) throws -> [Hypothesis] {
        let v = model.vocabularySize
        try options.validate(vocabularySize: v)
        var results = [Hypothesis?](repeating: nil, count: sources.count)
        guard !sources.isEmpty else { return [] }
        var state = try model.encode(sources: sources)
        var history = SearchHistory()
        var output = DecoderStepOutput()
        // Row i of the current step belongs to sentence sentenceOf[i] and has scored score[i].
        var sentenceOf = Array(sources.indices)
        var scores = [Float](repeating: 0, count: sources.count)
        var previous = [Int](repeating: options.beginToken, count: sources.count)
        let maxLengths = sources.map { options.maxLength(sourceLength: $0.count) }

        while !sentenceOf.isEmpty {
            let n = sentenceOf.count
            let t = try history.runStep(model, &state, previousTokens: previous, output: &output)
            var keep: [Int] = []
            var nextTokens: [Int] = []
            for row in 0..<n {
                let s = sentenceOf[row]
                let token = best(in: output.logProbabilities[(row * v)..<((row + 1) * v)],
                                 allowingEnd: t >= options.minLength)
                let total = scores[row] + output.logProbabilities[row * v + token]
                if token == options.endToken || t + 1 >= maxLengths[s] {
                    results[s] = history.hypothesis(
                        row: row, token: token, endToken: options.endToken, logProbability: total,
                        score: total, sourceLength: sources[s].count)
                } else {
                    keep.append(row)
                    nextTokens.append(token)
                    scores[row] = total
                }
            }
            guard !keep.isEmpty else { break }
            if keep.count < n { try model.selectRows(&state, rows: keep) }
            history.recordSelection(tokens: nextTokens, parents: keep)
            sentenceOf = keep.map { sentenceOf[$0] }
            scores = keep.map { scores[$0] }
            previous = nextTokens
        }
        return results.map { $0 ?? Hypothesis(tokens: [], logProbability: 0, score: 0, endedWithEndToken: false, attention: []) }
    }

    /// The argmax of one row, skipping the end token when it is not yet allowed.
    private func best(in row: ArraySlice<Float>, allowingEnd: Bool) -> Int {
        var bestToken = -1
        var bestValue = -Float.infinity
        for (token, value) in zip(0..., row) where allowingEnd || token != options.endToken {
            if bestToken < 0 || value > bestValue {
                bestToken = token
                bestValue = value
            }
        }
        return max(bestToken, 0)
    }
}

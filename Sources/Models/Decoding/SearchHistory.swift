/// Back-pointers of a batched search, from which finished hypotheses are read back.
///
/// Step t's rows are the model-state rows at step t. For t ≥ 1 each row records the token its
/// hypothesis emitted last and its parent row at step t − 1; the attention the model produced at
/// step t is kept per row. A hypothesis is rebuilt by following parents back to step 0.
struct SearchHistory {
    /// tokens[t][row]: token fed to the model for `row` at step t (empty at t = 0: begin token).
    private var tokens: [[Int]] = [[]]
    /// parents[t][row]: the row at step t − 1 this row extends.
    private var parents: [[Int]] = [[]]
    /// attention[t]: (N_t, S) weights produced at step t; empty rows when the model has none.
    private var attention: [[Float]] = []
    private var width = 0

    /// Step index of the rows the model will see next.
    var step: Int { tokens.count - 1 }

    /// Runs the model on the current rows, checks the sizes of what it wrote and keeps its
    /// attention; returns the step index t (output tokens each row has so far).
    mutating func runStep<Model: StepwiseDecoder>(
        _ model: Model, _ state: inout Model.State, previousTokens: [Int], output: inout DecoderStepOutput
    ) throws -> Int {
        let n = previousTokens.count, v = model.vocabularySize
        try model.decodeStep(&state, previousTokens: previousTokens, output: &output)
        guard output.logProbabilities.count == n * v else {
            throw DecodingError.modelOutputSize(what: "log-probability", expected: n * v,
                                                got: output.logProbabilities.count)
        }
        try recordAttention(of: output, rows: n)
        return step
    }

    /// Stores the attention of the step just run (checked against the row count).
    private mutating func recordAttention(of output: DecoderStepOutput, rows: Int) throws(DecodingError) {
        if output.attentionWidth > 0 {
            guard output.attention.count == rows * output.attentionWidth else {
                throw .modelOutputSize(what: "attention", expected: rows * output.attentionWidth,
                                       got: output.attention.count)
            }
        }
        width = output.attentionWidth
        attention.append(width > 0 ? output.attention : [])
    }

    /// Opens the next step: its rows extend `parents` (rows of this step) with `tokens`.
    mutating func recordSelection(tokens newTokens: [Int], parents newParents: [Int]) {
        tokens.append(newTokens)
        parents.append(newParents)
    }

    /// The hypothesis that row `row` of the current step makes by choosing `token` now (an end
    /// token is dropped from the tokens, its attention row kept).
    func hypothesis(
        row: Int, token: Int, endToken: Int, logProbability: Float, score: Float, sourceLength: Int
    ) -> Hypothesis {
        let t = step
        var reversedTokens: [Int] = []
        var reversedAttention: [[Float]] = []
        let columns = min(width, sourceLength)
        func attentionRow(step k: Int, row r: Int) -> [Float] {
            guard columns > 0, k < attention.count else { return [] }
            return Array(attention[k][(r * width)..<(r * width + columns)])
        }
        let ended = token == endToken
        if !ended { reversedTokens.append(token) }
        reversedAttention.append(attentionRow(step: t, row: row))
        var r = row
        var k = t
        while k >= 1 {
            reversedTokens.append(tokens[k][r])
            let parent = parents[k][r]
            reversedAttention.append(attentionRow(step: k - 1, row: parent))
            r = parent
            k -= 1
        }
        return Hypothesis(
            tokens: reversedTokens.reversed(), logProbability: logProbability, score: score,
            endedWithEndToken: ended,
            attention: columns > 0 ? reversedAttention.reversed() : [])
    }
}

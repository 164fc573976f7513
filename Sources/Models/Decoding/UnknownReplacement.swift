/// Unknown-word replacement (Luong et al. 2015, "Addressing the Rare Word Problem"): each output
/// `unknownToken` is replaced by the source token the decoder attended to most while producing
/// it (the first one on ties), so names and numbers outside the target vocabulary are copied.
///
/// - Parameters:
///   - output: output tokens (words), as `Hypothesis.tokens` spelled by the target vocabulary.
///   - attention: one row of weights over the source per output token (`Hypothesis.attention`);
///     extra rows (the end token's) and weights past the source length are ignored.
///   - source: the source tokens as the model saw them.
/// - Returns: `output` with its unknown tokens replaced; a token without an attention row is kept.
public func replaceUnknowns(
    output: [String], attention: [[Float]], source: [String], unknownToken: String = "<unk>"
) -> [String] {
    var result = output
    for i in result.indices where result[i] == unknownToken && i < attention.count {
        var best: Int? = nil
        for (j, weight) in attention[i].prefix(source.count).enumerated() {
            if let b = best, !(weight > attention[i][b]) { continue }
            if weight.isNaN { continue }
            best = j
        }
        if let b = best { result[i] = source[b] }
    }
    return result
}

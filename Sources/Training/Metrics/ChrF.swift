/// Corpus chrF (Popović 2015) and chrF++ (Popović 2017) computed exactly as sacreBLEU 2.x does.
///
/// Defaults are sacreBLEU's `CHRF()`, printed as "chrF2": character n-grams of orders 1–6 over
/// each segment with all (Python) whitespace removed, no word n-grams, β = 2, cased, and
/// "effective order" averaging: precision and recall are averaged over the orders that both
/// hypothesis and reference have n-grams of, then combined once into F_β. Per segment with
/// several references, the reference giving the best segment F counts. `wordOrder: 2` gives
/// chrF++ (words with one leading or trailing ASCII punctuation mark split off).
public struct ChrF: Sendable {
    /// Largest character n-gram order.
    public var charOrder: Int
    /// Largest word n-gram order; 0 for chrF, 2 for chrF++.
    public var wordOrder: Int
    /// Recall weighs β times as much as precision.
    public var beta: Int
    /// Lowercase both sides (Python's `str.lower()`).
    public var lowercase: Bool
    /// Keep whitespace inside character n-grams.
    public var includeWhitespace: Bool
    /// chrF++.py's ε smoothing (average of per-order F scores) instead of effective order.
    public var epsilonSmoothing: Bool

    public init(
        charOrder: Int = 6, wordOrder: Int = 0, beta: Int = 2, lowercase: Bool = false,
        includeWhitespace: Bool = false, epsilonSmoothing: Bool = false
    ) {
        self.charOrder = charOrder
        self.wordOrder = wordOrder
        self.beta = beta
        self.lowercase = lowercase
        self.includeWhitespace = includeWhitespace
        self.epsilonSmoothing = epsilonSmoothing
    }

    /// "chrF2", "chrF2++", ...: sacreBLEU's name for these options.
    public var name: String { "chrF\(beta)" + String(repeating: "+", count: max(0, wordOrder)) }

    /// Scores `hypotheses` against one or more reference streams, `references[k][i]` being the
    /// k-th reference of hypothesis i.
    public func corpusScore(hypotheses: [String], references: [[String]]) throws(MetricError) -> ChrFScore {
        guard charOrder >= 0, wordOrder >= 0, charOrder + wordOrder > 0 else {
            throw .invalidOption("chrF needs a positive character or word n-gram order")
        }
        guard beta >= 0 else { throw .invalidOption("chrF's beta must not be negative, not \(beta)") }
        try MetricError.validate(hypotheses: hypotheses, references: references)
        var total = [Int](repeating: 0, count: 3 * (charOrder + wordOrder))
        for i in hypotheses.indices {
            let hyp = ngrams(of: hypotheses[i])
            var best: [Int] = []
            var bestF = -1.0
            for stream in references {
                let ref = ngrams(of: stream[i])
                var stats: [Int] = []
                stats.reserveCapacity(total.count)
                for (h, r) in zip(hyp, ref) {
                    // Hypothesis n-grams count only where the reference has some of that order.
                    stats.append(r.isEmpty ? 0 : h.total)
                    stats.append(r.total)
                    stats.append(h.matches(in: r))
                }
                let f = fScore(stats)
                if f > bestF {
                    bestF = f
                    best = stats
                }
            }
            for k in total.indices { total[k] += best[k] }
        }
        return ChrFScore(name: name, score: fScore(total))
    }

    /// F_β in percent from [hyp, ref, match] triples per order, in sacreBLEU's operation order.
    func fScore(_ statistics: [Int]) -> Double {
        let eps = 1e-16
        let factor = beta * beta
        var score = 0.0
        var effective = 0
        var averagePrecision = 0.0
        var averageRecall = 0.0
        for i in 0..<(statistics.count / 3) {
            let nHyp = statistics[3 * i], nRef = statistics[3 * i + 1], nMatch = statistics[3 * i + 2]
            let precision = nHyp > 0 ? Double(nMatch) / Double(nHyp) : eps
            let recall = nRef > 0 ? Double(nMatch) / Double(nRef) : eps
            let denominator = Double(factor) * precision + recall
            score += denominator > 0 ? Double(1 + factor) * precision * recall / denominator : eps
            if nHyp > 0 && nRef > 0 {
                averagePrecision += precision
                averageRecall += recall
                effective += 1
            }
        }
        if epsilonSmoothing { return 100 * score / Double(statistics.count / 3) }
        if effective == 0 {
            averagePrecision = 0
            averageRecall = 0
        } else {
            averagePrecision /= Double(effective)
            averageRecall /= Double(effective)
        }
        guard averagePrecision + averageRecall != 0 else { return 0 }
        var f = Double(1 + factor) * averagePrecision * averageRecall
        f /= Double(factor) * averagePrecision + averageRecall
        return 100 * f
    }

    /// Character n-gram counts for orders 1...charOrder, then word n-gram counts keyed by their
    /// spelling, so both kinds share one type.
    private func ngrams(of segment: String) -> [NGramCounts<Unicode.Scalar>] {
        var text = Array(segment.unicodeScalars)
        if lowercase { text = PythonText.lower(text) }
        let chars = includeWhitespace ? text : Array(PythonText.split(text).joined())
        var result = (0..<charOrder).map { NGramCounts(chars, order: $0 + 1) }
        if wordOrder > 0 {
            let words = splittingPunctuation(PythonText.split(text))
            for n in 1...wordOrder { result.append(wordNGrams(words, order: n)) }
        }
        return result
    }

    /// Word n-grams keyed by their spelling with single spaces ("a b"), as sacreBLEU joins them.
    private func wordNGrams(_ words: [[Unicode.Scalar]], order n: Int) -> NGramCounts<Unicode.Scalar> {
        var counts = NGramCounts<Unicode.Scalar>()
        guard words.count >= n else { return counts }
        for i in 0...(words.count - n) {
            let joined = Array(words[i..<(i + n)].joined(separator: [" "]))
            counts.add(joined[...])
        }
        return counts
    }

    /// sacreBLEU's chrF++ word splitting: a word of two or more characters loses one trailing
    /// ASCII punctuation mark, or else one leading one, as a separate word.
    private func splittingPunctuation(_ words: [[Unicode.Scalar]]) -> [[Unicode.Scalar]] {
        var out: [[Unicode.Scalar]] = []
        for w in words {
            guard w.count > 1, let first = w.first, let last = w.last else {
                out.append(w)
                continue
            }
            if isPunctuation(last) {
                out.append(Array(w.dropLast()))
                out.append([last])
            } else if isPunctuation(first) {
                out.append([first])
                out.append(Array(w.dropFirst()))
            } else {
                out.append(w)
            }
        }
        return out
    }

    /// Python's `string.punctuation`: the 32 ASCII symbols.
    private func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        default: return false
        }
    }
}

/// A chrF score, printed as sacreBLEU prints it ("chrF2 = 55.12").
public struct ChrFScore: Sendable, Equatable, CustomStringConvertible {
    /// "chrF2" or "chrF2++" etc.
    public var name: String
    /// F_β on the 0–100 scale.
    public var score: Double

    public var description: String { formatted(width: 2) }

    /// The same line with the score printed to `width` decimals.
    public func formatted(width: Int) -> String {
        "\(name) = \(PythonText.fixed(score, digits: width))"
    }
}

import Foundation

/// Corpus BLEU (Papineni et al. 2002) computed exactly as sacreBLEU 2.x does.
///
/// The defaults are sacreBLEU's `BLEU()`: 13a tokenization, cased, n-grams up to 4, smoothing
/// `exp` (mteval-v13a: the k-th order with no match counts as 1/2^k of a match), no effective
/// order, brevity penalty against the closest reference length (the shorter on ties). Segments
/// are right-stripped of Python whitespace, lowercased on request, tokenized; clipped n-gram
/// matches against the per-n-gram maximum over references are summed over the corpus, then
///
///     BLEU = BP · exp(Σₙ log pₙ / N),   BP = exp(1 − r/c) if c < r, else 1
///
/// with the order of floating-point operations sacreBLEU uses, so scores agree to the last bit
/// on the fixtures in Tests/Fixtures/bleu (and the printed string always).
public struct BLEU: Sendable {
    /// How n-gram orders without matches are scored (Chen & Cherry 2014 numbering in comments).
    public enum Smoothing: Sendable, Equatable {
        /// No smoothing: one order without matches makes the score 0.
        case none
        /// Method 1: an order without matches gets `value` matches (sacreBLEU's default 0.1).
        case floor(Double)
        /// Method 2: `value` is added to matches and totals of orders 2 and up (default 1).
        case addK(Double)
        /// Method 3, mteval-v13a's (sacreBLEU's default): the k-th order without matches gets
        /// precision 1 / (2^k · total).
        case exponential

        /// sacreBLEU's name: `none`, `floor`, `add-k`, `exp`.
        public var name: String {
            switch self {
            case .none: return "none"
            case .floor: return "floor"
            case .addK: return "add-k"
            case .exponential: return "exp"
            }
        }
    }

    /// Lowercase hypotheses and references (Python's `str.lower()`) before tokenizing.
    public var lowercase: Bool
    /// Treatment of n-gram orders without matches.
    public var smoothing: Smoothing
    /// Largest n-gram order (4 in BLEU-4).
    public var maxOrder: Int
    /// Average only over the orders up to the last one the hypotheses have n-grams of; meant for
    /// sentence-level BLEU, off for corpus BLEU as in sacreBLEU.
    public var effectiveOrder: Bool

    public init(
        lowercase: Bool = false, smoothing: Smoothing = .exponential, maxOrder: Int = 4,
        effectiveOrder: Bool = false
    ) {
        self.lowercase = lowercase
        self.smoothing = smoothing
        self.maxOrder = maxOrder
        self.effectiveOrder = effectiveOrder
    }

    /// Scores `hypotheses` against one or more reference streams, `references[k][i]` being the
    /// k-th reference of hypothesis i.
    public func corpusScore(hypotheses: [String], references: [[String]]) throws(MetricError) -> BLEUScore {
        score(try corpusStatistics(hypotheses: hypotheses, references: references))
    }

    /// The summed sufficient statistics of the corpus, to score now or merge with others.
    public func corpusStatistics(hypotheses: [String], references: [[String]]) throws(MetricError)
        -> BLEUStatistics
    {
        guard maxOrder >= 1 else { throw .invalidOption("the BLEU n-gram order must be at least 1, not \(maxOrder)") }
        try MetricError.validate(hypotheses: hypotheses, references: references)
        var vocabulary: [[Unicode.Scalar]: Int] = [:]
        var total = BLEUStatistics(order: maxOrder)
        for i in hypotheses.indices {
            let hyp = ids(of: hypotheses[i], vocabulary: &vocabulary)
            var refLengths: [Int] = []
            var refCounts = [NGramCounts<Int>](repeating: NGramCounts(), count: maxOrder)
            for stream in references {
                let ref = ids(of: stream[i], vocabulary: &vocabulary)
                refLengths.append(ref.count)
                for n in 1...maxOrder { refCounts[n - 1].formMaximum(NGramCounts(ref, order: n)) }
            }
            total.hypothesisLength += hyp.count
            total.referenceLength += closest(to: hyp.count, among: refLengths)
            for n in 1...maxOrder {
                let h = NGramCounts(hyp, order: n)
                total.totals[n - 1] += h.total
                total.matches[n - 1] += h.matches(in: refCounts[n - 1])
            }
        }
        return total
    }

    /// The score from summed statistics, following sacreBLEU's `compute_bleu` step by step.
    public func score(_ statistics: BLEUStatistics) -> BLEUScore {
        let c = statistics.hypothesisLength
        let r = statistics.referenceLength
        var bp = 1.0
        if c < r {
            bp = c > 0 ? exp(1 - Double(r) / Double(c)) : 0.0
        }
        let order = statistics.matches.count
        var precisions = [Double](repeating: 0, count: order)
        var result = BLEUScore(
            score: 0, matches: statistics.matches, totals: statistics.totals, precisions: precisions,
            brevityPenalty: bp, hypothesisLength: c, referenceLength: r)
        // sacreBLEU returns 0 straight away when nothing matches at all (its issue #141).
        guard statistics.matches.contains(where: { $0 != 0 }) else { return result }

        var smoothMteval = 1.0
        var effective = order
        for n in 1...order {
            var correct = Double(statistics.matches[n - 1])
            var total = Double(statistics.totals[n - 1])
            if case let .addK(k) = smoothing, n > 1 {
                correct += k
                total += k
            }
            if total == 0 { break }
            if effectiveOrder { effective = n }
            if correct == 0 {
                switch smoothing {
                case .exponential:
                    smoothMteval *= 2
                    precisions[n - 1] = 100.0 / (smoothMteval * total)
                case let .floor(value):
                    precisions[n - 1] = 100.0 * value / total
                case .none, .addK:
                    break
                }
            } else {
                precisions[n - 1] = 100.0 * correct / total
            }
        }
        // Python's sum(): left to right from 0; log 0 is floored to −9999999999 as sacreBLEU's
        // my_log does, which drives the score to 0 rather than to NaN.
        var sumOfLogs = 0.0
        for p in precisions[..<effective] { sumOfLogs += p == 0 ? -9_999_999_999 : log(p) }
        result.score = bp * exp(sumOfLogs / Double(effective))
        result.precisions = precisions
        return result
    }

    /// The 13a tokens of a segment as word ids, interning new words into `vocabulary`. Words are
    /// compared by code points, as Python compares strings.
    private func ids(of segment: String, vocabulary: inout [[Unicode.Scalar]: Int]) -> [Int] {
        var text = PythonText.rstrip(Array(segment.unicodeScalars))
        if lowercase { text = PythonText.lower(text) }
        // Python lowercases before stripping; lower() never creates or removes trailing space.
        return Tokenizer13a().tokens(text).map { word in
            if let id = vocabulary[word] { return id }
            let id = vocabulary.count
            vocabulary[word] = id
            return id
        }
    }

    /// The reference length closest to the hypothesis length, the shorter one on ties.
    private func closest(to length: Int, among lengths: [Int]) -> Int {
        var best = lengths[0]
        for l in lengths.dropFirst() {
            let d = abs(length - l), bestD = abs(length - best)
            if d < bestD || (d == bestD && l < best) { best = l }
        }
        return best
    }
}

/// BLEU's sufficient statistics, summed over segments.
public struct BLEUStatistics: Sendable, Equatable {
    /// Tokens in the hypotheses (c).
    public var hypothesisLength = 0
    /// Sum of the closest reference lengths (r).
    public var referenceLength = 0
    /// Clipped n-gram matches, index n−1 for order n.
    public var matches: [Int]
    /// Hypothesis n-grams, index n−1 for order n.
    public var totals: [Int]

    public init(order: Int) {
        matches = Array(repeating: 0, count: order)
        totals = Array(repeating: 0, count: order)
    }

    public static func + (a: BLEUStatistics, b: BLEUStatistics) -> BLEUStatistics {
        var s = a
        s.hypothesisLength += b.hypothesisLength
        s.referenceLength += b.referenceLength
        for n in s.matches.indices where n < b.matches.count {
            s.matches[n] += b.matches[n]
            s.totals[n] += b.totals[n]
        }
        return s
    }
}

/// A BLEU score and the figures sacreBLEU prints beside it.
public struct BLEUScore: Sendable, Equatable, CustomStringConvertible {
    /// BLEU on the 0–100 scale.
    public var score: Double
    /// Clipped n-gram matches per order (before any add-k smoothing).
    public var matches: [Int]
    /// Hypothesis n-grams per order (before any add-k smoothing).
    public var totals: [Int]
    /// Precisions in percent after smoothing, as sacreBLEU reports them.
    public var precisions: [Double]
    public var brevityPenalty: Double
    public var hypothesisLength: Int
    public var referenceLength: Int

    /// Hypothesis length over reference length, 0 without reference tokens (as sacreBLEU).
    public var ratio: Double {
        referenceLength == 0 ? 0 : Double(hypothesisLength) / Double(referenceLength)
    }

    /// sacreBLEU's `str(score)`: `BLEU = 35.12 67.1/43.2/28.0/19.0 (BP = 1.000 ratio = 1.012
    /// hyp_len = 1234 ref_len = 1219)`.
    public var description: String { formatted(width: 2) }

    /// The same line with the score printed to `width` decimals (sacreBLEU's `--width`).
    public func formatted(width: Int) -> String {
        let p = precisions.map { PythonText.fixed($0, digits: 1) }.joined(separator: "/")
        return "BLEU = \(PythonText.fixed(score, digits: width)) \(p) "
            + "(BP = \(PythonText.fixed(brevityPenalty, digits: 3)) "
            + "ratio = \(PythonText.fixed(ratio, digits: 3)) "
            + "hyp_len = \(hypothesisLength) ref_len = \(referenceLength))"
    }
}

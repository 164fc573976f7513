import Foundation
import Support
import Text

/// Fill-in-the-blank evaluation of one or more models on the same items: for each item, the
/// rank of the answer among the item's candidates, or among all words of the model's vocabulary
/// when the item has none. An item counts only when every model can take it (its words in every
/// vocabulary), so the models are compared on the same items.
public struct FillEvaluation {
    /// Accuracy and reciprocal rank over a set of items.
    public struct Scores: Equatable, Sendable {
        /// Share of items whose answer ranked first.
        public var accuracyAt1: Double
        /// Share of items whose answer ranked in the first five.
        public var accuracyAt5: Double
        /// Mean of 1/rank.
        public var meanReciprocalRank: Double
        public var count: Int

        public init(ranks: [Int]) {
            let n = Double(max(ranks.count, 1))
            accuracyAt1 = Double(ranks.filter { $0 == 1 }.count) / n
            accuracyAt5 = Double(ranks.filter { $0 <= 5 }.count) / n
            meanReciprocalRank = ranks.reduce(0) { $0 + 1 / Double($1) } / n
            count = ranks.count
        }
    }

    /// The items evaluated (those every model could take), in file order.
    public private(set) var items: [ClozeItem] = []
    /// Per model, the answer's rank on each of `items`.
    public private(set) var ranks: [[Int]]
    /// Lines that could not be evaluated, with the reason.
    public private(set) var problems: [ClozeItemProblem] = []

    /// Ranks the answer of every item under every model.
    ///
    /// - Parameters:
    ///   - path: the items file, named in problems.
    ///   - progress: called after each item with the share done.
    public init(models: [any BlankRanker], items candidates: [ClozeItem], path: String,
                progress: ((Double) -> Void)? = nil) {
        ranks = models.map { _ in [] }
        for (done, item) in candidates.enumerated() {
            defer { progress?(Double(done + 1) / Double(candidates.count)) }
            var itemRanks: [Int] = []
            models: for model in models {
                switch Self.rank(item, model) {
                case .success(let rank): itemRanks.append(rank)
                case .failure(let cause):
                    problems.append(ClozeItemProblem(path: path, line: item.line, cause: cause.text))
                    break models
                }
            }
            guard itemRanks.count == models.count else { continue }
            items.append(item)
            for (m, rank) in itemRanks.enumerated() { ranks[m].append(rank) }
        }
    }

    /// Given ranks (per model, per item) without items: for tests of the statistics.
    init(ranks: [[Int]]) {
        self.ranks = ranks
    }

    /// The scores of model `m` over all items.
    public func scores(model m: Int) -> Scores {
        Scores(ranks: ranks[m])
    }

    /// The scores of model `m` per value of `key` (e.g. distance), keys ascending.
    public func breakdown<Key: Comparable & Hashable>(model m: Int, by key: (ClozeItem) -> Key?) -> [(key: Key, scores: Scores)] {
        var groups: [Key: [Int]] = [:]
        for (item, rank) in zip(items, ranks[m]) {
            if let k = key(item) { groups[k, default: []].append(rank) }
        }
        return groups.keys.sorted().map { ($0, Scores(ranks: groups[$0] ?? [])) }
    }

    /// Two models' accuracy@1 compared item by item: the items only one of them got right, and
    /// how likely a split at least this uneven would be if neither model were better.
    public struct PairedComparison: Equatable, Sendable {
        /// Items the first model got right and the second wrong.
        public var onlyFirst: Int
        /// Items the second model got right and the first wrong.
        public var onlySecond: Int
        /// Items both models ranked.
        public var items: Int
        /// Exact two-sided McNemar p-value: the sign test on the items only one got right.
        public var pValue: Double

        public init(onlyFirst: Int, onlySecond: Int, items: Int) {
            precondition(items >= onlyFirst + onlySecond, "more discordant items than items")
            self.onlyFirst = onlyFirst
            self.onlySecond = onlySecond
            self.items = items
            pValue = Self.exactTwoSidedP(onlyFirst, onlySecond)
        }

        /// The first model's accuracy@1 minus the second's, (b − c) / n.
        public var difference: Double {
            items == 0 ? 0 : Double(onlyFirst - onlySecond) / Double(items)
        }

        /// The 95% confidence interval of `difference` for paired items (Wald): the difference
        /// ± 1.96 · √(b + c − (b − c)²/n) / n, where b and c are the items only one model got
        /// right. It says how far the difference could move with another draw of as many items.
        public var interval: ClosedRange<Double> {
            guard items > 0 else { return 0...0 }
            let n = Double(items), b = Double(onlyFirst), c = Double(onlySecond)
            let halfWidth = 1.959963984540054 * (max(0, b + c - (b - c) * (b - c) / n)).squareRoot() / n
            return (difference - halfWidth)...(difference + halfWidth)
        }

        /// 2 · P(X ≤ min(b, c)) for X ~ Binomial(b + c, ½), capped at 1; 1 when b + c = 0.
        /// Terms are built in log space (C(n, k+1) = C(n, k) · (n−k)/(k+1)), so thousands of
        /// items neither overflow nor underflow.
        static func exactTwoSidedP(_ b: Int, _ c: Int) -> Double {
            let n = b + c
            guard n > 0 else { return 1 }
            var logTerm = Double(n) * log(0.5)   // ln(C(n, 0) / 2ⁿ)
            var total = 0.0
            for k in 0...min(b, c) {
                total += exp(logTerm)
                logTerm += log(Double(n - k)) - log(Double(k + 1))
            }
            return min(1, 2 * total)
        }
    }

    /// Model `a` against model `b` on accuracy@1, item by item.
    public func paired(_ a: Int, _ b: Int) -> PairedComparison {
        var onlyA = 0, onlyB = 0
        for (ra, rb) in zip(ranks[a], ranks[b]) {
            if ra == 1 && rb != 1 { onlyA += 1 }
            if rb == 1 && ra != 1 { onlyB += 1 }
        }
        return PairedComparison(onlyFirst: onlyA, onlySecond: onlyB, items: min(ranks[a].count, ranks[b].count))
    }

    struct Cause: Error { var text: String }

    /// The answer's rank for one item under one model, or why the item cannot be ranked.
    static func rank(_ item: ClozeItem, _ model: any BlankRanker) -> Result<Int, Cause> {
        func word(_ token: String, _ role: String) -> Result<Int, Cause> {
            guard let id = model.vocabulary.existingID(for: token), !model.vocabulary.isSpecial(id) else {
                return .failure(Cause(text: "\(role) \(QuotedText.quote(token)) is not a word of the vocabulary of \(model.folder)"))
            }
            return .success(id)
        }
        let sentence: BlankedSentence
        do { sentence = try BlankedSentence(item.sentence, run: model) } catch {
            return .failure(Cause(text: "\(error)"))
        }
        guard let blank = sentence.blankIndices.first, sentence.blankIndices.count == 1 else {
            return .failure(Cause(text: "the sentence must have exactly one blank"))
        }
        let context = sentence.context(ofBlankAt: blank)
        let answer: Int
        switch word(item.answer, "the answer") {
        case .success(let id): answer = id
        case .failure(let cause): return .failure(cause)
        }
        guard let candidates = item.candidates else { return .success(model.rank(of: answer, in: context)) }
        var ids: [Int] = []
        for token in candidates {
            switch word(token, "the candidate") {
            case .success(let id): ids.append(id)
            case .failure(let cause): return .failure(cause)
            }
        }
        let scores = model.scores(context, candidates: ids)
        guard let target = ids.firstIndex(of: answer).map({ scores[$0] }) else {
            return .failure(Cause(text: "the answer \(QuotedText.quote(item.answer)) is not among the candidates"))
        }
        return .success(1 + scores.filter { $0 > target }.count)
    }
}

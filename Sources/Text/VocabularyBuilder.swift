/// Counts tokens as they stream by and turns the counts into a `Vocabulary`.
///
/// The result depends only on the counts: specials first (`<pad>`, `<unk>`, `<bos>`, `<eos>`,
/// then extra specials in the order asked), then tokens by count descending, ties broken by
/// code-point order, so the same corpus always gives the same file. A corpus that spells a
/// special (the Penn Treebank writes `<unk>`) adds to that special's count.
public struct VocabularyBuilder: Sendable {
    /// Count of each distinct token seen.
    public private(set) var counts: [String: Int] = [:]
    /// Tokens seen in all.
    public private(set) var tokenCount = 0

    public init() {}

    @inline(__always)
    public mutating func add(_ token: String) {
        counts[token, default: 0] += 1
        tokenCount += 1
    }

    /// Adds `count` occurrences of `token` at once (counts gathered elsewhere).
    public mutating func add(_ token: String, count: Int) {
        guard count > 0 else { return }
        counts[token, default: 0] += count
        tokenCount += count
    }

    public mutating func add(contentsOf tokens: [String]) {
        for token in tokens { add(token) }
    }

    /// The vocabulary of the counted tokens.
    /// - Parameters:
    ///   - minimumCount: tokens seen fewer times are left out (specials are always in).
    ///   - maximumSize: the most entries, specials included; the least frequent go first.
    ///   - extraSpecials: specials after the fixed four, e.g. `<blank>`.
    public func build(minimumCount: Int = 1, maximumSize: Int? = nil, extraSpecials: [String] = []) throws -> Vocabulary {
        var specials = Vocabulary.fixedSpecials
        for special in extraSpecials where !specials.contains(special) {
            guard Vocabulary.isSpecialSpelling(special) else { throw VocabularyError.badSpecial(token: special) }
            specials.append(special)
        }
        if let maximumSize, maximumSize < specials.count {
            throw VocabularyError.maxSizeTooSmall(maxSize: maximumSize, specials: specials.count)
        }
        let specialSet = Set(specials)
        var ordinary = counts.filter { $0.value >= minimumCount && !specialSet.contains($0.key) }
            .map { (token: $0.key, count: $0.value) }
        ordinary.sort { a, b in
            a.count != b.count ? a.count > b.count : a.token.utf8.lexicographicallyPrecedes(b.token.utf8)
        }
        if let maximumSize {
            ordinary = Array(ordinary.prefix(maximumSize - specials.count))
        }
        let tokens = specials + ordinary.map(\.token)
        let tokenCounts = specials.map { counts[$0] ?? 0 } + ordinary.map(\.count)
        return try Vocabulary(tokens: tokens, counts: tokenCounts)
    }

    /// Share of the counted tokens that `vocabulary` holds (a corpus `<unk>` counts as held:
    /// it is the special).
    public func coverage(of vocabulary: Vocabulary) -> Double {
        guard tokenCount > 0 else { return 0 }
        var covered = 0
        for (token, count) in counts where vocabulary.contains(token) { covered += count }
        return Double(covered) / Double(tokenCount)
    }
}

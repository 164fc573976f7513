/// Whether a tokenizer can produce the words of a vocabulary: a vocabulary file given on its own
/// (`--vocab`) says nothing of the tokenizer its text went through, and read with another one
/// (PTB's `'s` and `n't` under ICU word breaks, which cut them in two) the text silently becomes
/// other tokens than the vocabulary's.
public struct TokenizerFit: Equatable, Sendable {
    /// The share of the ordinary words, weighed by their corpus counts (by number where the file
    /// has no counts), that the tokenizer would not give back as they stand: split, joined,
    /// dropped, folded or normalised.
    public var changedShare: Double
    /// The most frequent of those words, at most `Self.exampleCount`.
    public var examples: [String]

    public static let exampleCount = 3
    /// Above this share the vocabulary was most likely built with another tokenizer: with the
    /// same one, every word comes back as it is, bar rare context-dependent word breaks.
    public static let mismatchShare = 0.01

    public var isMismatch: Bool { changedShare > Self.mismatchShare }
}

extension Vocabulary {
    /// How many of this vocabulary's ordinary words `tokenizer` gives back unchanged, each word
    /// tokenized on its own (specials are left out: the tokenizer protects them).
    public func fit(of tokenizer: Tokenizer) throws -> TokenizerFit {
        let weighed = counts[specialCount...].contains { $0 > 0 }
        var total = 0.0, changed = 0.0
        var examples: [String] = []
        // Ids run from the most frequent word down, so the first changed words are the examples.
        for id in specialCount..<count {
            let weight = weighed ? Double(counts[id]) : 1
            total += weight
            let token = tokens[id]
            let pieces = try tokenizer.tokenize(token)
            guard pieces.count != 1 || pieces[0] != token else { continue }
            changed += weight
            if examples.count < TokenizerFit.exampleCount { examples.append(token) }
        }
        return TokenizerFit(changedShare: total > 0 ? changed / total : 0, examples: examples)
    }
}

/// What kind of thing a token is. White space is never a token: it is dropped while splitting.
public enum TokenClass: String, Codable, CaseIterable, Sendable {
    /// Letters, possibly with digits, marks, apostrophes or inner periods ("U.S.A", "don't").
    case word
    /// A number as ICU's rules see it, separators included ("3.14", "1,000", "1.000,50").
    case number
    /// Only punctuation characters (general category P*).
    case punctuation
    /// Anything else that is not a word: symbols, emoji, currency signs.
    case symbol
    /// Chinese characters or Japanese kana, segmented by ICU's dictionaries.
    case ideographic
    /// One of the tokenizer's protected tokens (`<unk>` and the like).
    case special
}

/// One token and its class.
public struct Token: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var kind: TokenClass

    public init(_ text: String, _ kind: TokenClass) {
        self.text = text
        self.kind = kind
    }

    public var description: String { "\(text)/\(kind.rawValue)" }
}

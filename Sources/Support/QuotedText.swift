/// User text quoted in a one-line error: cut to its first characters, ending in "…" when cut, so
/// a 400 KB line does not make a 400 KB message.
public enum QuotedText {
    /// Characters shown before the "…".
    public static let limit = 60

    /// `text` between `mark`s, cut to `limit` characters.
    public static func quote(_ text: String, mark: Character = "'", limit: Int = QuotedText.limit) -> String {
        String(mark) + cut(text, limit: limit) + String(mark)
    }

    /// `text` cut to `limit` characters, ending in "…" when cut.
    public static func cut(_ text: String, limit: Int = QuotedText.limit) -> String {
        text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}

/// Everything that decides how text becomes tokens. Stored with a trained model (it is part of
/// what the model saw), so it is Codable and every field has a default.
public struct TokenizerOptions: Codable, Equatable, Sendable {
    /// How a line is cut into tokens.
    public enum Split: String, Codable, CaseIterable, Sendable {
        /// ICU word boundaries (Unicode UAX #29 plus ICU's dictionaries for Chinese, Japanese,
        /// Thai, ...), each token classified from ICU's rule status.
        case icu
        /// Runs of non-white-space characters, for text that is tokenized already (Penn Treebank).
        case whitespace
    }

    /// Unicode normalization applied to the whole line before it is split.
    public enum Normalization: String, Codable, CaseIterable, Sendable {
        /// Leave the text as it is (byte-exact tokens, e.g. for pre-tokenized corpora).
        case none
        /// Canonical composition: the same text always gets the same bytes.
        case nfc
        /// Compatibility composition as well: ligatures, full-width forms, superscripts and
        /// the like become their plain equivalents ("ﬁ" → "fi", "２" → "2").
        case nfkc
    }

    /// How lines are cut into tokens.
    public var split: Split = .icu
    /// Normalization of each line before splitting.
    public var normalization: Normalization = .nfc
    /// Full Unicode case folding (ICU, so "Straße" → "strasse", "ΣΑΣ" → "σασ"), which is what
    /// caseless matching needs; not the same as lowercasing. With `.nfkc` this is ICU's
    /// NFKC_Casefold in one pass, which also drops default-ignorable characters (e.g. U+00AD).
    public var foldsCase = false
    /// Keep punctuation tokens (general category P*). Symbols (`$`, `%`, `+`, emoji) are kept
    /// either way: they carry meaning that punctuation mostly does not.
    public var keepsPunctuation = true
    /// When set, every number token (e.g. `3.14`, `1,000`) is replaced by this string; the
    /// Penn Treebank uses `N`.
    public var numberReplacement: String? = nil
    /// Locale for ICU's break rules and for elision splitting, e.g. `en`, `de`, `fr`, `ja`, `zh`.
    public var locale = "en"
    /// Split elided articles and pronouns off the next word ("l'homme" → "l'" "homme").
    /// nil means: do it where the locale's language asks for it (French, Italian, Catalan).
    public var splitsElision: Bool? = nil
    /// Strings that are always one token, never split nor folded (checked after
    /// normalization): the vocabulary's specials, so a corpus that spells `<unk>` keeps it.
    public var protectedTokens: [String] = ["<pad>", "<unk>", "<bos>", "<eos>"]

    public init(
        split: Split = .icu,
        normalization: Normalization = .nfc,
        foldsCase: Bool = false,
        keepsPunctuation: Bool = true,
        numberReplacement: String? = nil,
        locale: String = "en",
        splitsElision: Bool? = nil,
        protectedTokens: [String] = ["<pad>", "<unk>", "<bos>", "<eos>"]
    ) {
        self.split = split
        self.normalization = normalization
        self.foldsCase = foldsCase
        self.keepsPunctuation = keepsPunctuation
        self.numberReplacement = numberReplacement
        self.locale = locale
        self.splitsElision = splitsElision
        self.protectedTokens = protectedTokens
    }

    /// Pre-tokenized text (Penn Treebank style): split on white space, tokens left byte for byte.
    public static let whitespace = TokenizerOptions(split: .whitespace, normalization: .none)

    /// The language part of `locale`, lowercased: "fr" for "fr_CA" or "fr-CA".
    public var language: String {
        String(locale.prefix { $0 != "-" && $0 != "_" && $0 != "@" }).lowercased()
    }

    /// Whether elision is split for this locale.
    public var effectiveSplitsElision: Bool {
        splitsElision ?? !Elision.prefixes(forLanguage: language).isEmpty
    }

    private enum CodingKeys: String, CodingKey {
        case split, normalization, foldsCase, keepsPunctuation, numberReplacement, locale,
             splitsElision, protectedTokens
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = TokenizerOptions()
        split = try c.decodeIfPresent(Split.self, forKey: .split) ?? defaults.split
        normalization = try c.decodeIfPresent(Normalization.self, forKey: .normalization) ?? defaults.normalization
        foldsCase = try c.decodeIfPresent(Bool.self, forKey: .foldsCase) ?? defaults.foldsCase
        keepsPunctuation = try c.decodeIfPresent(Bool.self, forKey: .keepsPunctuation) ?? defaults.keepsPunctuation
        numberReplacement = try c.decodeIfPresent(String.self, forKey: .numberReplacement)
        locale = try c.decodeIfPresent(String.self, forKey: .locale) ?? defaults.locale
        splitsElision = try c.decodeIfPresent(Bool.self, forKey: .splitsElision)
        protectedTokens = try c.decodeIfPresent([String].self, forKey: .protectedTokens) ?? defaults.protectedTokens
    }
}

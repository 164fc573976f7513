/// Elided articles and pronouns that languages write fused to the next word with an apostrophe
/// ("l'homme", "dell'anno"). ICU keeps such a word whole (UAX #29 treats the apostrophe as part
/// of a word), so the tokenizer splits it after the apostrophe when the part before is one of
/// these (compared case-insensitively, with ' or ’).
enum Elision {
    static func prefixes(forLanguage language: String) -> Set<String> {
        switch language {
        case "fr":
            return ["c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"]
        case "it":
            return ["l", "c", "d", "m", "n", "s", "t", "v", "un", "all", "dall", "dell", "nell", "sull",
                    "coll", "quell", "quest", "bell", "sant", "anch", "com", "dov", "tutt", "nessun"]
        case "ca":
            return ["l", "d", "m", "n", "s", "t"]
        default:
            return []
        }
    }
}

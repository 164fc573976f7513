/// Why a vocabulary could not be loaded or built; one sentence naming the file and line.
public enum VocabularyError: Error, CustomStringConvertible, Equatable, Sendable {
    case empty(path: String)
    case malformedLine(path: String, line: Int, reason: String)
    case duplicate(path: String, line: Int, token: String, firstLine: Int)
    case missingSpecial(path: String, line: Int, expected: String, found: String?)
    case badSpecial(token: String)
    case maxSizeTooSmall(maxSize: Int, specials: Int)

    public var description: String {
        switch self {
        case let .empty(path):
            return "vocabulary \(path) is empty; it must start with the specials \(Vocabulary.fixedSpecials.joined(separator: ", "))"
        case let .malformedLine(path, line, reason):
            return "line \(line) of vocabulary \(path) \(reason); each line must be token<TAB>count"
        case let .duplicate(path, line, token, firstLine):
            return "line \(line) of vocabulary \(path) repeats the token \"\(token)\" of line \(firstLine)"
        case let .missingSpecial(path, line, expected, found):
            let what = found.map { "\"\($0)\"" } ?? "nothing"
            return "line \(line) of vocabulary \(path) must be the special \(expected) (found \(what)); "
                + "a vocabulary starts with \(Vocabulary.fixedSpecials.joined(separator: ", "))"
        case let .badSpecial(token):
            return "\"\(token)\" cannot be a special token: specials are spelled <name> with letters, digits, '_' or '-'"
        case let .maxSizeTooSmall(maxSize, specials):
            return "a maximum vocabulary size of \(maxSize) cannot hold the \(specials) special tokens"
        }
    }
}

/// One short clause for why a JSON document did not decode into a configuration type, naming the
/// field ("'model.hiddenSize' is missing"), instead of Foundation's "The data is missing." or the
/// multi-line debug dump of `DecodingError`.
public enum DecodingProblem {
    public static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        func path(_ keys: [CodingKey], _ last: CodingKey? = nil) -> String {
            let all = keys + (last.map { [$0] } ?? [])
            return all.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingDotsBeforeIndexes()
        }
        switch error {
        case let .keyNotFound(key, context):
            return "'\(path(context.codingPath, key))' is missing"
        case let .valueNotFound(_, context):
            return "'\(path(context.codingPath))' is null"
        case let .typeMismatch(type, context):
            return "'\(path(context.codingPath))' is not \(article(for: type))"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty ? "it is not valid JSON" : "'\(path(context.codingPath))' holds an invalid value"
        @unknown default:
            return "it does not decode"
        }
    }

    static func article(for type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt64.Type: return "a whole number"
        case is Double.Type, is Float.Type: return "a number"
        default: return "of the expected type (\(type))"
        }
    }
}

private extension String {
    /// "layers.[2]" → "layers[2]".
    func replacingDotsBeforeIndexes() -> String {
        var out = ""
        var previous: Character?
        for c in self {
            if c == "[" && previous == "." { out.removeLast() }
            out.append(c)
            previous = c
        }
        return out
    }
}

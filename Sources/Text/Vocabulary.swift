import Support

/// Token ⇄ id mapping. Ids are line numbers of the vocabulary file minus one; the specials
/// come first in a fixed order (`<pad>` 0, `<unk>` 1, `<bos>` 2, `<eos>` 3), then any extra
/// specials (e.g. `<blank>`), then ordinary tokens by count, most frequent first.
///
/// File format: UTF-8, one `token<TAB>count` per line. Extra specials are recognised as the run
/// of `<name>` tokens right after `<eos>`.
public struct Vocabulary: Equatable, Sendable {
    public static let padToken = "<pad>"
    public static let unknownToken = "<unk>"
    public static let beginToken = "<bos>"
    public static let endToken = "<eos>"
    public static let fixedSpecials = [padToken, unknownToken, beginToken, endToken]
    public static let padID = 0
    public static let unknownID = 1
    public static let beginID = 2
    public static let endID = 3

    /// Token of each id.
    public private(set) var tokens: [String]
    /// Corpus count of each id (for specials: how often the corpus spelled them).
    public private(set) var counts: [Int]
    /// Ids below this are specials.
    public private(set) var specialCount: Int
    private var ids: [String: Int]

    /// Builds a vocabulary from tokens in id order. The fixed specials must come first, and no
    /// token may appear twice. Counts default to 0 (missing ones too).
    public init(tokens: [String], counts: [Int]? = nil, name: String = "vocabulary") throws {
        guard !tokens.isEmpty else { throw VocabularyError.empty(path: name) }
        var ids: [String: Int] = [:]
        ids.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() {
            if id < Self.fixedSpecials.count, token != Self.fixedSpecials[id] {
                throw VocabularyError.missingSpecial(path: name, line: id + 1, expected: Self.fixedSpecials[id], found: token)
            }
            if let first = ids[token] {
                throw VocabularyError.duplicate(path: name, line: id + 1, token: token, firstLine: first + 1)
            }
            if token.isEmpty || token.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                throw VocabularyError.malformedLine(path: name, line: id + 1, reason: "has an empty token or one with a tab or line end")
            }
            ids[token] = id
        }
        if tokens.count < Self.fixedSpecials.count {
            throw VocabularyError.missingSpecial(
                path: name, line: tokens.count + 1, expected: Self.fixedSpecials[tokens.count], found: nil)
        }
        self.tokens = tokens
        let given = counts ?? []
        self.counts = (0..<tokens.count).map { $0 < given.count ? given[$0] : 0 }
        self.ids = ids
        var specials = Self.fixedSpecials.count
        while specials < tokens.count && Self.isSpecialSpelling(tokens[specials]) { specials += 1 }
        self.specialCount = specials
    }

    public var count: Int { tokens.count }

    /// The id of `token`, or `unknownID` when it is not in the vocabulary.
    @inline(__always)
    public func id(for token: String) -> Int {
        ids[token] ?? Self.unknownID
    }

    /// The id of `token`, or nil when it is not in the vocabulary.
    public func existingID(for token: String) -> Int? {
        ids[token]
    }

    public func contains(_ token: String) -> Bool {
        ids[token] != nil
    }

    /// The ids of `tokens`, unknown ones mapped to `unknownID`.
    public func ids(for tokens: [String]) -> [Int] {
        tokens.map { ids[$0] ?? Self.unknownID }
    }

    /// The token of `id`, or nil when the id is out of range.
    public func token(for id: Int) -> String? {
        tokens.indices.contains(id) ? tokens[id] : nil
    }

    public func isSpecial(_ id: Int) -> Bool {
        id >= 0 && id < specialCount
    }

    /// `<name>` with ASCII letters, digits, '_' or '-': how specials are spelled.
    public static func isSpecialSpelling(_ token: String) -> Bool {
        let u = Array(token.utf8)
        guard u.count >= 3, u.first == UInt8(ascii: "<"), u.last == UInt8(ascii: ">") else { return false }
        return u.dropFirst().dropLast().allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }
    }

    // MARK: - Files

    /// Loads and checks a vocabulary file.
    public init(contentsOf path: String) throws {
        let reader = try LineReader(path: path)
        var tokens: [String] = []
        var counts: [Int] = []
        var seen: [String: Int] = [:]
        while let line = try reader.nextLine() {
            let number = reader.lineNumber
            guard !line.isEmpty else {
                throw VocabularyError.malformedLine(path: path, line: number, reason: "is empty")
            }
            guard let tab = line.firstIndex(of: 0x09) else {
                throw VocabularyError.malformedLine(path: path, line: number, reason: "has no tab")
            }
            let token = String(decoding: UnsafeBufferPointer(rebasing: line[..<tab]), as: UTF8.self)
            let countBytes = line[(tab + 1)...]
            guard !token.isEmpty else {
                throw VocabularyError.malformedLine(path: path, line: number, reason: "has an empty token")
            }
            guard !countBytes.contains(0x09) else {
                throw VocabularyError.malformedLine(path: path, line: number, reason: "has more than one tab")
            }
            guard !countBytes.isEmpty, countBytes.count <= 18, countBytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw VocabularyError.malformedLine(
                    path: path, line: number, reason: "has a count that is not a whole number")
            }
            let index = tokens.count
            if index < Self.fixedSpecials.count, token != Self.fixedSpecials[index] {
                throw VocabularyError.missingSpecial(path: path, line: number, expected: Self.fixedSpecials[index], found: token)
            }
            if let first = seen[token] {
                throw VocabularyError.duplicate(path: path, line: number, token: token, firstLine: first)
            }
            seen[token] = number
            tokens.append(token)
            counts.append(countBytes.reduce(0) { $0 * 10 + Int($1 - 0x30) })
        }
        guard !tokens.isEmpty else { throw VocabularyError.empty(path: path) }
        try self.init(tokens: tokens, counts: counts, name: path)
    }

    /// The file content: `token<TAB>count` per line.
    public var fileContent: String {
        var text = ""
        for (token, count) in zip(tokens, counts) {
            text += token
            text += "\t"
            text += String(count)
            text += "\n"
        }
        return text
    }

    /// Writes the vocabulary atomically (a reader sees the old file or the new, never a mix).
    public func save(to path: String) throws {
        try AtomicFile.write(fileContent, to: path)
    }
}

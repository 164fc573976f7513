import Foundation
import Models

/// A word-bigram table behind the `NextWordModel` protocol: a demo and testing aid for the REPL
/// (`lstmkit repl --demo-model bigram`, the tmux check, the tests), not a trained language
/// model. The state is the previous word, so it is a value: copying it is free.
///
/// Text is split into lowercase words and single punctuation marks; a text starts as if after
/// an end of sentence, so the first word is predicted from the end-of-sentence row.
public struct BigramModel: NextWordModel {
    /// The previous word's id.
    public typealias State = Int

    /// The vocabulary, id order.
    public let words: [String]
    public let unknownID: Int
    public let endID: Int
    private let ids: [String: Int]
    /// ln P(next | previous), (V, V) row-major: row = previous word.
    private let table: [Float]

    /// A model with explicit probabilities: `probabilities[previous][next]`, rows summing to 1.
    public init(words: [String], probabilities: [[Double]], unknown: String = "<unk>",
                endOfSentence: String = "<eos>") throws {
        var ids: [String: Int] = [:]
        for (id, word) in words.enumerated() where ids[word] == nil { ids[word] = id }
        guard ids.count == words.count else { throw BigramModelError.repeatedWord }
        guard let unknownID = ids[unknown], let endID = ids[endOfSentence] else {
            throw BigramModelError.missingSpecial(unknown: unknown, end: endOfSentence)
        }
        let v = words.count
        var table = [Float](repeating: 0, count: v * v)
        guard probabilities.count == v else { throw BigramModelError.shape(row: nil, count: probabilities.count, expected: v) }
        for (previous, row) in probabilities.enumerated() {
            guard row.count == v else { throw BigramModelError.shape(row: previous, count: row.count, expected: v) }
            let sum = row.reduce(0, +)
            guard abs(sum - 1) <= 1e-6, row.allSatisfy({ $0 >= 0 }) else {
                throw BigramModelError.notADistribution(row: previous, sum: sum)
            }
            for (next, p) in row.enumerated() { table[previous * v + next] = Float(log(p)) }
        }
        self.init(words: words, ids: ids, unknownID: unknownID, endID: endID, table: table)
    }

    private init(words: [String], ids: [String: Int], unknownID: Int, endID: Int, table: [Float]) {
        self.words = words
        self.ids = ids
        self.unknownID = unknownID
        self.endID = endID
        self.table = table
    }

    /// Counts the bigrams of `sentences` (a sentence end after each) with add-`smoothing`
    /// smoothing, so every word has some probability after every other.
    public init(sentences: [String], smoothing: Double = 0.002) {
        var vocabulary = ["<unk>", "<eos>"]
        var ids = ["<unk>": 0, "<eos>": 1]
        var counts: [Int: [Int: Int]] = [:]
        for sentence in sentences {
            var previous = 1
            for word in Self.split(sentence) + ["<eos>"] {
                let id = ids[word] ?? vocabulary.count
                if id == vocabulary.count {
                    ids[word] = id
                    vocabulary.append(word)
                }
                counts[previous, default: [:]][id, default: 0] += 1
                previous = id
            }
        }
        let v = vocabulary.count
        var table = [Float](repeating: 0, count: v * v)
        for previous in 0..<v {
            let row = counts[previous] ?? [:]
            let total = Double(row.values.reduce(0, +)) + smoothing * Double(v)
            for next in 0..<v { table[previous * v + next] = Float(log((Double(row[next] ?? 0) + smoothing) / total)) }
        }
        self.init(words: vocabulary, ids: ids, unknownID: 0, endID: 1, table: table)
    }

    /// The model `--demo-model bigram` drives: a few dozen sentences of market news and
    /// everyday life, enough to make "the stock" predict "market".
    public static let demo = BigramModel(sentences: demoSentences)

    // MARK: NextWordModel

    public var vocabularySize: Int { words.count }
    public var endOfSentenceID: Int? { endID }

    public func word(for id: Int) -> String {
        words.indices.contains(id) ? words[id] : "<\(id)?>"
    }

    public func tokenize(_ text: String) throws -> [PromptToken] {
        Self.split(text).map { word in
            if let id = ids[word] { return PromptToken(text: word, id: id, isUnknown: false) }
            return PromptToken(text: word, id: unknownID, isUnknown: true)
        }
    }

    public func detokenize(_ words: [String]) -> String {
        var text = ""
        for word in words {
            if word == self.words[endID] {
                text += "\n"
                continue
            }
            let attached = text.isEmpty || text.hasSuffix("\n") || Self.closing.contains(word)
            text += (attached ? "" : " ") + word
        }
        return text
    }

    public func makeState() throws -> Int { endID }

    public func copyState(_ state: Int) -> Int { state }

    public func feed(_ ids: [Int], into state: inout Int) throws {
        for id in ids {
            guard words.indices.contains(id) else { throw NextWordModelError.idOutOfRange(id, words.count) }
            state = id
        }
    }

    public func nextWordLogProbabilities(_ state: Int) throws -> [Float] {
        let v = words.count
        return Array(table[state * v ..< (state + 1) * v])
    }

    // MARK: Text

    private static let closing: Set<String> = [".", ",", ";", ":", "!", "?", ")", "%"]

    /// Lowercase words (letters, digits, apostrophes, inner hyphens) and single punctuation marks.
    static func split(_ text: String) -> [String] {
        var tokens: [String] = []
        var word = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "'" || (character == "-" && !word.isEmpty) {
                word.append(character)
                continue
            }
            if !word.isEmpty { tokens.append(word) }
            word = ""
            if !character.isWhitespace { tokens.append(String(character)) }
        }
        if !word.isEmpty { tokens.append(word) }
        return tokens
    }

    static let demoSentences = [
        "the stock market fell sharply in early trading .",
        "the stock market rose after the report .",
        "the stock price of the company rose .",
        "the stock exchange opened late on monday .",
        "the company said its profit rose in the third quarter .",
        "the company reported a loss for the year .",
        "shares of the company fell after the report .",
        "the market closed higher on friday .",
        "investors sold shares as the market fell .",
        "the bank raised interest rates again .",
        "the dollar fell against the yen .",
        "analysts said the market would recover .",
        "the index rose two percent in the week .",
        "bond prices fell as rates rose .",
        "the president of the company resigned .",
        "the board approved the new plan .",
        "the cat sat on the mat .",
        "the dog chased the cat across the garden .",
        "the children played in the garden after school .",
        "she read the report in the morning .",
        "he bought a new car last year .",
        "we walked to the market on saturday .",
        "it rained all day in the city .",
        "the weather was cold and wet .",
        "they opened a small shop in the city .",
        "the shop sold bread and coffee .",
        "the price of coffee rose again .",
        "the government said it would cut taxes .",
        "the new plan would cut costs .",
        "the report said prices would rise .",
    ]
}

/// Why a bigram table was refused.
public enum BigramModelError: Error, CustomStringConvertible, Equatable {
    case repeatedWord
    case missingSpecial(unknown: String, end: String)
    case shape(row: Int?, count: Int, expected: Int)
    case notADistribution(row: Int, sum: Double)

    public var description: String {
        switch self {
        case .repeatedWord:
            return "the bigram vocabulary lists a word twice"
        case .missingSpecial(let unknown, let end):
            return "the bigram vocabulary needs the words \(unknown) and \(end)"
        case .shape(let row, let count, let expected):
            let which = row.map { "row \($0) of the bigram table" } ?? "the bigram table"
            return "\(which) has \(count) entries, but the vocabulary has \(expected) words"
        case .notADistribution(let row, let sum):
            return "row \(row) of the bigram table is not a probability distribution (it sums to \(sum))"
        }
    }
}

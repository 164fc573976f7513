import Foundation
import Support
import Text

/// One fill-in-the-blank item, a line of an items file:
/// `sentence with ___<TAB>answer[<TAB>cand1,cand2,…[<TAB>distance<TAB>attractors<TAB>construction]]`.
/// The last three columns are those of `corpora/toy-en/agreement.tsv`, for a breakdown of the
/// results; an empty candidates column means the whole vocabulary.
public struct ClozeItem: Equatable, Sendable {
    /// Line number in its file (1-based).
    public var line: Int
    /// The sentence with exactly one blank (`___`).
    public var sentence: String
    public var answer: String
    /// The words to rank; nil: every word of the model's vocabulary.
    public var candidates: [String]?
    /// Tokens from the word that decides the answer to the blank (agreement items).
    public var distance: Int?
    /// Nouns between that word and the blank that call for another answer (agreement items).
    public var attractors: Int?
    /// The kind of sentence (agreement items).
    public var construction: String?

    public init(line: Int, sentence: String, answer: String, candidates: [String]? = nil, distance: Int? = nil,
                attractors: Int? = nil, construction: String? = nil) {
        self.line = line
        self.sentence = sentence
        self.answer = answer
        self.candidates = candidates
        self.distance = distance
        self.attractors = attractors
        self.construction = construction
    }

    /// The item as a line of an items file (without the line end).
    public var text: String {
        var fields = [sentence, answer]
        if candidates != nil || distance != nil { fields.append(candidates?.joined(separator: ",") ?? "") }
        if let distance, let attractors {
            fields += [String(distance), String(attractors)] + (construction.map { [$0] } ?? [])
        }
        return fields.joined(separator: "\t")
    }

    /// Reads an items file: the good lines as items, each bad line as a problem naming its line
    /// (the evaluation goes on without them). Empty lines and lines starting with `#` are skipped.
    public static func read(path: String, lossy: Bool = false) throws -> (items: [ClozeItem], problems: [ClozeItemProblem]) {
        let reader = path == "-" ? LineReader(fileDescriptor: 0, name: "<stdin>", lossy: lossy)
                                 : try LineReader(path: path, lossy: lossy)
        var items: [ClozeItem] = []
        var problems: [ClozeItemProblem] = []
        while let line = try reader.readLine() {
            if line.allSatisfy(\.isWhitespace) || line.hasPrefix("#") { continue }
            switch parse(line, number: reader.lineNumber) {
            case .success(let item): items.append(item)
            case .failure(let cause): problems.append(ClozeItemProblem(path: reader.path, line: reader.lineNumber, cause: cause.text))
            }
        }
        return (items, problems)
    }

    struct Cause: Error { var text: String }

    static func parse(_ line: String, number: Int) -> Result<ClozeItem, Cause> {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 2, fields.count <= 6 else {
            return .failure(Cause(text: "has \(fields.count) tab-separated fields; an item is sentence<TAB>answer[<TAB>candidates[<TAB>distance<TAB>attractors<TAB>construction]]"))
        }
        let sentence = fields[0], answer = fields[1].trimmingCharacters(in: .whitespaces)
        let blanks = BlankedSentence.pieces(of: sentence).count - 1
        guard blanks == 1 else {
            return .failure(Cause(text: blanks == 0 ? "the sentence has no blank (write it as \(BlankedSentence.marker))"
                                                    : "the sentence has \(blanks) blanks; an item has exactly one"))
        }
        guard !answer.isEmpty else { return .failure(Cause(text: "the answer is empty")) }
        var item = ClozeItem(line: number, sentence: sentence, answer: answer)
        if fields.count >= 3, !fields[2].isEmpty {
            let candidates = fields[2].split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard !candidates.contains(where: \.isEmpty) else { return .failure(Cause(text: "the candidates list has an empty entry")) }
            var seen = Set<String>()
            if let repeated = candidates.first(where: { !seen.insert($0).inserted }) {
                return .failure(Cause(text: "the candidates list names \(QuotedText.quote(repeated)) twice"))
            }
            guard candidates.contains(answer) else {
                return .failure(Cause(text: "the answer \(QuotedText.quote(answer)) is not among the candidates \(QuotedText.cut(fields[2]))"))
            }
            item.candidates = candidates
        }
        if fields.count >= 5 {
            guard let distance = Int(fields[3]), let attractors = Int(fields[4]), distance >= 0, attractors >= 0 else {
                return .failure(Cause(text: "distance and attractors (fields 4 and 5) must be whole numbers, not \(QuotedText.quote(fields[3])) and \(QuotedText.quote(fields[4]))"))
            }
            item.distance = distance
            item.attractors = attractors
            if fields.count == 6 { item.construction = fields[5] }
        } else if fields.count == 4 {
            return .failure(Cause(text: "has a distance but no attractors field"))
        }
        return .success(item)
    }
}

/// A line of an items file that cannot be evaluated; the description is one sentence naming the
/// file and line.
public struct ClozeItemProblem: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    public var line: Int
    public var cause: String

    public var description: String { "\(path):\(line): \(cause)" }
}

import ArgumentParser
import Foundation
import Interactive
import Models
import Support
import Tensor
import Text
import Training

/// `lstmkit fill`: the most likely words for the blanks of a sentence.
struct FillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fill",
        abstract: "Fill the blanks (___) of sentences with a cloze model or a language model.",
        discussion: """
            Prints, for each blank, the most likely words with their probabilities. A cloze model \
            (train --task cloze) reads the words on both sides of the blank, and by default also \
            scores the rest of the sentence with each of its best words in the blank \
            (--sentence-weight, --rescore); a language model \
            scores the whole sentence with each word in the blank, P(left)·P(w|left)·P(right|left,w), \
            which over the whole vocabulary takes a few seconds per blank. Several blanks are \
            filled one at a time, left to right: each with the earlier blanks filled by their \
            first choice; the words after a later blank are read by a cloze model (that blank as \
            <unk>) but not by a language model (its sentence stops at the next blank). Sentences \
            come as arguments, or one per line on standard input.
            """
    )

    @Option(help: ArgumentHelp("Run folder of a trained cloze model or language model.", valueName: "FOLDER"))
    var model: String

    @Argument(help: "Sentences with blanks written as ___; standard input when none.")
    var sentences: [String] = []

    @Option(name: .customLong("k"), help: "How many words to show per blank.")
    var k = 10

    @Option(help: ArgumentHelp("Rank only these words, comma-separated (probabilities among them; a repeated word counts once).", valueName: "w1,w2,..."))
    var candidates: String?

    @OptionGroup var scoring: ClozeScoringOptions

    @Option(help: "Threads for matrix products (default: all cores).")
    var threads: Int?

    @Flag(help: "Replace invalid UTF-8 by U+FFFD instead of stopping with an error.")
    var lossy = false

    func validate() throws {
        if k < 1 { throw ValidationError("--k must be at least 1.") }
        if let candidates, candidates.split(separator: ",", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            throw ValidationError("--candidates takes words separated by commas, with none empty.")
        }
        if let threads, threads < 0 { throw ValidationError("--threads must be 0 (all cores) or more, not \(threads).") }
    }

    func run() throws {
        Threads.setCount(threads)
        guard let ranker = try scoring.load([model]).first else { return }
        // A word listed twice is ranked once, where it first appears.
        let words = try candidates.map { list in
            var seen = Set<Int>()
            return try list.split(separator: ",").compactMap { token -> Int? in
                guard let id = ranker.vocabulary.existingID(for: String(token)), !ranker.vocabulary.isSpecial(id) else {
                    throw FillError.candidateNotInVocabulary(String(token), folder: model)
                }
                return seen.insert(id).inserted ? id : nil
            }
        }
        if sentences.isEmpty {
            let reader = LineReader(fileDescriptor: 0, name: "<stdin>", lossy: lossy)
            while let line = try reader.readLine() {
                if line.allSatisfy(\.isWhitespace) { continue }
                do {
                    try fill(line, ranker, candidates: words, header: true)
                } catch FillError.noBlank(let sentence, nil) {
                    throw FillError.noBlank(sentence, at: "<stdin>:\(reader.lineNumber)")
                }
            }
        } else {
            for sentence in sentences { try fill(sentence, ranker, candidates: words, header: sentences.count > 1) }
        }
    }

    func fill(_ sentence: String, _ ranker: any BlankRanker, candidates: [Int]?, header: Bool) throws {
        let parsed = try BlankedSentence(sentence, run: ranker)
        guard !parsed.blankIndices.isEmpty else { throw FillError.noBlank(sentence, at: nil) }
        let lists = ranker.fill(parsed, count: k, candidates: candidates)
        // The note naming unknown words goes to standard error, as generate's does, so that
        // standard output holds only the filled blanks.
        if !parsed.unknownWords.isEmpty {
            fflush(stdout)
            FileHandle.standardError.write(Data((unknownWordsNote(parsed.unknownWords, readAs: "<unk>") + "\n").utf8))
        }
        let result = BlankFillResult(
            blanks: lists.map { $0.map { WordProbability(word: ranker.vocabulary.token(for: $0.id) ?? "", probability: $0.probability) } })
        print((header ? sentence + "\n" : "") + blankFillBlock(result))
    }
}

/// Input `fill` cannot use; one sentence each.
enum FillError: Error, CustomStringConvertible {
    /// `at` is `<stdin>:LINE` for a sentence read from standard input.
    case noBlank(String, at: String?)
    case candidateNotInVocabulary(String, folder: String)

    var description: String {
        switch self {
        case let .noBlank(sentence, at):
            return (at.map { "\($0): " } ?? "") + "\(QuotedText.quote(sentence)) has no blank; write each blank as \(BlankedSentence.marker)"
        case .candidateNotInVocabulary(let word, let folder):
            return "the candidate \(QuotedText.quote(word)) is not a word of the vocabulary of \(folder)"
        }
    }
}

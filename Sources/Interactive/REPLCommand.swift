import Support

/// One line typed at the REPL, parsed. Lines starting with `:` are commands; any other line is
/// text to feed (a line starting with a space is always text, so `:` can start a word).
enum REPLCommand: Equatable {
    /// Words that continue the prompt.
    case text(String)
    /// An empty line: show the predictions again.
    case showAgain
    /// `nil` arguments show the current value.
    case predictionCount(Int?)
    case temperature(Double?)
    case topK(Int?)
    case topP(Double?)
    case seed(UInt64?)
    case generate(Int?)
    case score(String)
    case fill(String)
    case settings
    case reset
    case help
    case quit

    /// Most words `:gen` samples at once; a longer run is a job for `lstmkit generate`.
    static let maximumGeneratedWords = 10_000

    /// The commands with their argument and a one-line description, in help order.
    static let reference: [(names: [String], argument: String, summary: String)] = [
        ([":k"], "N", "show the N most likely next words"),
        ([":temp", ":temperature"], "T", "sampling temperature for :gen (0 = always the most likely word)"),
        ([":top-k"], "K", "sample :gen from the K most likely words only (0 = all)"),
        ([":top-p"], "P", "sample :gen from the smallest set of words reaching probability P (1 = all)"),
        ([":seed"], "S", "restart the :gen random sequence from seed S"),
        ([":gen", ":generate"], "N", "sample N words continuing the current text (it stays as it was)"),
        ([":score"], "SENTENCE", "log-probability and perplexity of SENTENCE on its own"),
        ([":fill"], "SENTENCE", "fill the blanks of SENTENCE (a cloze model: both sides; a language model: whole sentences)"),
        ([":settings"], "", "show k, temperature, top-k, top-p and seed (and a cloze model's blank scoring)"),
        ([":reset"], "", "forget the text so far and start afresh"),
        ([":help", ":h", ":?"], "", "this list"),
        ([":quit", ":q", ":exit"], "", "leave (so do Ctrl-D and Ctrl-C)"),
    ]

    /// Every command name, for Tab completion.
    static var names: [String] { reference.flatMap(\.names) }

    static func parse(_ line: String) throws -> REPLCommand {
        guard line.first == ":" else {
            return line.allSatisfy(\.isWhitespace) ? .showAgain : .text(line)
        }
        let name = String(line.prefix { !$0.isWhitespace })
        let argument = String(line.dropFirst(name.count).drop(while: \.isWhitespace))
            .trimmingTrailingWhitespace()
        let optional = argument.isEmpty ? nil : argument
        switch name {
        case ":k":
            return .predictionCount(try optional.map { try whole(name, $0, in: 1...Int.max, expecting: "a whole number >= 1") })
        case ":temp", ":temperature":
            return .temperature(try optional.map { try decimal(name, $0, expecting: "a number >= 0") { $0 >= 0 } })
        case ":top-k":
            return .topK(try optional.map { try whole(name, $0, in: 0...Int.max, expecting: "a whole number >= 0 (0 = all words)") })
        case ":top-p":
            return .topP(try optional.map { try decimal(name, $0, expecting: "a number greater than 0 and at most 1") { $0 > 0 && $0 <= 1 } })
        case ":seed":
            return .seed(try optional.map {
                guard let seed = UInt64($0) else {
                    throw REPLInputError.badArgument(command: name, expected: "a whole number from 0 to \(UInt64.max)", got: $0)
                }
                return seed
            })
        case ":gen", ":generate":
            return .generate(try optional.map {
                try whole(name, $0, in: 1...maximumGeneratedWords, expecting: "a whole number from 1 to \(maximumGeneratedWords)")
            })
        case ":score":
            guard let sentence = optional else { throw REPLInputError.missingArgument(command: name, expected: "a sentence, as in :score the market fell") }
            return .score(sentence)
        case ":fill":
            guard let sentence = optional else { throw REPLInputError.missingArgument(command: name, expected: "a sentence with blanks") }
            return .fill(sentence)
        case ":settings", ":reset", ":help", ":h", ":?", ":quit", ":q", ":exit":
            guard optional == nil else { throw REPLInputError.unexpectedArgument(command: name, got: argument) }
            switch name {
            case ":settings": return .settings
            case ":reset": return .reset
            case ":quit", ":q", ":exit": return .quit
            default: return .help
            }
        default:
            throw REPLInputError.unknownCommand(name)
        }
    }

    private static func whole(_ name: String, _ text: String, in range: ClosedRange<Int>, expecting: String) throws -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw REPLInputError.badArgument(command: name, expected: expecting, got: text)
        }
        return value
    }

    private static func decimal(_ name: String, _ text: String, expecting: String, valid: (Double) -> Bool) throws -> Double {
        guard let value = Double(text), value.isFinite, valid(value) else {
            throw REPLInputError.badArgument(command: name, expected: expecting, got: text)
        }
        return value
    }
}

/// A line the REPL cannot act on; the description is the one line it prints before going on.
enum REPLInputError: Error, CustomStringConvertible, Equatable {
    case unknownCommand(String)
    case badArgument(command: String, expected: String, got: String)
    case missingArgument(command: String, expected: String)
    case unexpectedArgument(command: String, got: String)
    case predictionCountTooLarge(Int, vocabularySize: Int)
    case fillUnavailable

    var description: String {
        switch self {
        case .unknownCommand(let name):
            return "unknown command \(QuotedText.cut(name)) (:help lists the commands)"
        case .badArgument(let command, let expected, let got):
            return "\(command) takes \(expected), not \(QuotedText.quote(got))"
        case .missingArgument(let command, let expected):
            return "\(command) needs \(expected)"
        case .unexpectedArgument(let command, let got):
            return "\(command) takes no argument, but got \(QuotedText.quote(got))"
        case .predictionCountTooLarge(let k, let size):
            return "cannot show \(k) next words: the vocabulary has \(size)"
        case .fillUnavailable:
            return ":fill needs a trained language model or cloze model; this model only shows next words"
        }
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var copy = self
        while copy.last?.isWhitespace == true { copy.removeLast() }
        return copy
    }
}

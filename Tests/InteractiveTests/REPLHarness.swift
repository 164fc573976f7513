import Support
import Interactive
import Models

/// Lines fed to the REPL as piped input would be (not interactive), with a scripted Ctrl-C.
final class ScriptedLines: LineSource {
    var lines: [LineInput]
    private(set) var consumed = 0
    /// `takeInterrupt()` answers true on this poll (counting from 1), simulating Ctrl-C mid-command.
    var interruptOnPoll: Int?
    private var polls = 0

    init(_ lines: [String]) {
        self.lines = lines.map { .line($0) }
    }

    init(inputs: [LineInput]) {
        lines = inputs
    }

    var isInteractive: Bool { false }

    func readLine(prompt: String) -> LineInput {
        guard consumed < lines.count else { return .endOfInput }
        defer { consumed += 1 }
        return lines[consumed]
    }

    func takeInterrupt() -> Bool {
        polls += 1
        return polls == interruptOnPoll
    }
}

/// A REPL over `model` fed `lines`; what it wrote and complained, separately.
struct REPLRun {
    var output = ""
    var complaints: [String] = []
    var source: ScriptedLines

    init<M: NextWordModel>(_ model: M, _ lines: [String], settings: REPLSettings = REPLSettings(predictionCount: 3),
                           blankFiller: (any BlankFilling)? = nil, interruptOnPoll: Int? = nil) throws {
        source = ScriptedLines(lines)
        source.interruptOnPoll = interruptOnPoll
        var written = "", complained: [String] = []
        let repl = try NextWordREPL(
            model: model, settings: settings, blankFiller: blankFiller,
            makeGenerator: { RandomGenerator(seed: $0) },
            output: REPLOutput(write: { written += $0 }, complain: { complained.append($0) }))
        repl.run(source)
        output = written
        complaints = complained
    }

    /// The output cut into blocks at blank lines.
    var blocks: [String] {
        output.components(separatedBy: "\n\n").filter { !$0.isEmpty }
    }
}

/// The hand-made table the tests compute by hand: P(next | previous), rows summing to 1.
/// Ids: 0 <unk>, 1 <eos>, 2 the, 3 cat, 4 sat, 5 on.
enum HandTable {
    static let words = ["<unk>", "<eos>", "the", "cat", "sat", "on"]
    static let rows: [[Double]] = [
        [0.2, 0.2, 0.2, 0.2, 0.1, 0.1],      // after <unk>
        [0.05, 0.05, 0.6, 0.1, 0.1, 0.1],    // at the start (after <eos>)
        [0.1, 0.05, 0.05, 0.5, 0.0, 0.3],    // after "the": "sat" impossible
        [0.05, 0.15, 0.1, 0.05, 0.45, 0.2],  // after "cat"
        [0.05, 0.25, 0.1, 0.05, 0.05, 0.5],  // after "sat"
        [0.1, 0.05, 0.6, 0.1, 0.1, 0.05],    // after "on"
    ]

    static func model() throws -> BigramModel {
        try BigramModel(words: words, probabilities: rows)
    }
}

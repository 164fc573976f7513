import ArgumentParser
import Text

extension ToyCorpora.Name: ExpressibleByArgument {}

/// `lstmkit corpus generate`: write the toy corpora from their grammars.
struct CorpusGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write the toy corpora (toy-en and toy-en-long with agreement.tsv, toy-en-fr) from their seeded grammars.",
        discussion: "The same seed always gives the same files; the shipped ones use the default seed."
    )

    @Option(help: "Random seed.")
    var seed: UInt64 = ToyCorpora.defaultSeed

    @Option(help: ArgumentHelp("Folder that receives toy-en/, toy-en-long/ and toy-en-fr/.", valueName: "DIR"))
    var to = "corpora"

    @Option(help: ArgumentHelp("Only this corpus (toy-en, toy-en-long or toy-en-fr); all when absent.", valueName: "NAME"))
    var only: ToyCorpora.Name?

    func run() throws {
        let written = try ToyCorpora.write(to: to, seed: seed, corpora: only.map { [$0] } ?? ToyCorpora.Name.allCases)
        let width = written.map(\.path.count).max() ?? 0
        for file in written {
            let padding = String(repeating: " ", count: width - file.path.count)
            print("\(file.path)\(padding)  \(grouped(file.lines).leftPadded(7)) lines  \(grouped(file.bytes).leftPadded(9)) bytes")
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

import ArgumentParser
import Text

/// `lstmkit corpus fetch`: download a public corpus (or copy it from a local folder) and
/// verify every file's sha256 before installing it.
struct CorpusFetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch a public corpus (ptb, wikitext-2, multi30k) and verify its sha256.",
        discussion: """
            Without --from the files come from the corpus's canonical address (needs curl or wget). \
            --from takes a base URL, or a local folder holding the files (or a subfolder named after \
            the corpus, as ../shared/corpora does): nothing is downloaded then.
            """
    )

    @Argument(help: ArgumentHelp("ptb, wikitext-2 or multi30k.", valueName: "NAME"))
    var name: String

    @Option(help: ArgumentHelp("Destination folder (default corpora/NAME).", valueName: "DIR"))
    var to: String?

    @Option(help: ArgumentHelp("A local folder or a base URL to fetch from.", valueName: "DIR_OR_URL"))
    var from: String?

    func validate() throws {
        guard CorpusCatalog.spec(named: name) != nil else {
            throw ValidationError("unknown corpus '\(name)'; choose one of: \(CorpusCatalog.all.map(\.name).joined(separator: ", ")).")
        }
    }

    func run() throws {
        guard let spec = CorpusCatalog.spec(named: name) else {
            throw CorpusFetchError.unknownCorpus(name: name, known: CorpusCatalog.all.map(\.name))
        }
        let fetcher = CorpusFetcher(spec: spec, destination: to ?? "corpora/\(spec.name)", source: from) { print($0) }
        let installed = try fetcher.fetch()
        print("\(spec.name): \(installed.count) files verified (sha256) and installed in \(fetcher.destination)")
    }
}

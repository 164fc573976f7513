import ArgumentParser

struct CorpusFetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fetch", abstract: "Fetch a public corpus and verify its sha256.")
    func run() throws {}
}

/// What Tab completes in the REPL: a command name at the start of the line, otherwise the word
/// under the cursor against the vocabulary. A single match is completed with a space after it;
/// several are extended to their longest common prefix, and when nothing can be added they are
/// listed, most frequent first (vocabulary ids run from frequent to rare).
struct WordCompleter {
    /// How many candidates a listing shows before "… and N more".
    static let listingLimit = 40

    private let commands: [String]
    /// Vocabulary words with their ids, sorted by word for prefix search.
    private let words: [(word: String, id: Int)]

    init(commands: [String], vocabulary: [String], hiddenIDs: Set<Int>) {
        self.commands = commands
        words = vocabulary.enumerated()
            .filter { !hiddenIDs.contains($0.offset) }
            .map { (word: $0.element, id: $0.offset) }
            .sorted { $0.word < $1.word }
    }

    func complete(_ beforeCursor: String) -> Completion {
        let isCommand = beforeCursor.first == ":" && !beforeCursor.contains(where: \.isWhitespace)
        let prefix = isCommand ? beforeCursor : String(beforeCursor.reversed().prefix { !$0.isWhitespace }.reversed())
        guard !prefix.isEmpty else { return Completion() }
        let matches = isCommand ? commands.filter { $0.hasPrefix(prefix) } : vocabularyMatches(prefix)
        guard let first = matches.first else { return Completion() }
        if matches.count == 1 { return Completion(insert: String(first.dropFirst(prefix.count)) + " ") }
        let common = matches.dropFirst().reduce(first) { shared, word in
            String(zip(shared, word).prefix { $0 == $1 }.map(\.0))
        }
        if common.count > prefix.count { return Completion(insert: String(common.dropFirst(prefix.count))) }
        var shown = matches.prefix(Self.listingLimit).joined(separator: "  ")
        if matches.count > Self.listingLimit { shown += "  … and \(matches.count - Self.listingLimit) more" }
        return Completion(listing: shown)
    }

    /// Words starting with `prefix`, most frequent (lowest id) first.
    private func vocabularyMatches(_ prefix: String) -> [String] {
        // Binary search for the first word >= prefix; the matches follow it contiguously.
        var low = 0, high = words.count
        while low < high {
            let middle = (low + high) / 2
            if words[middle].word < prefix { low = middle + 1 } else { high = middle }
        }
        var found: [(word: String, id: Int)] = []
        while low < words.count && words[low].word.hasPrefix(prefix) {
            found.append(words[low])
            low += 1
        }
        return found.sorted { $0.id < $1.id }.map(\.word)
    }
}

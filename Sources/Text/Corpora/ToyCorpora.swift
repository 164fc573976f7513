import Support

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The toy corpora LSTMKit ships (corpora/README.md): generated, deterministic for a seed.
public enum ToyCorpora {
    /// The seed the shipped files were generated with.
    public static let defaultSeed: UInt64 = 1

    public enum Name: String, CaseIterable, Sendable {
        case toyEnglish = "toy-en"
        case toyEnglishLong = "toy-en-long"
        case toyTranslation = "toy-en-fr"
    }

    /// One written file, for the summary.
    public struct WrittenFile: Sendable {
        public var path: String
        public var lines: Int
        public var bytes: Int
    }

    /// The English corpus: sentences (one per line, tokens joined by spaces) split into
    /// train/valid/test, and the agreement items as TSV lines.
    public struct English: Sendable {
        public var train: [String] = []
        public var valid: [String] = []
        public var test: [String] = []
        public var items: [String] = []
    }

    /// Sentences until the three splits hold about `targetBytes`; every 20th sentence goes to
    /// valid and the next one to test. No sentence appears twice, and no agreement item is a
    /// sentence of the corpus.
    public static func english(seed: UInt64 = defaultSeed, targetBytes: Int = 1_000_000,
                               itemsPerConstruction: Int = 300) -> English {
        let grammar = ToyEnglish()
        var rng = RandomGenerator(seed: seed)
        var (result, seen) = splitSentences(targetBytes: targetBytes) { grammar.sentence(&rng) }
        var items = ItemCollector(seed: seed &+ 0x5EED_0001, corpus: seen)
        for modifier in ToyEnglish.Modifier.allCases {
            items.collect(itemsPerConstruction) { grammar.verbItem(modifier, &$0) }
        }
        let pronounModifiers: [ToyEnglish.Modifier] = [.none, .pp, .ppPP, .subjectRelative, .objectRelative]
        for reflexive in [false, true] {
            for modifier in pronounModifiers {
                items.collect(itemsPerConstruction / 4) { grammar.pronounItem(reflexive: reflexive, modifier, &$0) }
            }
        }
        result.items = items.lines
        return result
    }

    /// toy-en-long: the same words, but three quarters of the sentences put 0...`maxLinks`
    /// modifiers (prepositional phrases, relative clauses with past-tense verbs, parentheses)
    /// between the subject and its verb, so agreement spans 3 to 6 more tokens per link. The
    /// items are `itemsPerLength` verb-agreement items for each link count, construction
    /// `links-N`.
    public static func englishLong(seed: UInt64 = defaultSeed, targetBytes: Int = 1_000_000,
                                   itemsPerLength: Int = 200, maxLinks: Int = 8) -> English {
        let grammar = ToyEnglish()
        var rng = RandomGenerator(seed: seed &+ 0x5EED_0003)
        var (result, seen) = splitSentences(targetBytes: targetBytes) { grammar.longSentence(maxLinks: maxLinks, &rng) }
        var items = ItemCollector(seed: seed &+ 0x5EED_0004, corpus: seen)
        for links in 0...maxLinks {
            items.collect(itemsPerLength) { grammar.longVerbItem(links: links, &$0) }
        }
        result.items = items.lines
        return result
    }

    /// Distinct sentences from `next` until they hold about `targetBytes`; every 20th goes to
    /// valid and the next one to test. Also returns the set of every sentence kept.
    static func splitSentences(targetBytes: Int, _ next: () -> [String]) -> (English, Set<String>) {
        var seen = Set<String>()
        var result = English()
        var bytes = 0
        while bytes < targetBytes {
            let line = next().joined(separator: " ")
            guard seen.insert(line).inserted else { continue }
            bytes += line.utf8.count + 1
            switch seen.count % 20 {
            case 0: result.valid.append(line)
            case 1: result.test.append(line)
            default: result.train.append(line)
            }
        }
        return (result, seen)
    }

    /// Agreement items, none of them a corpus sentence or another item.
    struct ItemCollector {
        var rng: RandomGenerator
        let corpus: Set<String>
        var seen = Set<String>()
        var lines: [String] = []

        init(seed: UInt64, corpus: Set<String>) {
            rng = RandomGenerator(seed: seed)
            self.corpus = corpus
        }

        /// Up to `count` more items from `make` (which may decline), giving up after 50 tries per item.
        mutating func collect(_ count: Int, _ make: (inout RandomGenerator) -> ToyEnglish.Item?) {
            var made = 0
            var attempts = 0
            while made < count && attempts < count * 50 {
                attempts += 1
                guard let item = make(&rng) else { continue }
                let full = item.full.joined(separator: " ")
                guard !corpus.contains(full), seen.insert(full).inserted else { continue }
                lines.append(item.line)
                made += 1
            }
        }
    }

    /// The parallel corpus: `pairs` sentence pairs as text (English, French), split 90/5/5.
    public struct Translation: Sendable {
        public var train: [(english: String, french: String)] = []
        public var valid: [(english: String, french: String)] = []
        public var test: [(english: String, french: String)] = []
    }

    public static func translation(seed: UInt64 = defaultSeed, pairs: Int = 20_000) -> Translation {
        let grammar = ToyTranslation()
        var rng = RandomGenerator(seed: seed &+ 0x5EED_0002)
        let english = Detokenizer(locale: "en")
        let french = Detokenizer(locale: "fr")
        var seen = Set<String>()
        var result = Translation()
        while seen.count < pairs {
            let pair = grammar.pair(&rng)
            let source = english.detokenize(pair.english)
            guard seen.insert(source).inserted else { continue }
            let entry = (english: source, french: french.detokenize(pair.french))
            switch seen.count % 20 {
            case 0: result.valid.append(entry)
            case 1: result.test.append(entry)
            default: result.train.append(entry)
            }
        }
        return result
    }

    /// Writes the named corpora under `root` (e.g. "corpora"), creating folders as needed.
    public static func write(to root: String, seed: UInt64 = defaultSeed,
                             corpora: [Name] = Name.allCases) throws -> [WrittenFile] {
        var written: [WrittenFile] = []
        func save(_ lines: [String], _ path: String) throws {
            let text = lines.map { $0 + "\n" }.joined()
            try AtomicFile.write(text, to: path)
            written.append(WrittenFile(path: path, lines: lines.count, bytes: text.utf8.count))
        }
        for name in corpora {
            let folder = root + "/" + name.rawValue
            try makeFolder(folder)
            switch name {
            case .toyEnglish, .toyEnglishLong:
                let corpus = name == .toyEnglish ? english(seed: seed) : englishLong(seed: seed)
                try save(corpus.train, folder + "/train.txt")
                try save(corpus.valid, folder + "/valid.txt")
                try save(corpus.test, folder + "/test.txt")
                try save(corpus.items, folder + "/agreement.tsv")
            case .toyTranslation:
                let corpus = translation(seed: seed)
                for (split, pairs) in [("train", corpus.train), ("valid", corpus.valid), ("test", corpus.test)] {
                    try save(pairs.map(\.english), folder + "/\(split).en")
                    try save(pairs.map(\.french), folder + "/\(split).fr")
                }
            }
        }
        return written
    }

    /// mkdir -p.
    static func makeFolder(_ path: String) throws {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o755) != 0 && errno != EEXIST {
                throw FileWriteError(path: partial, cause: errnoText())
            }
        }
    }
}

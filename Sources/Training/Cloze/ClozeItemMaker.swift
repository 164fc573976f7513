import Tensor
import Text

/// Makes fill-in-the-blank items from held-out text: in each of `count` randomly chosen lines,
/// one randomly chosen word is blanked; with `candidates: K`, K − 1 distractors are drawn from
/// the words nearest to the answer in corpus frequency (the vocabulary's counts), so frequency
/// alone does not give the answer away. Every choice draws from one generator seeded with
/// `seed`: the same text, vocabulary and seed give the same items.
///
/// A blankable word is in the vocabulary, not a special, and holds no comma (the candidates
/// column is comma-separated) and no underscore run that would read as a blank. A line needs a
/// blankable word and at least one other token.
public struct ClozeItemMaker {
    public let vocabulary: Vocabulary
    public let tokenizer: Tokenizer
    /// Words ordered by corpus count, most frequent first (ties by id).
    let byFrequency: [Int]
    /// Each word id's position in `byFrequency` (-1: not a candidate).
    let frequencyRank: [Int]

    public init(vocabulary: Vocabulary, tokenizer: Tokenizer) {
        self.vocabulary = vocabulary
        self.tokenizer = tokenizer
        let words = (vocabulary.specialCount..<vocabulary.count).filter { Self.blankable(vocabulary.tokens[$0]) }
        byFrequency = words.sorted { (-vocabulary.counts[$0], $0) < (-vocabulary.counts[$1], $1) }
        var rank = [Int](repeating: -1, count: vocabulary.count)
        for (position, id) in byFrequency.enumerated() { rank[id] = position }
        frequencyRank = rank
    }

    /// How many words can be answers and candidates: with more candidates asked for, each item
    /// lists this many.
    public var usableWordCount: Int { byFrequency.count }

    static func blankable(_ token: String) -> Bool {
        !token.contains(",") && !token.contains("\t") && !token.contains("___")
    }

    /// What `make` produced.
    public struct Result {
        public var items: [ClozeItem]
        /// Lines of the file that could take an item.
        public var eligibleLines: Int
        public var lines: Int
    }

    /// Items from the lines of `path`: `count` of them, or one per eligible line when there are
    /// fewer; in the order of the lines.
    public func make(from path: String, count: Int, seed: UInt64, candidates: Int? = nil, lossy: Bool = false) throws -> Result {
        precondition(count >= 1 && (candidates ?? 2) >= 2, "count >= 1, candidates >= 2")
        var eligible: [(line: Int, tokens: [String], positions: [Int])] = []
        let reader = try LineReader(path: path, lossy: lossy)
        var lines = 0
        while let line = try reader.readLine() {
            lines += 1
            let tokens = try tokenizer.tokenize(line)
            guard tokens.count >= 2 else { continue }
            let positions = tokens.indices.filter { frequencyRank[vocabulary.id(for: tokens[$0])] >= 0 }
            if !positions.isEmpty { eligible.append((reader.lineNumber, tokens, positions)) }
        }
        let generator = RandomGenerator(seed: seed)
        var order = Array(eligible.indices)
        SentenceBatcher.shuffle(&order, generator)
        let chosen = order.prefix(count).sorted()
        var items: [ClozeItem] = []
        for index in chosen {
            let (line, tokens, positions) = eligible[index]
            let position = positions[generator.nextInt(below: positions.count)]
            let answer = tokens[position]
            var words = tokens
            words[position] = BlankedSentence.marker
            var item = ClozeItem(line: line, sentence: words.joined(separator: " "), answer: answer)
            if let candidates {
                var list = [answer] + distractors(for: vocabulary.id(for: answer), count: candidates - 1, generator: generator)
                SentenceBatcher.shuffle(&list, generator)
                item.candidates = list
            }
            items.append(item)
        }
        return Result(items: items, eligibleLines: eligible.count, lines: lines)
    }

    /// `count` distinct words other than `answer`, drawn uniformly from the 5·count + 10 words on
    /// either side of it in the frequency order (the window shifted inwards at the ends).
    func distractors(for answer: Int, count: Int, generator: RandomGenerator) -> [String] {
        let n = byFrequency.count
        let half = 5 * count + 10
        let rank = frequencyRank[answer]
        let low = max(0, min(rank - half, n - 1 - 2 * half)), high = min(n - 1, low + 2 * half)
        var pool = (low...high).map { byFrequency[$0] }.filter { $0 != answer }
        SentenceBatcher.shuffle(&pool, generator)
        return pool.prefix(count).map { vocabulary.tokens[$0] }
    }
}

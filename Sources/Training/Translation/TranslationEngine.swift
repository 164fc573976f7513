import Models
import NN
import Tensor
import Text

/// How sentences are decoded.
public struct TranslationDecoding: Codable, Equatable, Sendable {
    /// Hypotheses kept per sentence; 1 is greedy search.
    public var beamSize = 5
    /// Translations returned per sentence, best first (at most the beam size).
    public var nBest = 1
    /// GNMT length-penalty α (0: rank by log-probability).
    public var lengthPenalty: Float = 0
    /// Output tokens allowed: ratio × source tokens + offset.
    public var maxLengthRatio = 2.0
    public var maxLengthOffset = 10
    /// Replace each output `<unk>` by the source word it attends to most.
    public var replacesUnknowns = true
    /// Sentences decoded together (sorted by length first).
    public var batchSize = 64

    public init() {}
}

/// One translation of a sentence.
public struct TranslationCandidate: Sendable {
    /// Output tokens (after unknown-word replacement when asked).
    public var tokens: [String]
    /// The detokenized text.
    public var text: String
    /// Log-probability of the tokens and the end token.
    public var logProbability: Float
    /// The ranking score (log-probability over the length penalty).
    public var score: Float
    /// One row per output token (and the end token) of weights over the source tokens.
    public var attention: [[Float]]
}

/// A sentence and its translations, best first.
public struct TranslationResult: Sendable {
    public var sourceTokens: [String]
    public var candidates: [TranslationCandidate]

    /// The best translation's text; empty for an empty source.
    public var text: String { candidates.first?.text ?? "" }
}

/// A trained translator with its vocabularies, tokenizer and detokenizer: text in, text out.
public final class TranslationEngine {
    public let configuration: TranslationConfiguration
    public let model: Translator
    public let sourceVocabulary: Vocabulary
    public let targetVocabulary: Vocabulary
    let tokenizer: Tokenizer
    let detokenizer: Detokenizer

    public init(configuration: TranslationConfiguration, model: Translator, sourceVocabulary: Vocabulary,
                targetVocabulary: Vocabulary) throws {
        self.configuration = configuration
        self.model = model
        self.sourceVocabulary = sourceVocabulary
        self.targetVocabulary = targetVocabulary
        tokenizer = try Tokenizer(options: configuration.sourceTokenizer)
        detokenizer = Detokenizer(locale: configuration.targetTokenizer.locale)
    }

    /// Loads a run folder's configuration, vocabularies and parameters.
    public convenience init(folder: TranslationRunFolder, checkpoint: TranslationRunFolder.Checkpoint = .best) throws {
        let configuration = try folder.loadConfiguration()
        let (source, target) = try folder.loadVocabularies()
        guard source.count == configuration.model.sourceVocabularySize,
              target.count == configuration.model.targetVocabularySize else {
            throw TranslationRunError.malformedConfiguration(
                path: folder.configurationPath,
                cause: "its vocabulary sizes do not match \(folder.sourceVocabularyPath) (\(source.count)) and \(folder.targetVocabularyPath) (\(target.count))")
        }
        let model = try folder.loadModel(configuration, checkpoint: checkpoint)
        try self.init(configuration: configuration, model: model, sourceVocabulary: source, targetVocabulary: target)
    }

    /// Translates lines of text (one sentence each); an empty line gives an empty result.
    public func translate(_ lines: [String], decoding: TranslationDecoding) throws -> [TranslationResult] {
        try translate(tokenized: lines.map { try tokenizer.tokenize($0) }, decoding: decoding)
    }

    /// Translates tokenized sentences, batched by length, results in input order.
    public func translate(tokenized sentences: [[String]], decoding: TranslationDecoding) throws -> [TranslationResult] {
        var results = sentences.map { TranslationResult(sourceTokens: $0, candidates: []) }
        let order = sentences.indices.filter { !sentences[$0].isEmpty }.sorted {
            sentences[$0].count != sentences[$1].count ? sentences[$0].count < sentences[$1].count : $0 < $1
        }
        let options = DecodingOptions(beginToken: Vocabulary.beginID, endToken: Vocabulary.endID,
                                      maxLengthRatio: decoding.maxLengthRatio, maxLengthOffset: decoding.maxLengthOffset)
        let batchSize = max(1, decoding.batchSize)
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let indices = Array(order[start..<min(order.count, start + batchSize)])
            let sources = indices.map { sourceVocabulary.ids(for: sentences[$0]) }
            let hypotheses: [[Hypothesis]]
            if decoding.beamSize <= 1 {
                hypotheses = try GreedySearch(options: options).search(model, sources: sources).map { [$0] }
            } else {
                hypotheses = try BeamSearch(beamSize: decoding.beamSize, nBest: min(decoding.nBest, decoding.beamSize),
                                            lengthPenalty: decoding.lengthPenalty, options: options)
                    .search(model, sources: sources)
            }
            for (index, list) in zip(indices, hypotheses) {
                results[index].candidates = list.map { candidate($0, source: sentences[index], decoding: decoding) }
            }
        }
        return results
    }

    func candidate(_ hypothesis: Hypothesis, source: [String], decoding: TranslationDecoding) -> TranslationCandidate {
        var tokens = hypothesis.tokens.map { targetVocabulary.token(for: $0) ?? Vocabulary.unknownToken }
        if decoding.replacesUnknowns {
            tokens = replaceUnknowns(output: tokens, attention: hypothesis.attention, source: source)
        }
        return TranslationCandidate(tokens: tokens, text: detokenizer.detokenize(tokens),
                                    logProbability: hypothesis.logProbability, score: hypothesis.score,
                                    attention: hypothesis.attention)
    }
}

import NN
import Support

/// The shape of a `Translator`. Defaults are the Multi30k model of issue 7: embeddings 256, a
/// one-layer BiLSTM encoder of 256 per direction, an LSTM decoder of 512 with Luong's
/// "general" attention and input feeding, dropout 0.3.
public struct TranslatorConfiguration: Codable, Equatable, Sendable {
    /// Source vocabulary size (specials included).
    public var sourceVocabularySize: Int
    /// Target vocabulary size (specials included); the output layer's width.
    public var targetVocabularySize: Int
    /// Width of the source and target embeddings.
    public var embeddingSize = 256
    /// Encoder LSTM width per direction; encoder outputs are twice this.
    public var encoderHiddenSize = 256
    /// Decoder LSTM width (also the attentional state's).
    public var decoderHiddenSize = 512
    /// Layers of the encoder and of the decoder (the bridge maps layer l to layer l).
    public var layers = 1
    /// How the decoder scores encoder positions.
    public var attention: AttentionScore = .general
    /// Dropout on the embeddings, between recurrent layers and on the attentional state.
    public var dropout: Float = 0.3
    /// Share the output layer's weight with the target embeddings (needs embedding size =
    /// decoder hidden size).
    public var tiesOutputEmbedding = false

    public init(sourceVocabularySize: Int, targetVocabularySize: Int, embeddingSize: Int = 256,
                encoderHiddenSize: Int = 256, decoderHiddenSize: Int = 512, layers: Int = 1,
                attention: AttentionScore = .general, dropout: Float = 0.3, tiesOutputEmbedding: Bool = false) {
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
        self.embeddingSize = embeddingSize
        self.encoderHiddenSize = encoderHiddenSize
        self.decoderHiddenSize = decoderHiddenSize
        self.layers = layers
        self.attention = attention
        self.dropout = dropout
        self.tiesOutputEmbedding = tiesOutputEmbedding
    }

    /// Features of one encoder output (both directions).
    public var memorySize: Int { 2 * encoderHiddenSize }

    /// A lower bound on the parameter count, worked out from the sizes alone (in `Double`: sizes
    /// read from a damaged file may be absurd): every weight and bias but the attention score's.
    /// A run folder is checked with it before the model is built.
    public var minimumParameterCount: Double {
        let e = Double(embeddingSize), he = Double(encoderHiddenSize), hd = Double(decoderHiddenSize)
        let vs = Double(sourceVocabularySize), vt = Double(targetVocabularySize)
        let later = Double(max(layers - 1, 0))
        let encoder = 2 * 4 * he * ((e + he + 2) + later * (2 * he + he + 2))
        let decoder = 4 * hd * ((e + hd + hd + 2) + later * (hd + hd + 2))
        let bridges = 2 * (2 * he * hd + hd)
        let combine = hd * (2 * he + hd)
        let output = (tiesOutputEmbedding ? 0 : vt * hd) + vt
        return vs * e + vt * e + encoder + bridges + decoder + combine + output
    }

    /// Checks the sizes fit together.
    public func validate() throws(TranslatorConfigurationError) {
        func positive(_ value: Int, _ name: String) throws(TranslatorConfigurationError) {
            guard value > 0 else { throw .invalid("\(name) must be positive, not \(value)") }
        }
        try positive(embeddingSize, "the embedding size")
        try positive(encoderHiddenSize, "the encoder hidden size")
        try positive(decoderHiddenSize, "the decoder hidden size")
        try positive(layers, "the layer count")
        guard sourceVocabularySize > 4, targetVocabularySize > 4 else {
            throw .invalid("the vocabularies hold only the special tokens")
        }
        guard dropout >= 0, dropout < 1 else { throw .invalid("dropout must lie in [0, 1), not \(dropout)") }
        // Before the checks below, whose arithmetic absurd sizes would overflow.
        if let problem = MemoryBudget.useProblem(parameters: minimumParameterCount, lowerBound: true) { throw .invalid(problem) }
        if attention == .dot && decoderHiddenSize != memorySize {
            throw .invalid("dot attention needs the decoder hidden size (\(decoderHiddenSize)) to equal twice the encoder hidden size (\(memorySize))")
        }
        if tiesOutputEmbedding && embeddingSize != decoderHiddenSize {
            throw .invalid("tying the output layer to the target embeddings needs the embedding size (\(embeddingSize)) to equal the decoder hidden size (\(decoderHiddenSize))")
        }
    }
}

/// A translator configuration that cannot be built; one sentence.
public enum TranslatorConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let text): return "invalid translator configuration: \(text)"
        }
    }
}

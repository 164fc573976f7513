/// How the next word is drawn from a model's distribution (`Sampler`).
///
/// The filters apply in the order of Hugging Face's `generate`: temperature first, then top-k,
/// then top-p over the renormalised top-k words.
public struct SamplingOptions: Codable, Equatable, Sendable {
    /// Scores are divided by it before the softmax: below 1 sharpens the distribution, above 1
    /// flattens it. 0 always picks the most likely word (greedy), ignoring top-k and top-p.
    public var temperature: Double = 1
    /// Only the k most likely words can be drawn; 0 means no limit.
    public var topK: Int = 0
    /// Only the smallest set of most likely words whose probabilities add up to at least p can
    /// be drawn (nucleus sampling, Holtzman et al. 2020); 1 means no limit.
    public var topP: Double = 1

    public init(temperature: Double = 1, topK: Int = 0, topP: Double = 1) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
    }

    /// Throws the first option out of range.
    public func validate() throws {
        guard temperature.isFinite, temperature >= 0 else { throw SamplingError.invalidTemperature(temperature) }
        guard topK >= 0 else { throw SamplingError.invalidTopK(topK) }
        guard topP > 0, topP <= 1 else { throw SamplingError.invalidTopP(topP) }
    }
}

/// Why a word could not be sampled.
public enum SamplingError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidTemperature(Double)
    case invalidTopK(Int)
    case invalidTopP(Double)
    /// Every score was -infinity or NaN (or there were none).
    case noCandidates

    public var description: String {
        switch self {
        case .invalidTemperature(let t):
            return "temperature must be a finite number >= 0 (0 picks the most likely word), not \(t)"
        case .invalidTopK(let k):
            return "top-k must be a whole number >= 0 (0 keeps every word), not \(k)"
        case .invalidTopP(let p):
            return "top-p must be greater than 0 and at most 1 (1 keeps every word), not \(p)"
        case .noCandidates:
            return "every next-word score is -infinity or NaN, so there is no word to sample"
        }
    }
}

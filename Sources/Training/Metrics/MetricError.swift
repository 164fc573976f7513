/// Why a metric could not score its input; each description is one sentence.
public enum MetricError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No reference stream was given.
    case noReferences
    /// There are no hypotheses to score.
    case emptyCorpus
    /// Reference stream `stream` (0-based) has a different number of segments than the hypotheses.
    case referenceCountMismatch(stream: Int, references: Int, hypotheses: Int)
    /// A metric option is out of its range.
    case invalidOption(String)

    public var description: String {
        switch self {
        case .noReferences:
            return "no reference stream was given: pass at least one reference per hypothesis"
        case .emptyCorpus:
            return "there are no hypotheses to score"
        case let .referenceCountMismatch(stream, references, hypotheses):
            return "reference stream \(stream + 1) has \(references) segments but there are "
                + "\(hypotheses) hypotheses: every stream needs one reference per hypothesis"
        case let .invalidOption(text):
            return text
        }
    }

    /// Checks the hypotheses and reference streams line up.
    static func validate(hypotheses: [String], references: [[String]]) throws(MetricError) {
        guard !references.isEmpty else { throw .noReferences }
        guard !hypotheses.isEmpty else { throw .emptyCorpus }
        for (k, stream) in references.enumerated() where stream.count != hypotheses.count {
            throw .referenceCountMismatch(stream: k, references: stream.count, hypotheses: hypotheses.count)
        }
    }
}

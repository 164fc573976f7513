/// Why training stopped or could not start; one sentence naming the file or step and the cause.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case runExists(folder: String)
    case notARun(folder: String, cause: String)
    case newerFormat(folder: String, format: Int)
    case corpusChanged(folder: String, detail: String)
    case diverged(step: Int, epoch: Int, batch: Int, what: String, checkpoint: String?)
    case finished(folder: String)
    case tooFewEpochs(folder: String, asked: Int, done: Int)
    /// A setting that cannot work, as a sentence.
    case setting(String)
    case averagingStarted(folder: String, asked: Int, earliest: Int, averaging: Bool)

    public var description: String {
        switch self {
        case let .runExists(folder):
            return "\(folder) already holds a run; continue it with --resume \(folder), or choose another --out"
        case let .notARun(folder, cause):
            return "\(folder) is not a usable run folder: \(cause)"
        case let .newerFormat(folder, format):
            return "\(folder) was written by a newer lstmkit (run format \(format), this one reads up to "
                + "\(RunFolder.currentFormat)); upgrade lstmkit"
        case let .corpusChanged(folder, detail):
            return "the corpus of \(folder) changed since the run started (\(detail)); resume needs the same text"
        case let .diverged(step, epoch, batch, what, checkpoint):
            return "training diverged at step \(step) (epoch \(epoch), batch \(batch)): \(what); "
                + (checkpoint.map { "the last good checkpoint is \($0); " } ?? "")
                + "lower the learning rate or clip gradients (--clip), or pass --on-nan skip"
        case let .finished(folder):
            return "\(folder) has finished all its epochs; there is nothing to resume (--epochs N with --resume trains on to epoch N)"
        case let .tooFewEpochs(folder, asked, done):
            return "\(folder) has already done \(done) epoch\(done == 1 ? "" : "s"); --epochs \(asked) with --resume must be more than that"
        case let .setting(problem):
            return problem
        case let .averagingStarted(folder, asked, earliest, averaging):
            return averaging
                ? "\(folder) is already averaging its weights; --average-from cannot change once the averaging has begun"
                : "--average-from \(asked) with --resume \(folder) must name an epoch not yet started (\(earliest) or later)"
        }
    }
}

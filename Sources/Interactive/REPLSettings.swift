import Models

/// What the REPL starts with; its commands change it.
public struct REPLSettings: Equatable, Sendable {
    /// How many next words a prediction block shows (`:k`).
    public var predictionCount = 10
    /// How `:gen` draws words (`:temp`, `:top-k`, `:top-p`).
    public var sampling = SamplingOptions()
    /// Seed of the generator `:gen` draws from (`:seed`); a session is reproducible from it.
    public var seed: UInt64 = 1
    /// Words `:gen` samples when no count is given.
    public var generatedWords = 20

    public init(predictionCount: Int = 10, sampling: SamplingOptions = SamplingOptions(), seed: UInt64 = 1,
                generatedWords: Int = 20) {
        self.predictionCount = predictionCount
        self.sampling = sampling
        self.seed = seed
        self.generatedWords = generatedWords
    }
}

/// Where the REPL writes: results, and one-line complaints about a bad line.
public struct REPLOutput {
    /// Prediction blocks, scores, generated text (standard output).
    public var write: (String) -> Void
    /// One line per bad command or failed step (standard error); the REPL goes on.
    public var complain: (String) -> Void

    public init(write: @escaping (String) -> Void, complain: @escaping (String) -> Void) {
        self.write = write
        self.complain = complain
    }
}

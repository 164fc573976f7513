import Foundation
import Models

/// A stand-in for the translator: next-token log-probabilities come from a function of the
/// sentence index and the tokens emitted so far, so searches can be tested on hand-made tables.
/// It also checks the search keeps the protocol's contract (right tokens fed back, valid rows).
final class MockDecoder: StepwiseDecoder {
    struct State {
        /// Per row: sentence index and the tokens fed so far (without the begin token).
        var sentence: [Int]
        var history: [[Int]]
        /// False until the first step, which must feed the begin token.
        var started = false
    }

    struct ContractViolation: Error, CustomStringConvertible {
        var description: String
    }

    let vocabularySize: Int
    let beginToken: Int
    let sourceLengths: [Int]
    let distribution: (_ sentence: Int, _ prefix: [Int]) -> [Float]
    let attention: ((_ sentence: Int, _ prefix: [Int]) -> [Float])?
    private(set) var steps = 0
    private(set) var rowsPerStep: [Int] = []

    /// - distribution: log-probabilities of the next token, V values.
    /// - attention: weights over the sentence's source positions (padded by the mock).
    init(vocabularySize: Int, beginToken: Int = 2, sourceLengths: [Int] = [],
         distribution: @escaping (Int, [Int]) -> [Float],
         attention: ((Int, [Int]) -> [Float])? = nil) {
        self.vocabularySize = vocabularySize
        self.beginToken = beginToken
        self.sourceLengths = sourceLengths
        self.distribution = distribution
        self.attention = attention
    }

    func encode(sources: [[Int]]) throws -> State {
        State(sentence: Array(sources.indices), history: Array(repeating: [], count: sources.count))
    }

    func decodeStep(_ state: inout State, previousTokens: [Int], output: inout DecoderStepOutput) throws {
        guard previousTokens.count == state.history.count else {
            throw ContractViolation(description: "\(previousTokens.count) tokens for \(state.history.count) rows")
        }
        steps += 1
        rowsPerStep.append(previousTokens.count)
        let width = attention == nil ? 0 : (sourceLengths.max() ?? 0)
        output.logProbabilities.removeAll(keepingCapacity: true)
        output.attention.removeAll(keepingCapacity: true)
        output.attentionWidth = width
        defer { state.started = true }
        for row in state.history.indices {
            if !state.started {
                guard previousTokens[row] == beginToken else {
                    throw ContractViolation(description: "first step fed \(previousTokens[row]), not the begin token")
                }
            } else {
                state.history[row].append(previousTokens[row])
            }
            let s = state.sentence[row]
            output.logProbabilities += distribution(s, state.history[row])
            if let attention {
                var weights = attention(s, state.history[row])
                weights += Array(repeating: 0, count: width - weights.count)
                output.attention += weights
            }
        }
    }

    func selectRows(_ state: inout State, rows: [Int]) throws {
        guard rows.allSatisfy({ state.history.indices.contains($0) }) else {
            throw ContractViolation(description: "row index out of range in \(rows)")
        }
        state.sentence = rows.map { state.sentence[$0] }
        state.history = rows.map { state.history[$0] }
    }
}

/// Log-probabilities from a table of probabilities; tokens not listed share what is left.
func logProbabilities(_ table: [Int: Double], vocabularySize v: Int) -> [Float] {
    let rest = max(1e-6, 1 - table.values.reduce(0, +)) / Double(v - table.count)
    return (0..<v).map { Float(log(table[$0] ?? rest)) }
}

/// Deterministic pseudo-random log-probabilities for a (sentence, prefix): FNV-1a of the ints,
/// then a log-softmax of logits in [-3, 3]. (Swift's Hasher is seeded per process: not usable.)
func pseudoRandomLogProbabilities(sentence: Int, prefix: [Int], vocabularySize v: Int) -> [Float] {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for x in [sentence, -1] + prefix {
        h = (h ^ UInt64(bitPattern: Int64(x))) &* 0x100_0000_01b3
    }
    var logits: [Double] = []
    for _ in 0..<v {
        h = h &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        logits.append(Double(h >> 11) / Double(1 << 53) * 6 - 3)
    }
    let m = logits.max() ?? 0
    let z = log(logits.reduce(0) { $0 + exp($1 - m) }) + m
    return logits.map { Float($0 - z) }
}

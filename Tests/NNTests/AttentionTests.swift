import XCTest
import NN
import Tensor
import TestSupport

/// Attention: masks (padding is never looked at), finite differences for every score kind,
/// inference equal to training, and the stepped LSTM decoders use against `RecurrentLayer`.
final class AttentionTests: XCTestCase {
    let check = GradientCheck()

    override func setUp() {
        Threads.setCount(1)
    }

    /// An attention layer with a memory `(S, B, M)` of the given lengths, T queries and loss
    /// weights for the contexts.
    struct Case {
        var attention: Attention
        var memory: Tensor
        var lengths: [Int]
        var queries: Tensor
        var contextWeights: Tensor

        init(_ score: AttentionScore, seed: UInt64, steps t: Int, lengths: [Int]) {
            let g = RandomGenerator(seed: seed)
            attention = Attention(configuration: AttentionConfiguration(score: score, querySize: 4, memorySize: 4, additiveSize: 5),
                                  generator: RandomGenerator(seed: 1))
            let s = lengths.max() ?? 1, b = lengths.count
            memory = g.uniformTensor([s, b, 4])
            queries = g.uniformTensor([t, b, 4])
            contextWeights = g.uniformTensor([t, b, 4])
            self.lengths = lengths
        }

        /// Runs the steps over `memory` (default: the case's) and returns Σ_t w_t ⊙ context_t
        /// with the contexts and weights.
        func run(memory: Tensor? = nil) -> (loss: Double, contexts: [[Float]], weights: [[Float]]) {
            let t = queries.shape[0]
            attention.setMemory(memory ?? self.memory, lengths: lengths, maxSteps: t)
            var loss = 0.0
            var contexts: [[Float]] = [], weights: [[Float]] = []
            for step in 0..<t {
                let (context, alpha) = attention.forward(query: queries.slice(step), step: step)
                loss += weightedSum(context, contextWeights.slice(step))
                contexts.append(context.scalars)
                weights.append(alpha.scalars)
            }
            return (loss, contexts, weights)
        }

        /// Backward of every step; returns ∂L/∂queries and ∂L/∂memory.
        func backward() -> (queries: Tensor, memory: Tensor) {
            let t = queries.shape[0]
            let dQueries = Tensor(zeros: queries.shape)
            for step in (0..<t).reversed() {
                dQueries.slice(step).assign(attention.backward(step: step, contextGradient: contextWeights.slice(step)))
            }
            return (dQueries, attention.finishBackward().copy())
        }
    }

    func testEveryScoreAgreesWithFiniteDifferences() {
        for score in AttentionScore.allCases {
            let test = Case(score, seed: 11, steps: 3, lengths: [4, 1, 2])
            let loss = { test.run().loss }
            _ = test.run()
            let (dQueries, dMemory) = test.backward()
            var reports = [
                check.report(test.queries, analytic: dQueries, name: "\(score) queries", loss: loss),
                check.report(test.memory, analytic: dMemory, name: "\(score) memory", loss: loss),
            ]
            for (name, parameter) in test.attention.namedParameters {
                reports.append(check.report(parameter.value, analytic: parameter.gradient, name: "\(score) \(name)", loss: loss))
            }
            for report in reports.compactMap({ $0 }) { XCTFail(report) }
        }
    }

    /// Padded positions hold NaN: nothing computed may change or turn NaN, their weights are
    /// exactly 0 and their memory gradient exactly 0.
    func testAttentionNeverLooksAtPadding() {
        for score in AttentionScore.allCases {
            let lengths = [5, 2, 3]
            let test = Case(score, seed: 12, steps: 2, lengths: lengths)
            let (t, s, b) = (2, 5, 3)
            let clean = test.run()
            let poisoned = test.memory.copy()
            for row in 0..<b { for position in lengths[row]..<s { poisoned.slice(position).slice(row).fill(.nan) } }
            let dirty = test.run(memory: poisoned)
            XCTAssertEqual(clean.contexts, dirty.contexts, "\(score)")
            XCTAssertEqual(clean.weights, dirty.weights, "\(score)")
            for step in 0..<t {
                for row in 0..<b {
                    let alpha = dirty.weights[step][(row * s)..<((row + 1) * s)]
                    XCTAssertEqual(Array(alpha.dropFirst(lengths[row])), [Float](repeating: 0, count: s - lengths[row]))
                    XCTAssertEqual(alpha.reduce(0, +), 1, accuracy: 1e-5)
                }
            }
            let dMemory = test.backward().memory
            for row in 0..<b {
                for position in 0..<s {
                    let d = dMemory.slice(position).slice(row).scalars
                    if position >= lengths[row] {
                        XCTAssertEqual(d, [0, 0, 0, 0], "\(score) padded position \(position) of row \(row)")
                    } else {
                        XCTAssertTrue(d.allSatisfy(\.isFinite))
                    }
                }
            }
            for (name, parameter) in test.attention.namedParameters {
                XCTAssertTrue(parameter.gradient.scalars.allSatisfy(\.isFinite), "\(score) \(name)")
            }
        }
    }

    /// The inference path with rows mapped to sentences (as a beam has them) gives what the
    /// training path gives for those sentences.
    func testInferenceEqualsTraining() {
        for score in AttentionScore.allCases {
            let g = RandomGenerator(seed: 13)
            let attention = Attention(configuration: AttentionConfiguration(
                score: score, querySize: 6, memorySize: score == .dot ? 6 : 3), generator: g)
            let (s, b) = (4, 3)
            let lengths = [2, 4, 3]
            let m = attention.configuration.memorySize
            let memory = g.uniformTensor([s, b, m]), queries = g.uniformTensor([1, b, 6])
            attention.setMemory(memory, lengths: lengths, maxSteps: 1)
            let (context, weights) = attention.forward(query: queries.slice(0), step: 0)
            let stored = attention.memory(encoderOutput: memory, lengths: lengths)
            let sentences = [2, 0, 0, 1]
            let rowQueries = Tensor(zeros: [4, 6])
            for (row, sentence) in sentences.enumerated() { rowQueries.slice(row).assign(queries.slice(0).slice(sentence)) }
            let rowContext = Tensor(zeros: [4, m]), rowWeights = Tensor(zeros: [4, s])
            attention.attend(queries: rowQueries, memory: stored, sentences: sentences, context: rowContext, weights: rowWeights)
            for (row, sentence) in sentences.enumerated() {
                XCTAssertEqual(rowContext.slice(row).scalars, context.slice(sentence).scalars, "\(score)")
                XCTAssertEqual(rowWeights.slice(row).scalars, weights.slice(sentence).scalars, "\(score)")
            }
        }
    }

    // MARK: stepped LSTM

    /// Stepping a two-layer stack gives RecurrentLayer's outputs, final state and gradients.
    func testSteppedLSTMEqualsTheSequenceLayer() {
        let g = RandomGenerator(seed: 14)
        let config = RecurrentConfiguration(inputSize: 3, hiddenSize: 5, layers: 2)
        let stepped = SteppedLSTM(configuration: config, generator: RandomGenerator(seed: 1))
        let whole = RecurrentLayer(configuration: config, generator: RandomGenerator(seed: 1))
        let (t, b) = (4, 2)
        let x = g.uniformTensor([t, b, 3]), wy = g.uniformTensor([t, b, 5])
        let initial = RecurrentState(zerosFor: config, batchSize: b)
        g.fillUniform(initial.hidden, bound: 1)
        g.fillUniform(initial.cell!, bound: 1)
        let (y, final) = whole.forward(x, initialState: initial)
        let (dx, dInitial) = whole.backward(outputGradient: wy)
        stepped.begin(batchSize: b, maxSteps: t + 2, initialState: initial, training: false, generator: nil)
        for step in 0..<t {
            let top = stepped.forwardStep(input: x.slice(step))
            XCTAssertNil(Tolerance(absolute: 1e-6, relative: 1e-5).report(top, y.slice(step), name: "output \(step)"))
        }
        let dxStepped = Tensor(zeros: [t, b, 3])
        for step in (0..<t).reversed() {
            dxStepped.slice(step).assign(stepped.backwardStep(outputGradient: wy.slice(step)))
        }
        let dInitialStepped = stepped.finishBackward()
        let tolerance = Tolerance(absolute: 1e-6, relative: 1e-5)
        XCTAssertNil(tolerance.report(dxStepped, dx!, name: "input gradient"))
        XCTAssertNil(tolerance.report(dInitialStepped.hidden, dInitial.hidden, name: "h0 gradient"))
        XCTAssertNil(tolerance.report(dInitialStepped.cell!, dInitial.cell!, name: "c0 gradient"))
        for ((name, a), (_, e)) in zip(stepped.namedParameters, whole.namedParameters) {
            XCTAssertNil(tolerance.report(a.gradient, e.gradient, name: name))
        }
        // Inference stepping from the same state ends in the same final state.
        let state = initial.copy()
        for step in 0..<t { stepped.step(input: x.slice(step), state: state) }
        XCTAssertNil(tolerance.report(state.hidden, final.hidden, name: "final h"))
        XCTAssertNil(tolerance.report(state.cell!, final.cell!, name: "final c"))
    }

    /// With dropout between layers (a fixed mask stream), against finite differences.
    func testSteppedLSTMWithDropoutAgreesWithFiniteDifferences() {
        let g = RandomGenerator(seed: 15)
        let config = RecurrentConfiguration(inputSize: 3, hiddenSize: 4, layers: 2, dropout: 0.3)
        let layer = SteppedLSTM(configuration: config, generator: g)
        let (t, b) = (3, 2)
        let x = g.uniformTensor([t, b, 3]), wy = g.uniformTensor([t, b, 4])
        let initial = RecurrentState(zerosFor: config, batchSize: b)
        g.fillUniform(initial.hidden, bound: 1)
        g.fillUniform(initial.cell!, bound: 1)
        let loss = { () -> Double in
            layer.begin(batchSize: b, maxSteps: t, initialState: initial, training: true, generator: RandomGenerator(seed: 5))
            var total = 0.0
            for step in 0..<t { total += weightedSum(layer.forwardStep(input: x.slice(step)), wy.slice(step)) }
            return total
        }
        _ = loss()
        let dx = Tensor(zeros: [t, b, 3])
        for step in (0..<t).reversed() { dx.slice(step).assign(layer.backwardStep(outputGradient: wy.slice(step))) }
        let dInitial = layer.finishBackward()
        var reports = [check.report(x, analytic: dx, name: "input", loss: loss),
                       check.report(initial.hidden, analytic: dInitial.hidden, name: "h0", loss: loss),
                       check.report(initial.cell!, analytic: dInitial.cell!, name: "c0", loss: loss)]
        for (name, parameter) in layer.namedParameters {
            reports.append(check.report(parameter.value, analytic: parameter.gradient, name: name, loss: loss))
        }
        for report in reports.compactMap({ $0 }) { XCTFail(report) }
    }
}

import XCTest
import NN
import Tensor
import TestSupport

/// Properties of the recurrent stacks beyond single fixtures: padding is inert, stepping equals
/// running a sequence, truncated BPTT chains, dropout is seeded, threads do not change results.
final class RecurrentBehaviourTests: XCTestCase {
    override func setUp() {
        Threads.setCount(1)
    }

    func random(_ shape: [Int], _ g: RandomGenerator) -> Tensor {
        let t = Tensor(zeros: shape)
        g.fillUniform(t, bound: 1)
        return t
    }

    func testPaddedPositionsChangeNeitherOutputsNorGradients() {
        for cell in RecurrentCellKind.allCases {
            let g = RandomGenerator(seed: 1)
            let layer = RecurrentLayer(configuration: RecurrentConfiguration(cell: cell, inputSize: 3, hiddenSize: 5, layers: 2, bidirectional: true), generator: g)
            let (t, b) = (6, 3)
            let lengths = [6, 2, 4]
            let x = random([t, b, 3], g), dy = random([t, b, 10], g)
            func run() -> [[Float]] {
                layer.weights.forEach { [$0.inputWeight, $0.hiddenWeight, $0.inputBias!, $0.hiddenBias!].forEach { $0.zeroGradient() } }
                let (y, final) = layer.forward(x, lengths: lengths)
                let yCopy = y.scalars
                let (dx, _) = layer.backward(outputGradient: dy)
                return [yCopy, final.hidden.scalars, dx!.scalars] + layer.namedParameters.map { $0.parameter.gradient.scalars }
            }
            let reference = run()
            // Scribble over every padded input and output-gradient position.
            for step in 0..<t {
                for s in 0..<b where step >= lengths[s] {
                    for j in 0..<3 { x[step, s, j] = 100 + Float(j) }
                    for j in 0..<10 { dy[step, s, j] = -50 }
                }
            }
            let scribbled = run()
            XCTAssertEqual(scribbled, reference, "\(cell)")
            // Padded outputs are zero.
            let (y, _) = layer.forward(x, lengths: lengths)
            XCTAssertEqual(y[3, 1, 0], 0)
            XCTAssertEqual(y[5, 2, 7], 0)
        }
    }

    func testStepByStepInferenceEqualsTheSequenceForward() {
        for cell in RecurrentCellKind.allCases {
            let g = RandomGenerator(seed: 2)
            let config = RecurrentConfiguration(cell: cell, inputSize: 4, hiddenSize: 6, layers: 2)
            let layer = RecurrentLayer(configuration: config, generator: g)
            let (t, b) = (5, 2)
            let x = random([t, b, 4], g)
            let initial = RecurrentState(zerosFor: config, batchSize: b)
            g.fillUniform(initial.hidden, bound: 1)
            let (y, final) = layer.forward(x, initialState: initial)
            let state = initial.copy()
            let top = state.hidden.slice(1)
            for step in 0..<t {
                layer.step(input: x.slice(step), state: state)
                XCTAssertNil(Tolerance(absolute: 1e-6, relative: 1e-5).report(top, y.slice(step), name: "\(cell) step \(step)"))
            }
            XCTAssertNil(Tolerance(absolute: 1e-6, relative: 1e-5).report(state.hidden, final.hidden, name: "\(cell) final h"))
            if let c = state.cell { XCTAssertNil(Tolerance(absolute: 1e-6, relative: 1e-5).report(c, final.cell!, name: "\(cell) final c")) }
        }
    }

    func testChunksWithCarriedStateEqualOneLongSequence() {
        let g = RandomGenerator(seed: 3)
        let layer = LSTM(inputSize: 3, hiddenSize: 4, layers: 2, generator: g)
        let x = random([8, 2, 3], g)
        let whole = layer.forward(x).output.copy()
        let first = layer.forward(x.slice(0..<5))
        let firstOutput = first.output.copy()
        let second = layer.forward(x.slice(5..<8), initialState: first.finalState.copy())
        let tolerance = Tolerance(absolute: 1e-6, relative: 1e-5)
        XCTAssertNil(tolerance.report(firstOutput, whole.slice(0..<5), name: "chunk 1"))
        XCTAssertNil(tolerance.report(second.output, whole.slice(5..<8), name: "chunk 2"))
    }

    func testInitialStateGradientChainsAcrossChunks() {
        // Backward of chunk 2 gives ∂L/∂(state after chunk 1); feeding it as the final-state
        // gradient of chunk 1 must equal backward through the whole sequence.
        let g = RandomGenerator(seed: 4)
        let layer = GRU(inputSize: 3, hiddenSize: 4, layers: 2, generator: g)
        let x = random([7, 2, 3], g), dy = random([7, 2, 4], g)
        _ = layer.forward(x)
        let wholeDx = layer.backward(outputGradient: dy).inputGradient!.copy()
        let wholeGradients = layer.namedParameters.map { $0.parameter.gradient.copy() }
        layer.namedParameters.forEach { $0.parameter.zeroGradient() }
        let first = layer.forward(x.slice(0..<3))
        _ = layer.forward(x.slice(3..<7), initialState: first.finalState)
        let second = layer.backward(outputGradient: dy.slice(3..<7).copy())
        let dxSecond = second.inputGradient!.copy()
        _ = layer.forward(x.slice(0..<3))
        let dxFirst = layer.backward(outputGradient: dy.slice(0..<3).copy(), finalStateGradient: second.initialStateGradient).inputGradient!
        let tolerance = Tolerance(absolute: 1e-6, relative: 1e-5)
        XCTAssertNil(tolerance.report(dxFirst, wholeDx.slice(0..<3), name: "dx chunk 1"))
        XCTAssertNil(tolerance.report(dxSecond, wholeDx.slice(3..<7), name: "dx chunk 2"))
        for ((name, parameter), whole) in zip(layer.namedParameters, wholeGradients) {
            XCTAssertNil(tolerance.report(parameter.gradient, whole, name: name))
        }
    }

    func testDropoutBetweenLayersIsSeededAndOffInEvaluation() {
        let g = RandomGenerator(seed: 5)
        let layer = LSTM(inputSize: 3, hiddenSize: 8, layers: 3, dropout: 0.5, generator: g)
        let x = random([4, 2, 3], g)
        let evaluation = layer.forward(x).output.copy()
        let a = layer.forward(x, training: true, generator: RandomGenerator(seed: 1)).output.copy()
        let b = layer.forward(x, training: true, generator: RandomGenerator(seed: 1)).output.copy()
        let c = layer.forward(x, training: true, generator: RandomGenerator(seed: 2)).output.copy()
        XCTAssertEqual(a.scalars, b.scalars)
        XCTAssertNotEqual(a.scalars, c.scalars)
        XCTAssertNotEqual(a.scalars, evaluation.scalars)
        XCTAssertEqual(layer.forward(x).output.scalars, evaluation.scalars)
    }

    /// A training pass with weight drop is the plain pass of the same stack whose W_hh is
    /// W_hh ⊙ mask (entries 0 or 1/(1 − p)), one mask per layer-direction drawn first, in parameter order; the
    /// stored weights stay as they were, and evaluation ignores the drop.
    func testWeightDropIsThePlainPassOfMaskedWeights() {
        let g = RandomGenerator(seed: 8)
        let config = RecurrentConfiguration(cell: .lstm, inputSize: 3, hiddenSize: 5, layers: 2, bidirectional: true)
        let layer = RecurrentLayer(configuration: config, generator: g)
        let x = random([4, 2, 3], g)
        let evaluation = layer.forward(x).output.copy()
        let stored = layer.weights.map { $0.hiddenWeight.value.copy() }
        layer.hiddenWeightDrop = 0.4
        let dropped = layer.forward(x, training: true, generator: RandomGenerator(seed: 3)).output.copy()
        XCTAssertEqual(layer.weights.map { $0.hiddenWeight.value.scalars }, stored.map(\.scalars), "W_hh itself is untouched")
        XCTAssertEqual(layer.forward(x).output.scalars, evaluation.scalars, "evaluation uses W_hh whole")

        let masks = RandomGenerator(seed: 3)
        var zeros = 0
        for w in layer.weights {
            let mask = Tensor(zeros: w.hiddenWeight.value.shape)
            Dropout.fillMask(mask, probability: 0.4, generator: masks)
            zeros += mask.scalars.filter { $0 == 0 }.count
            Vector.multiply(w.hiddenWeight.value.pointer, mask.pointer, into: w.hiddenWeight.value.pointer, count: mask.count)
        }
        let total = layer.weights.reduce(0) { $0 + $1.hiddenWeight.value.count }
        XCTAssertEqual(Double(zeros) / Double(total), 0.4, accuracy: 0.06, "about 40% of W_hh dropped")
        layer.hiddenWeightDrop = 0
        XCTAssertEqual(layer.forward(x).output.scalars, dropped.scalars)
    }

    func testTwoThreadsAreDeterministicAndAgreeWithOne() {
        let g = RandomGenerator(seed: 6)
        let model = TinyLanguageModel(vocabulary: 50, embedding: 16, hidden: 32, layers: 2, generator: g)
        let ids: [Int32] = (0..<60).map { _ in Int32(g.nextInt(below: 50)) }
        let targets: [Int32] = (0..<60).map { _ in Int32(g.nextInt(below: 50)) }
        func run(_ threads: Int) -> [[Float]] {
            Threads.setCount(threads)
            model.registry.zeroGradients()
            _ = model.train(ids: ids, targets: targets, steps: 10, batch: 6)
            return model.registry.unique.map { $0.parameter.gradient.scalars }
        }
        let one = run(1)
        let twoA = run(2)
        let twoB = run(2)
        Threads.setCount(1)
        XCTAssertEqual(twoA, twoB)
        for (a, e) in zip(twoA, one) { XCTAssertNil(Tolerance(absolute: 1e-6, relative: 1e-4).mismatchReport(a, e)) }
    }

    func testGatherReordersBatchEntries() {
        let config = RecurrentConfiguration(inputSize: 1, hiddenSize: 2, layers: 2)
        let state = RecurrentState(zerosFor: config, batchSize: 3)
        for i in 0..<state.hidden.count { state.hidden.pointer[i] = Float(i); state.cell!.pointer[i] = Float(-i) }
        let target = RecurrentState(zerosFor: config, batchSize: 2)
        state.gather(batchEntries: [2, 0], into: target)
        XCTAssertEqual(target.hidden.scalars, [4, 5, 0, 1, 10, 11, 6, 7])
        XCTAssertEqual(target.cell!.scalars, [-4, -5, 0, -1, -10, -11, -6, -7])
    }

    func testSteppedTrainingPassEqualsTheSequencePass() {
        for cell in RecurrentCellKind.allCases {
            let g = RandomGenerator(seed: 8)
            let config = RecurrentConfiguration(cell: cell, inputSize: 3, hiddenSize: 5, layers: 2)
            let layer = RecurrentLayer(configuration: config, generator: g)
            let (t, b) = (4, 3)
            let x = random([t, b, 3], g), dy = random([t, b, 5], g)
            let initial = RecurrentState(zerosFor: config, batchSize: b), finalGradient = RecurrentState(zerosFor: config, batchSize: b)
            g.fillUniform(initial.hidden, bound: 1)
            g.fillUniform(finalGradient.hidden, bound: 1)
            if let c = initial.cell { g.fillUniform(c, bound: 1); g.fillUniform(finalGradient.cell!, bound: 1) }

            let (y, final) = layer.forward(x, initialState: initial)
            let yCopy = y.copy()
            let (dx, dInitial) = layer.backward(outputGradient: dy, finalStateGradient: finalGradient)
            let dxCopy = dx!.copy()
            let gradients = layer.namedParameters.map { $0.parameter.gradient.copy() }
            layer.namedParameters.forEach { $0.parameter.zeroGradient() }

            let tolerance = Tolerance(absolute: 1e-6, relative: 1e-5)
            layer.beginSteps(batchSize: b, maximumSteps: t + 2, initialState: initial)
            var outputs: [Tensor] = []
            for step in 0..<t { outputs.append(layer.forwardStep(x.slice(step).copy())) }
            for step in 0..<t { XCTAssertNil(tolerance.report(outputs[step], yCopy.slice(step), name: "\(cell) y[\(step)]")) }
            let stepped = layer.stepState()
            XCTAssertNil(tolerance.report(stepped.hidden, final.hidden, name: "\(cell) final h"))
            for step in (0..<t).reversed() {
                let dxStep = layer.backwardStep(outputGradient: dy.slice(step), finalStateGradient: step == t - 1 ? finalGradient : nil)
                XCTAssertNil(tolerance.report(dxStep, dxCopy.slice(step), name: "\(cell) dx[\(step)]"))
            }
            let dInitialStepped = layer.finishBackwardSteps()
            XCTAssertNil(tolerance.report(dInitialStepped.hidden, dInitial.hidden, name: "\(cell) dh0"))
            if let dc = dInitialStepped.cell { XCTAssertNil(tolerance.report(dc, dInitial.cell!, name: "\(cell) dc0")) }
            for ((name, parameter), expected) in zip(layer.namedParameters, gradients) {
                XCTAssertNil(tolerance.report(parameter.gradient, expected, name: "\(cell) \(name)"))
            }
        }
    }

    func testSteppedDropoutBackpropagatesThroughItsMasks() {
        let g = RandomGenerator(seed: 9)
        let layer = LSTM(inputSize: 2, hiddenSize: 3, layers: 2, dropout: 0.3, generator: g)
        let (t, b) = (3, 2)
        let x = random([t, b, 2], g), dy = random([t, b, 3], g)
        func run(backward: Bool) -> Double {
            layer.beginSteps(batchSize: b, maximumSteps: t, training: true, generator: RandomGenerator(seed: 4))
            var loss = 0.0
            for step in 0..<t {
                let y = layer.forwardStep(x.slice(step))
                loss += zip(y.scalars, dy.slice(step).scalars).reduce(0) { $0 + Double($1.0 * $1.1) }
            }
            if backward {
                for step in (0..<t).reversed() { _ = layer.backwardStep(outputGradient: dy.slice(step)) }
                layer.finishBackwardSteps()
            }
            return loss
        }
        layer.namedParameters.forEach { $0.parameter.zeroGradient() }
        _ = run(backward: true)
        for (name, parameter) in layer.namedParameters {
            XCTAssertNil(GradientCheck().report(parameter.value, analytic: parameter.gradient, name: "stepped dropout \(name)") {
                run(backward: false)
            })
        }
    }
}

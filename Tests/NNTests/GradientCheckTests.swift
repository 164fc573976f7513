import XCTest
import NN
import Tensor
import TestSupport

/// Every layer's hand-written backward against central finite differences, and the composed
/// Embedding → LSTM(2 layers) → Linear → cross-entropy model, bidirectional and masked included.
final class GradientCheckTests: XCTestCase {
    let check = GradientCheck()

    override func setUp() {
        Threads.setCount(1)
    }

    func random(_ shape: [Int], _ generator: RandomGenerator, bound: Float = 1) -> Tensor {
        let t = Tensor(zeros: shape)
        generator.fillUniform(t, bound: bound)
        return t
    }

    /// Σ w ⊙ x in Double: a loss whose gradient with respect to x is w.
    func weightedSum(_ x: Tensor, _ w: Tensor) -> Double {
        zip(x.scalars, w.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    func testLinear() {
        let g = RandomGenerator(seed: 1)
        let layer = Linear(inputSize: 5, outputSize: 3, generator: g)
        let x = random([4, 5], g), w = random([4, 3], g)
        let loss = { self.weightedSum(layer.forward(x), w) }
        _ = layer.forward(x)
        let dx = layer.backward(outputGradient: w.copy())!.copy()
        XCTAssertNil(check.report(x, analytic: dx, name: "linear input", loss: loss))
        XCTAssertNil(check.report(layer.weight.value, analytic: layer.weight.gradient, name: "linear weight", loss: loss))
        XCTAssertNil(check.report(layer.bias!.value, analytic: layer.bias!.gradient, name: "linear bias", loss: loss))
    }

    func testEmbeddingTouchesOnlyRowsUsedAndNeverThePaddingRow() {
        let g = RandomGenerator(seed: 2)
        let layer = Embedding(embeddingCount: 6, dimensions: 3, paddingIndex: 0, generator: g)
        XCTAssertEqual(layer.weight.value.slice(0).scalars, [0, 0, 0])
        let ids: [Int32] = [1, 3, 3, 0, 5]
        let w = random([5, 3], g)
        _ = layer.forward(ids, shape: [5])
        layer.backward(outputGradient: w)
        // Rows 2 and 4 unused, row 0 padding: zero gradient.
        for row in [0, 2, 4] { XCTAssertEqual(layer.weight.gradient.slice(row).scalars, [0, 0, 0]) }
        // Used rows: finite differences (row 3 twice, so its gradient is a sum).
        let used = Tensor(zeros: [3, 3])
        for (i, row) in [1, 3, 5].enumerated() { used.slice(i).assign(layer.weight.gradient.slice(row)) }
        for (i, row) in [1, 3, 5].enumerated() {
            XCTAssertNil(check.report(layer.weight.value.slice(row), analytic: used.slice(i), name: "embedding row \(row)") {
                self.weightedSum(layer.forward(ids, shape: [5]), w)
            })
        }
    }

    /// Embedding dropout: whole rows dropped for every occurrence, the rest scaled by 1/(1−p);
    /// the gradient reaches kept rows through the scale and dropped rows get none; evaluation
    /// and a rate of 0 read the plain rows.
    func testEmbeddingRowDropout() {
        let g = RandomGenerator(seed: 12)
        let layer = Embedding(embeddingCount: 8, dimensions: 3, paddingIndex: 0, generator: g)
        layer.rowDropout = 0.5
        let ids: [Int32] = [1, 3, 3, 0, 5, 6, 7, 2, 3, 4]
        let w = random([ids.count, 3], g)
        let seed: UInt64 = 3
        let y = layer.forward(ids, shape: [ids.count], training: true, generator: RandomGenerator(seed: seed)).copy()
        layer.backward(outputGradient: w)
        var dropped: Set<Int32> = [], kept: Set<Int32> = []
        for (n, id) in ids.enumerated() where id != 0 {
            let row = y.slice(n).scalars, source = layer.weight.value.slice(Int(id)).scalars
            if row == [0, 0, 0] {
                dropped.insert(id)
            } else {
                kept.insert(id)
                for (a, b) in zip(row, source) { XCTAssertEqual(a, 2 * b, accuracy: 1e-6, "row \(id) kept: ×1/(1−p)") }
            }
        }
        XCTAssertTrue(dropped.isDisjoint(with: kept), "a word is dropped at every occurrence or at none")
        XCTAssertFalse(dropped.isEmpty, "seed \(seed) drops some rows")
        XCTAssertFalse(kept.isEmpty, "seed \(seed) keeps some rows")
        for id in dropped { XCTAssertEqual(layer.weight.gradient.slice(Int(id)).scalars, [0, 0, 0], "dropped row \(id)") }
        XCTAssertEqual(layer.weight.gradient.slice(0).scalars, [0, 0, 0], "the padding row")
        let analytic = layer.weight.gradient.copy()
        for id in kept {
            XCTAssertNil(check.report(layer.weight.value.slice(Int(id)), analytic: analytic.slice(Int(id)), name: "kept row \(id)") {
                self.weightedSum(layer.forward(ids, shape: [ids.count], training: true, generator: RandomGenerator(seed: seed)), w)
            })
        }
        let plain = Embedding(weight: layer.weight, paddingIndex: 0)
        let expected = plain.forward(ids, shape: [ids.count]).copy().scalars
        XCTAssertEqual(layer.forward(ids, shape: [ids.count], training: false, generator: nil).scalars, expected)
        // A rate of 0 draws nothing: the generator's stream is left for the masks after it.
        layer.rowDropout = 0
        let untouched = RandomGenerator(seed: seed)
        XCTAssertEqual(layer.forward(ids, shape: [ids.count], training: true, generator: untouched).scalars, expected)
        XCTAssertEqual(untouched.next(), RandomGenerator(seed: seed).next())
    }

    func testDropoutWithAFixedMask() {
        let layer = Dropout(probability: 0.4)
        let x = random([50], RandomGenerator(seed: 3)), w = random([50], RandomGenerator(seed: 4))
        let loss = { self.weightedSum(layer.forward(x, training: true, generator: RandomGenerator(seed: 9)), w) }
        let y = layer.forward(x, training: true, generator: RandomGenerator(seed: 9))
        let zeros = y.scalars.filter { $0 == 0 }.count
        XCTAssertGreaterThan(zeros, 5)
        XCTAssertLessThan(zeros, 35)
        for (yi, xi) in zip(y.scalars, x.scalars) where yi != 0 { XCTAssertEqual(yi, xi / 0.6, accuracy: 1e-6) }
        let dx = layer.backward(outputGradient: w).copy()
        XCTAssertNil(check.report(x, analytic: dx, name: "dropout input", loss: loss))
        // Evaluation: identity.
        XCTAssertEqual(layer.forward(x, training: false, generator: nil).scalars, x.scalars)
    }

    func testSoftmaxCrossEntropyWithSmoothingIgnoreIndexAndBothReductions() {
        let g = RandomGenerator(seed: 5)
        let logits = random([6, 7], g, bound: 3)
        let targets: [Int32] = [1, 0, 6, 2, 0, 3]
        for reduction in [LossReduction.mean, .sum] {
            let criterion = SoftmaxCrossEntropy(ignoreIndex: 0, reduction: reduction, labelSmoothing: 0.2)
            let gradient = logits.copy()
            let result = criterion.lossAndGradient(logits: gradient, targets: targets, gradientScale: 1.5)
            XCTAssertEqual(result.count, 4)
            XCTAssertEqual(gradient.slice(1).scalars, [Float](repeating: 0, count: 7))
            XCTAssertEqual(result.loss, criterion.loss(logits: logits, targets: targets).loss, accuracy: 1e-9)
            XCTAssertNil(check.report(logits, analytic: gradient, name: "softmax-CE \(reduction)") {
                1.5 * criterion.loss(logits: logits, targets: targets).loss
            })
        }
    }

    /// A recurrent stack with initial state: loss Σ wy⊙y + Σ wh⊙hn + Σ wc⊙cn. With weight drop
    /// (and dropout between layers) the pass is a training one whose masks come from a generator
    /// seeded afresh for every evaluation of the loss, so each sees the same masks.
    func checkRecurrent(_ cell: RecurrentCellKind, bidirectional: Bool, lengths: [Int]?, weightDrop: Float = 0,
                        dropout: Float = 0, file: StaticString = #filePath, line: UInt = #line) {
        let g = RandomGenerator(seed: 6)
        let config = RecurrentConfiguration(cell: cell, inputSize: 3, hiddenSize: 4, layers: 2, dropout: dropout,
                                            bidirectional: bidirectional)
        let layer = RecurrentLayer(configuration: config, generator: g)
        layer.hiddenWeightDrop = weightDrop
        let training = weightDrop > 0 || dropout > 0
        let (t, b) = (5, 3)
        let x = random([t, b, 3], g)
        let initial = RecurrentState(zerosFor: config, batchSize: b)
        g.fillUniform(initial.hidden, bound: 1)
        if let c = initial.cell { g.fillUniform(c, bound: 1) }
        let wy = random([t, b, config.outputSize], g)
        let wState = RecurrentState(zerosFor: config, batchSize: b)
        g.fillUniform(wState.hidden, bound: 1)
        if let c = wState.cell { g.fillUniform(c, bound: 1) }
        let loss = { () -> Double in
            let (y, final) = layer.forward(x, lengths: lengths, initialState: initial, training: training,
                                           generator: RandomGenerator(seed: 42))
            var total = self.weightedSum(y, wy) + self.weightedSum(final.hidden, wState.hidden)
            if let c = final.cell { total += self.weightedSum(c, wState.cell!) }
            return total
        }
        _ = layer.forward(x, lengths: lengths, initialState: initial, training: training, generator: RandomGenerator(seed: 42))
        let (dx, dInitial) = layer.backward(outputGradient: wy, finalStateGradient: wState)
        let name = "\(cell) bi=\(bidirectional) lengths=\(lengths.map { "\($0)" } ?? "-") weight drop \(weightDrop)"
        let dxCopy = dx!.copy()
        var reports = [check.report(x, analytic: dxCopy, name: "\(name) input", loss: loss),
                       check.report(initial.hidden, analytic: dInitial.hidden, name: "\(name) h0", loss: loss)]
        if let c = initial.cell { reports.append(check.report(c, analytic: dInitial.cell!, name: "\(name) c0", loss: loss)) }
        for (parameterName, parameter) in layer.namedParameters {
            reports.append(check.report(parameter.value, analytic: parameter.gradient, name: "\(name) \(parameterName)", loss: loss))
        }
        for report in reports.compactMap({ $0 }) { XCTFail(report, file: file, line: line) }
    }

    func testLSTM() {
        checkRecurrent(.lstm, bidirectional: false, lengths: nil)
        checkRecurrent(.lstm, bidirectional: true, lengths: [5, 2, 4])
    }

    func testGRU() {
        checkRecurrent(.gru, bidirectional: false, lengths: nil)
        checkRecurrent(.gru, bidirectional: true, lengths: [1, 5, 3])
    }

    func testRNN() {
        checkRecurrent(.rnn, bidirectional: false, lengths: nil)
        checkRecurrent(.rnn, bidirectional: true, lengths: [3, 5, 2])
    }

    /// Weight drop: the gradient reaches W_hh through the mask (entries dropped get none), with
    /// and without dropout between layers drawing from the same generator.
    func testWeightDrop() {
        checkRecurrent(.lstm, bidirectional: false, lengths: nil, weightDrop: 0.4)
        checkRecurrent(.lstm, bidirectional: true, lengths: [5, 2, 4], weightDrop: 0.3, dropout: 0.3)
        checkRecurrent(.gru, bidirectional: false, lengths: [4, 5, 1], weightDrop: 0.5)
        checkRecurrent(.rnn, bidirectional: true, lengths: nil, weightDrop: 0.25)
    }

    /// Embedding → LSTM (2 layers) → Linear → cross-entropy, every named parameter.
    func checkComposed(bidirectional: Bool, lengths: [Int]?, initialState: Bool, tie: Bool = false) {
        let g = RandomGenerator(seed: 7)
        let (t, b, v) = (4, 3, 7)
        let model = TinyLanguageModel(vocabulary: v, embedding: bidirectional ? 6 : 3, hidden: 3, layers: 2,
                                      bidirectional: bidirectional, tie: tie, ignoreIndex: 0, generator: g)
        var ids: [Int32] = (0..<(t * b)).map { _ in Int32(1 + g.nextInt(below: v - 1)) }
        var targets: [Int32] = (0..<(t * b)).map { _ in Int32(1 + g.nextInt(below: v - 1)) }
        if let lengths {
            // Padding: id 0 in, ignore index 0 out, for t ≥ length.
            for step in 0..<t { for s in 0..<b where step >= lengths[s] { ids[step * b + s] = 0; targets[step * b + s] = 0 } }
        }
        let state: RecurrentState? = initialState ? {
            let s = RecurrentState(zerosFor: model.rnn.configuration, batchSize: b)
            g.fillUniform(s.hidden, bound: 0.5)
            g.fillUniform(s.cell!, bound: 0.5)
            return s
        }() : nil
        model.registry.zeroGradients()
        _ = model.train(ids: ids, targets: targets, steps: t, batch: b, lengths: lengths, initialState: state)
        let name = "composed bi=\(bidirectional) masked=\(lengths != nil) tie=\(tie)"
        for entry in model.registry.unique {
            XCTAssertNil(check.report(entry.parameter.value, analytic: entry.parameter.gradient, name: "\(name) \(entry.name)") {
                model.loss(ids: ids, targets: targets, steps: t, batch: b, lengths: lengths, initialState: state)
            })
        }
    }

    func testComposedModel() {
        checkComposed(bidirectional: false, lengths: nil, initialState: true)
        checkComposed(bidirectional: false, lengths: nil, initialState: false, tie: true)
    }

    func testComposedBidirectionalMaskedModel() {
        checkComposed(bidirectional: true, lengths: [4, 1, 3], initialState: false)
    }
}

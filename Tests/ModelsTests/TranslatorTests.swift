import XCTest
@testable import Models
import NN
import Tensor
import TestSupport

/// The translator's gradients against finite differences, padding that adds nothing, the
/// decoding path equal to the training path, and a tiny model that learns to reverse sequences.
final class TranslatorTests: XCTestCase {
    override func setUp() {
        Threads.setCount(1)
    }

    let sources = [[5, 6, 7, 8], [4], [6, 4, 5]]
    let targets = [[4, 5, 6], [7, 6, 4, 5, 5], [7]]

    func tinyModel(_ attention: AttentionScore, layers: Int = 1, tie: Bool = false, dropout: Float = 0,
                   seed: UInt64 = 1) throws -> Translator {
        let hd = attention == .dot || tie ? 6 : 5
        let configuration = TranslatorConfiguration(
            sourceVocabularySize: 9, targetVocabularySize: 8, embeddingSize: tie ? hd : 4, encoderHiddenSize: 3,
            decoderHiddenSize: hd, layers: layers, attention: attention, dropout: dropout, tiesOutputEmbedding: tie)
        return try Translator(configuration: configuration, generator: RandomGenerator(seed: seed))
    }

    /// Every parameter, through encoder, bridge, attention, input feeding and output layer, with
    /// dropout (re-drawn from the same seed for each evaluation) in the two-layer case.
    func testEveryParameterAgreesWithFiniteDifferences() throws {
        let cases: [(AttentionScore, Int, Bool, Float, Float)] = [
            (.general, 2, false, 0.3, 0.1), (.additive, 1, true, 0, 0), (.dot, 1, false, 0, 0),
        ]
        let batch = TranslationBatch(sources: sources, targets: targets)
        var check = GradientCheck()
        // Twenty-odd tensors per model: a few probes each keep the test fast in debug builds.
        check.maximumProbes = 4
        for (attention, layers, tie, dropout, smoothing) in cases {
            let model = try tinyModel(attention, layers: layers, tie: tie, dropout: dropout)
            let criterion = SoftmaxCrossEntropy(ignoreIndex: 0, labelSmoothing: smoothing)
            model.registry.zeroGradients()
            _ = model.trainingStep(batch, criterion: criterion, generator: RandomGenerator(seed: 3))
            let loss = { () -> Double in
                let logits = model.forward(batch, training: true, teacherForcing: 1, generator: RandomGenerator(seed: 3))
                return criterion.loss(logits: logits, targets: batch.targetOutputs).loss
            }
            for entry in model.registry.unique {
                if let report = check.report(entry.parameter.value, analytic: entry.parameter.gradient,
                                             name: "\(attention) L\(layers) tie=\(tie) \(entry.name)", loss: loss) {
                    XCTFail(report)
                }
            }
        }
    }

    /// With a summed loss, a batch's gradient is the sum of its sentences' gradients alone:
    /// the padding each sentence gets in the batch changes nothing.
    func testPaddingAddsNothingToLossOrGradients() throws {
        let model = try tinyModel(.general, layers: 2)
        let criterion = SoftmaxCrossEntropy(ignoreIndex: 0, reduction: .sum)
        model.registry.zeroGradients()
        let together = model.trainingStep(TranslationBatch(sources: sources, targets: targets), criterion: criterion,
                                          generator: RandomGenerator(seed: 1))
        let batchGradients = model.registry.unique.map { $0.parameter.gradient.copy() }
        model.registry.zeroGradients()
        var separate = 0.0
        for (source, target) in zip(sources, targets) {
            separate += model.trainingStep(TranslationBatch(sources: [source], targets: [target]), criterion: criterion,
                                           generator: RandomGenerator(seed: 1)).loss
        }
        XCTAssertEqual(together.loss, separate, accuracy: 1e-4)
        let tolerance = Tolerance(absolute: 1e-5, relative: 1e-4)
        for (entry, expected) in zip(model.registry.unique, batchGradients) {
            XCTAssertNil(tolerance.report(entry.parameter.gradient, expected, name: entry.name))
        }
    }

    /// `encode` + `decodeStep` fed the reference tokens give the training forward's
    /// log-probabilities; fed their own argmax they give the loss of teacher forcing 0.
    func testDecodingStepsEqualTheTrainingForward() throws {
        let model = try tinyModel(.additive, layers: 2)
        let batch = TranslationBatch(sources: sources, targets: targets)
        let (t, b, v) = (batch.targetSteps, batch.batchSize, model.vocabularySize)
        let logits = model.forward(batch, training: false, teacherForcing: 1, generator: nil).copy()
        Softmax.logSoftmax(logits, into: logits)
        var state = try model.encode(sources: sources)
        var output = DecoderStepOutput()
        for step in 0..<t {
            try model.decodeStep(&state, previousTokens: (0..<b).map { Int(batch.targetInputs[step * b + $0]) }, output: &output)
            XCTAssertEqual(output.attentionWidth, batch.sourceSteps)
            XCTAssertNil(Tolerance().mismatchReport(output.logProbabilities, logits.slice((step * b)..<((step + 1) * b)).scalars,
                                                    name: "step \(step)"))
        }

        // Teacher forcing 0: each step reads the previous argmax.
        let criterion = SoftmaxCrossEntropy(ignoreIndex: 0)
        let sampled = model.forward(batch, training: true, teacherForcing: 0, generator: RandomGenerator(seed: 2))
        let trainingLoss = criterion.loss(logits: sampled, targets: batch.targetOutputs).loss
        state = try model.encode(sources: sources)
        var previous = [Int](repeating: 2, count: b)
        var total = 0.0, count = 0
        for step in 0..<t {
            try model.decodeStep(&state, previousTokens: previous, output: &output)
            for row in 0..<b {
                let values = Array(output.logProbabilities[(row * v)..<((row + 1) * v)])
                let target = Int(batch.targetOutputs[step * b + row])
                if target != 0 { total -= Double(values[target]); count += 1 }
                previous[row] = values.indices.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) }!
            }
        }
        XCTAssertEqual(trainingLoss, total / Double(count), accuracy: 1e-5)
    }

    /// A tiny model learns to reverse sequences of 2–5 symbols; greedy and beam search then
    /// reverse held-out sequences, and unknown-word replacement finds the aligned source.
    func testLearnsToReverseSequences() throws {
        let generator = RandomGenerator(seed: 4)
        func sequence() -> [Int] { (0..<(2 + generator.nextInt(below: 4))).map { _ in 4 + generator.nextInt(below: 8) } }
        let configuration = TranslatorConfiguration(
            sourceVocabularySize: 12, targetVocabularySize: 12, embeddingSize: 8, encoderHiddenSize: 8,
            decoderHiddenSize: 16, attention: .general, dropout: 0)
        let model = try Translator(configuration: configuration, generator: generator)
        let optimizer = Adam(parameters: model.registry, learningRate: 0.03)
        let criterion = SoftmaxCrossEntropy(ignoreIndex: 0)
        var firstLoss = 0.0, lastLoss = 0.0
        for step in 0..<120 {
            let sources = (0..<16).map { _ in sequence() }
            model.registry.zeroGradients()
            let result = model.trainingStep(TranslationBatch(sources: sources, targets: sources.map { $0.reversed() }),
                                            criterion: criterion, generator: generator)
            model.registry.clipGradientNorm(maxNorm: 5)
            optimizer.step()
            if step == 0 { firstLoss = result.loss }
            lastLoss = result.loss
        }
        XCTAssertGreaterThan(firstLoss, 2)
        XCTAssertLessThan(lastLoss, 0.1)
        let held = (0..<20).map { _ in sequence() }
        let greedy = try GreedySearch().search(model, sources: held)
        let beam = try BeamSearch(beamSize: 3).search(model, sources: held)
        let greedyRight = zip(greedy, held).filter { $0.tokens == $1.reversed() }.count
        let beamRight = zip(beam, held).filter { $0.first?.tokens == $1.reversed() }.count
        XCTAssertGreaterThanOrEqual(greedyRight, 18)
        XCTAssertGreaterThanOrEqual(beamRight, 18)
        // Attention of a reversing model looks at the mirrored position: output i ↔ source n−1−i.
        var aligned = 0, total = 0
        for (hypothesis, source) in zip(greedy, held) where hypothesis.tokens == source.reversed() {
            for (i, row) in hypothesis.attention.prefix(source.count).enumerated() {
                let words = source.map { "w\($0)" }
                var output = hypothesis.tokens.map { "w\($0)" }
                output[i] = "<unk>"
                let replaced = replaceUnknowns(output: output, attention: hypothesis.attention, source: words)
                if replaced[i] == words[source.count - 1 - i] { aligned += 1 }
                XCTAssertEqual(row.count, source.count)
                total += 1
            }
        }
        XCTAssertGreaterThan(Double(aligned), 0.8 * Double(total))
    }
}

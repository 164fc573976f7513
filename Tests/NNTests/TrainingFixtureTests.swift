import XCTest
import Foundation
import NN
import Tensor
import TestSupport

/// Small end-to-end checks against PyTorch: Embedding + Linear + cross-entropy, ten training
/// steps of a tiny LSTM language model with SGD and with Adam (loss trajectory and final
/// weights), and checkpoints crossing between PyTorch and LSTMKit.
final class TrainingFixtureTests: XCTestCase {
    override func setUp() {
        Threads.setCount(1)
    }

    func testEmbeddingLinearCrossEntropyMatchesPyTorch() throws {
        let file = try Fixture.load("embedding_linear_ce.safetensors")
        let embedding = Embedding(weight: Parameter(try file.require("param.embedding.weight").copy()), paddingIndex: 0)
        let linear = Linear(weight: Parameter(try file.require("param.linear.weight").copy()),
                            bias: Parameter(try file.require("param.linear.bias").copy()))
        let ids = try file.requireIndices("ids"), targets = try file.requireIndices("targets")
        let cases: [(String, SoftmaxCrossEntropy)] = [
            ("a", SoftmaxCrossEntropy(ignoreIndex: 0, reduction: .mean, labelSmoothing: 0.1)),
            ("b", SoftmaxCrossEntropy(reduction: .sum)),
        ]
        let tolerance = Tolerance()
        for (key, criterion) in cases {
            embedding.weight.zeroGradient()
            linear.weight.zeroGradient()
            linear.bias!.zeroGradient()
            let logits = linear.forward(embedding.forward(ids, shape: [ids.count]))
            XCTAssertNil(tolerance.report(logits, try file.require("\(key).logits"), name: "\(key) logits"))
            let evaluated = criterion.loss(logits: logits, targets: targets)
            let result = criterion.lossAndGradient(logits: logits, targets: targets)
            XCTAssertEqual(evaluated.loss, result.loss, accuracy: 1e-6)
            XCTAssertNil(tolerance.mismatchReport([result.loss], try file.require("\(key).loss").scalars, name: "\(key) loss"))
            embedding.backward(outputGradient: linear.backward(outputGradient: logits)!)
            XCTAssertNil(tolerance.report(embedding.weight.gradient, try file.require("\(key).grad.embedding.weight"), name: "\(key) grad embedding"))
            XCTAssertNil(tolerance.report(linear.weight.gradient, try file.require("\(key).grad.linear.weight"), name: "\(key) grad linear weight"))
            XCTAssertNil(tolerance.report(linear.bias!.gradient, try file.require("\(key).grad.linear.bias"), name: "\(key) grad linear bias"))
        }
    }

    /// Embedding dropout with the output layer tied to the embedding: PyTorch multiplies the
    /// matrix by the fixture's row mask before the lookup (AWD-LSTM's embedded_dropout) and the
    /// output layer reads it undropped; logits, loss and both gradients agree.
    func testEmbeddingDropoutWithATiedOutputLayerMatchesPyTorch() throws {
        let file = try Fixture.load("embedding_dropout.safetensors")
        let embedding = Embedding(weight: Parameter(try file.require("param.weight").copy()), paddingIndex: 0)
        let linear = Linear(weight: embedding.weight, bias: Parameter(try file.require("param.bias").copy()))
        let ids = try file.requireIndices("ids"), targets = try file.requireIndices("targets")
        let mask = try file.require("row_mask")
        XCTAssertTrue(ids.contains { $0 != 0 && mask.scalars[Int($0)] == 0 } && ids.contains { $0 != 0 && mask.scalars[Int($0)] > 1 },
                      "the fixture drops some words it reads and keeps others")
        let tolerance = Tolerance()
        let logits = linear.forward(embedding.forward(ids, shape: [ids.count], rowMask: mask))
        XCTAssertNil(tolerance.report(logits, try file.require("logits"), name: "logits"))
        let result = SoftmaxCrossEntropy(reduction: .mean).lossAndGradient(logits: logits, targets: targets)
        XCTAssertNil(tolerance.mismatchReport([result.loss], try file.require("loss").scalars, name: "loss"))
        embedding.backward(outputGradient: linear.backward(outputGradient: logits)!)
        XCTAssertNil(tolerance.report(embedding.weight.gradient, try file.require("grad.weight"), name: "grad weight"))
        XCTAssertNil(tolerance.report(linear.bias!.gradient, try file.require("grad.bias"), name: "grad bias"))
    }

    struct TrainingConfig: Decodable {
        var vocab: Int
        var embedding: Int
        var hidden: Int
        var layers: Int
        var steps: Int
        var batch: Int
        var chunks: Int
        var tie: Bool
        var optimizer: String
        var clip: Double?
    }

    /// Replays the fixture's ten steps of truncated BPTT and compares losses and final weights.
    func replayTraining(_ name: String, makeOptimizer: (ParameterRegistry) -> Optimizer) throws {
        let file = try Fixture.load(name)
        let config = try JSONDecoder().decode(TrainingConfig.self, from: Data((file.metadata["config"] ?? "").utf8))
        let model = TinyLanguageModel(vocabulary: config.vocab, embedding: config.embedding, hidden: config.hidden,
                                      layers: config.layers, tie: config.tie, generator: RandomGenerator(seed: 1))
        for entry in model.registry.entries {
            entry.parameter.value.assign(try file.tensor(named: "initial.\(entry.name)", shape: entry.parameter.shape))
        }
        let optimizer = makeOptimizer(model.registry)
        let data = try file.requireIndices("data")  // (chunks·T + 1, B)
        let (t, b) = (config.steps, config.batch)
        var state: RecurrentState?
        var losses: [Double] = []
        for chunk in 0..<config.chunks {
            let ids = Array(data[(chunk * t * b)..<((chunk + 1) * t * b)])
            let targets = Array(data[(chunk * t * b + b)..<((chunk + 1) * t * b + b)])
            model.registry.zeroGradients()
            let (loss, final) = model.train(ids: ids, targets: targets, steps: t, batch: b, initialState: state)
            state = final.copy()
            if let clip = config.clip { model.registry.clipGradientNorm(maxNorm: clip) }
            optimizer.step()
            losses.append(loss)
        }
        let tolerance = Tolerance()
        XCTAssertNil(tolerance.mismatchReport(losses, try file.require("losses").scalars, name: "\(name) losses"))
        for entry in model.registry.entries {
            XCTAssertNil(tolerance.report(entry.parameter.value, try file.require("final.\(entry.name)"), name: "\(name) final \(entry.name)"))
        }
        XCTAssertEqual(optimizer.stepCount, config.chunks)
    }

    func testTenStepsOfSGDWithMomentumDecayAndClippingMatchPyTorch() throws {
        try replayTraining("sgd_tiny_lm.safetensors") {
            SGD(parameters: $0, learningRate: 1.0, momentum: 0.5, weightDecay: 1e-3)
        }
    }

    func testTenStepsOfAdamOnATiedModelMatchPyTorch() throws {
        try replayTraining("adam_tiny_lm.safetensors") {
            Adam(parameters: $0, learningRate: 0.01)
        }
    }

    func testLoadsACheckpointWrittenByPyTorchAndReproducesItsOutputs() throws {
        let model = TinyLanguageModel(vocabulary: 10, embedding: 6, hidden: 5, layers: 2, generator: RandomGenerator(seed: 3))
        try model.registry.load(contentsOf: Fixture.path("torch_checkpoint.safetensors"))
        let expected = try Fixture.load("torch_checkpoint_expected.safetensors")
        let ids = try expected.requireIndices("ids")
        let (logits, _) = model.logits(ids: ids, steps: 4, batch: 3)
        XCTAssertNil(Tolerance().report(logits.reshaped([4, 3, 10]), try expected.require("logits"), name: "logits"))
    }

    /// Writes a tied model's checkpoint and the logits it gives for fixed input; reloads both
    /// here. With `LSTMKIT_CHECKPOINT_OUT=folder` set, the files go to that folder, where
    /// `scripts/reference/make_fixtures.py --check-lstmkit` loads the checkpoint into the
    /// equivalent PyTorch module (`load_state_dict(strict=True)`) and compares the logits.
    func testWritesACheckpointThatReloadsAndThatPyTorchCanLoad() throws {
        let folder = ProcessInfo.processInfo.environment["LSTMKIT_CHECKPOINT_OUT"]
            ?? NSTemporaryDirectory() + "checkpoint-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let config = ["vocab": 9, "embedding": 6, "hidden": 6, "layers": 2]
        let model = TinyLanguageModel(vocabulary: 9, embedding: 6, hidden: 6, layers: 2, tie: true, generator: RandomGenerator(seed: 11))
        let configText = "{\"vocab\": 9, \"embedding\": 6, \"hidden\": 6, \"layers\": 2, \"tie\": true}"
        try model.registry.write(to: folder + "/model.safetensors", metadata: ["config": configText])
        let ids: [Int32] = [1, 4, 8, 0, 3, 3, 7, 2, 5, 6, 1, 0]
        let logits = model.logits(ids: ids, steps: 4, batch: 3).logits.copy()
        try SafeTensorsFile.write([("ids", Tensor(shape: [4, 3], scalars: ids.map { Float($0) })),
                                   ("logits", logits.reshaped([4, 3, 9]))],
                                  to: folder + "/expected.safetensors")
        // Tied weights are written under both names, as PyTorch's state_dict lists them.
        let written = try SafeTensorsFile(contentsOf: folder + "/model.safetensors")
        XCTAssertEqual(written.tensor(named: "encoder.weight")?.scalars, written.tensor(named: "decoder.weight")?.scalars)
        XCTAssertEqual(written.names.count, model.registry.entries.count)
        let reloaded = TinyLanguageModel(vocabulary: config["vocab"]!, embedding: 6, hidden: 6, layers: 2, tie: true, generator: RandomGenerator(seed: 99))
        try reloaded.registry.load(from: written)
        XCTAssertEqual(reloaded.logits(ids: ids, steps: 4, batch: 3).logits.scalars, logits.scalars)
        if ProcessInfo.processInfo.environment["LSTMKIT_CHECKPOINT_OUT"] == nil {
            try? FileManager.default.removeItem(atPath: folder)
        }
    }
}

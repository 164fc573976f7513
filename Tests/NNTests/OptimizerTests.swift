import XCTest
import Foundation
import NN
import Tensor
import TestSupport

final class OptimizerTests: NNTestCase {
    func testSGDVariantsFollowTheirFormulas() {
        let (r1, p1) = single([1, 2], gradient: [0.5, -1])
        SGD(parameters: r1, learningRate: 0.1).step()
        XCTAssertEqual(p1.value.scalars, [1 - 0.05, 2 + 0.1])

        let (r2, p2) = single([1], gradient: [0.5])
        let nesterov = SGD(parameters: r2, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true)
        nesterov.step()
        nesterov.step()
        // Step 1: d = 0.5 + 0.01·1 = 0.51; buf = 0.51; d' = 0.51 + 0.9·0.51; p = 1 − 0.1·d'.
        var p: Float = 1, buf: Float = 0
        for _ in 0..<2 {
            let d = 0.5 + 0.01 * p
            buf = 0.9 * buf + d
            p -= 0.1 * (d + 0.9 * buf)
        }
        XCTAssertEqual(p2.value.scalars[0], p, accuracy: 1e-6)
    }

    func testAdamWDecaysWeightsDecoupled() {
        let (registry, p) = single([2], gradient: [0.3])
        let optimizer = Adam.adamW(parameters: registry, learningRate: 0.1, weightDecay: 0.5)
        optimizer.step()
        // p·(1 − lr·λ), then the first Adam step moves by lr·sign(g) (m̂/√v̂ = 1 up to ε).
        let expected = Double(2 * (1 - 0.1 * 0.5)) - 0.1 * 0.3 / (0.3 + 1e-8)
        XCTAssertEqual(Double(p.value.scalars[0]), expected, accuracy: 1e-6)
    }

    /// Trains `steps` steps of a tiny model; `interruptAfter` saves everything (parameters,
    /// optimizer state, generator), rebuilds model and optimizer from the files and continues.
    func train(makeOptimizer: (ParameterRegistry) -> Optimizer, steps: Int, interruptAfter: Int?) throws -> [[Float]] {
        var generator = RandomGenerator(seed: 1)
        var model = TinyLanguageModel(vocabulary: 11, embedding: 4, hidden: 5, layers: 2, generator: generator)
        var optimizer = makeOptimizer(model.registry)
        for step in 0..<steps {
            if step == interruptAfter {
                let state = optimizer.state()
                let metadata = state.metadata.merging(["generator": generator.stateText]) { $1 }
                let path = folder + "/last.safetensors"
                try SafeTensorsFile.write(model.registry.namedValues + state.tensors, metadata: metadata, to: path)
                let file = try SafeTensorsFile(contentsOf: path)
                model = TinyLanguageModel(vocabulary: 11, embedding: 4, hidden: 5, layers: 2, generator: RandomGenerator(seed: 77))
                try model.registry.load(from: file, allowingExtra: true)
                optimizer = makeOptimizer(model.registry)
                try optimizer.loadState(from: file)
                generator = try XCTUnwrap(RandomGenerator(stateText: file.metadata["generator"] ?? ""))
            }
            let ids: [Int32] = (0..<12).map { _ in Int32(generator.nextInt(below: 11)) }
            let targets: [Int32] = (0..<12).map { _ in Int32(generator.nextInt(below: 11)) }
            model.registry.zeroGradients()
            _ = model.train(ids: ids, targets: targets, steps: 4, batch: 3)
            model.registry.clipGradientNorm(maxNorm: 1)
            optimizer.step()
        }
        return model.registry.entries.map { $0.parameter.value.scalars }
    }

    func testResumedTrainingIsBitIdentical() throws {
        let makers: [(String, (ParameterRegistry) -> Optimizer)] = [
            ("sgd", { SGD(parameters: $0, learningRate: 0.5, momentum: 0.9, weightDecay: 1e-4) }),
            ("adam", { Adam(parameters: $0, learningRate: 0.01) }),
            ("adamw", { Adam.adamW(parameters: $0, learningRate: 0.01) }),
        ]
        for (name, make) in makers {
            let straight = try train(makeOptimizer: make, steps: 6, interruptAfter: nil)
            let resumed = try train(makeOptimizer: make, steps: 6, interruptAfter: 3)
            XCTAssertEqual(straight, resumed, name)
        }
    }

    func testLoadingStateChecksKindAndPresence() throws {
        let (registry, _) = single([1], gradient: [1])
        let adam = Adam(parameters: registry)
        adam.step()
        let path = folder + "/adam.safetensors"
        let state = adam.state()
        try SafeTensorsFile.write(state.tensors, metadata: state.metadata, to: path)
        let file = try SafeTensorsFile(contentsOf: path)
        XCTAssertThrowsError(try SGD(parameters: registry, learningRate: 1, momentum: 0.9).loadState(from: file)) { error in
            XCTAssertEqual("\(error)", "cannot load \(path): optimizer state is for 'adam', this run uses 'sgd'")
        }
        let empty = folder + "/empty.safetensors"
        try SafeTensorsFile.write([], metadata: ["optimizer.kind": "adam", "optimizer.step": "1"], to: empty)
        XCTAssertThrowsError(try Adam(parameters: registry).loadState(from: SafeTensorsFile(contentsOf: empty))) { error in
            XCTAssertTrue("\(error)".contains("optimizer state 'optimizer.exp_avg.p' is missing"), "\(error)")
        }
    }

    func testSchedules() throws {
        let zaremba = LearningRateSchedule(base: 1, decay: .afterEpoch(epochs: 4, factor: 2))
        XCTAssertEqual((1...7).map { zaremba.rate(epoch: $0, step: 1) }, [1, 1, 1, 1, 0.5, 0.25, 0.125])
        let warm = LearningRateSchedule(base: 1, warmupSteps: 4)
        XCTAssertEqual((1...5).map { warm.rate(epoch: 1, step: $0) }, [0.25, 0.5, 0.75, 1, 1])
        var plateau = LearningRateSchedule(base: 1, decay: .onPlateau(factor: 2, patience: 1, threshold: 0.01))
        XCTAssertFalse(plateau.observe(validationLoss: 5))
        XCTAssertFalse(plateau.observe(validationLoss: 4))
        XCTAssertFalse(plateau.observe(validationLoss: 3.99))
        XCTAssertTrue(plateau.observe(validationLoss: 4.5))
        XCTAssertEqual(plateau.rate(epoch: 9, step: 100), 0.5)
        // The state survives a round trip through JSON (resume).
        let decoded = try JSONDecoder().decode(LearningRateSchedule.self, from: JSONEncoder().encode(plateau))
        XCTAssertEqual(decoded, plateau)
    }
}

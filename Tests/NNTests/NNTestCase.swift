import XCTest
import Foundation
import NN
import Tensor

/// Shared set-up of the NN tests that write files: one thread, a fresh temporary folder.
class NNTestCase: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        Threads.setCount(1)
        folder = NSTemporaryDirectory() + "nn-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// One parameter p with a fixed gradient, as a registry.
    func single(_ values: [Float], gradient: [Float]) -> (ParameterRegistry, Parameter) {
        let p = Parameter(Tensor(shape: [values.count], scalars: values))
        p.gradient.assign(Tensor(shape: [gradient.count], scalars: gradient))
        var registry = ParameterRegistry()
        registry.add(p, name: "p")
        return (registry, p)
    }
}

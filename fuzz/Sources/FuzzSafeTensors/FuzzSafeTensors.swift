import FuzzSupport
import NN
import Tensor

/// A tiny model whose parameters the fuzzed files are loaded into: shape and name checks run too.
let registry: ParameterRegistry = {
    var registry = ParameterRegistry()
    let generator = RandomGenerator(seed: 1)
    registry.add(Embedding(embeddingCount: 4, dimensions: 2, generator: generator), prefix: "encoder")
    registry.add(Linear(inputSize: 2, outputSize: 3, generator: generator), prefix: "decoder")
    return registry
}()

/// Arbitrary bytes as a safetensors file: it loads or throws, never traps or over-reads; what
/// loads holds tensors whose sizes match their shapes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    ScratchFile.write(data, size)
    guard let file = try? SafeTensorsFile(contentsOf: ScratchFile.path) else { return 0 }
    for name in file.names {
        guard let tensor = file.tensor(named: name) else { fatalError("listed tensor \(name) is absent") }
        require(tensor.count == tensor.shape.reduce(1, *), "tensor \(name) count disagrees with its shape")
        require(tensor.count * 4 <= size, "tensor \(name) is larger than the file")
    }
    _ = try? registry.load(from: file, allowingExtra: data.pointee & 1 == 1)
    return 0
}

@_cdecl("FuzzSafeTensors_main")
func entryPoint(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    runFuzzer(argc, argv) { fuzz($0, $1) }
}

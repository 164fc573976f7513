import Tensor

/// `y = x · Wᵀ + b` over the last axis.
///
/// Dimension letters: N rows (all leading axes flattened, e.g. T·B), I inputs, O outputs.
public final class Linear: Layer {
    /// `(O, I)`, PyTorch's layout.
    public let weight: Parameter
    /// `(O)`, or nil without bias.
    public let bias: Parameter?

    public var inputSize: Int { weight.shape[1] }
    public var outputSize: Int { weight.shape[0] }

    // Forward cache: the input, which must stay unchanged until backward.
    var input: Tensor?  // (N, I)
    let outputSpace = Workspace()
    let inputGradientSpace = Workspace()

    /// A layer initialised as PyTorch's `nn.Linear`: weight and bias uniform in ±1/√I.
    public init(inputSize: Int, outputSize: Int, bias: Bool = true, generator: RandomGenerator) {
        let bound = 1 / Float(inputSize).squareRoot()
        let w = Tensor(zeros: [outputSize, inputSize])
        generator.fillUniform(w, bound: bound)
        weight = Parameter(w)
        if bias {
            let b = Tensor(zeros: [outputSize])
            generator.fillUniform(b, bound: bound)
            self.bias = Parameter(b)
        } else {
            self.bias = nil
        }
    }

    /// A layer over existing parameters: `weight` `(O, I)` may be shared with another layer
    /// (an output layer tied to the embedding), in which case both gradients add up in it.
    public init(weight: Parameter, bias: Parameter?) {
        precondition(weight.shape.count == 2, "linear weight must be (O, I), got \(weight.shape)")
        precondition(bias.map { $0.shape == [weight.shape[0]] } ?? true, "linear bias must be (O)")
        self.weight = weight
        self.bias = bias
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        var list = [("weight", weight)]
        if let bias { list.append(("bias", bias)) }
        return list
    }

    /// - Parameter input: `(N…, I)`; kept by reference for backward.
    /// - Returns: `(N…, O)`, owned by the layer (overwritten by the next forward).
    /// - Parameter addingBias: false leaves the bias out of the output, for a consumer that adds
    ///   it itself in a sweep it makes anyway (`SoftmaxCrossEntropy`'s `addingBias:`): a V-wide
    ///   output then skips a pass over memory. Backward is the same either way.
    public func forward(_ input: Tensor, addingBias: Bool = true) -> Tensor {
        let output = outputSpace.tensor(Array(input.shape.dropLast()) + [outputSize])
        forward(input, into: output, addingBias: addingBias)
        self.input = input
        return output
    }

    /// Computes `output = input · Wᵀ + b` into a caller-owned tensor without caching anything:
    /// the inference path (one step of a decoder, a REPL).
    public func forward(_ input: Tensor, into output: Tensor, addingBias: Bool = true) {
        let i = inputSize, o = outputSize
        precondition(input.shape.last == i && input.count / i * o == output.count,
                     "linear \(i)→\(o) given \(input.shape) → \(output.shape)")
        let n = input.count / i
        let y = output.pointer
        let bias = addingBias ? self.bias : nil
        if let bias {
            Vector.broadcastRow(bias.value.pointer, columns: o, rows: n, into: y)
        }
        GEMM.multiply(transposeB: true, m: n, n: o, k: i,
                      a: input.pointer, lda: i, b: weight.value.pointer, ldb: i,
                      beta: bias == nil ? 0 : 1, c: y, ldc: o)
    }

    /// Accumulates `dW += dyᵀ · x`, `db += Σ dy` and returns `dx = dy · W`.
    ///
    /// - Parameters:
    ///   - outputGradient: `(N…, O)`.
    ///   - needsInputGradient: false skips the `dx` product (the first layer of a model).
    /// - Returns: `(N…, I)` owned by the layer, or nil when not requested.
    @discardableResult
    public func backward(outputGradient: Tensor, needsInputGradient: Bool = true) -> Tensor? {
        guard let input else { preconditionFailure("Linear.backward without forward") }
        let i = inputSize, o = outputSize
        let n = input.count / i
        precondition(outputGradient.count == n * o, "linear gradient \(outputGradient.shape) for input \(input.shape)")
        let dy = outputGradient.pointer
        GEMM.multiply(transposeA: true, m: o, n: i, k: n,
                      a: dy, lda: o, b: input.pointer, ldb: i,
                      beta: 1, c: weight.gradient.pointer, ldc: i)
        if let bias {
            Vector.addRowsInParallel(dy, rows: n, columns: o, stride: o, into: bias.gradient.pointer)
        }
        guard needsInputGradient else { return nil }
        let dx = inputGradientSpace.tensor(input.shape)
        GEMM.multiply(m: n, n: i, k: o, a: dy, lda: o, b: weight.value.pointer, ldb: i,
                      c: dx.pointer, ldc: i)
        return dx
    }
}

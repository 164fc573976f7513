import Tensor

/// Inverted dropout: in training each element is zeroed with probability p and the survivors
/// are scaled by 1/(1−p), so evaluation is the identity.
public final class Dropout {
    public let probability: Float

    var active = false
    let maskSpace = Workspace()
    let outputSpace = Workspace()
    let inputGradientSpace = Workspace()
    var mask: Tensor?  // same shape as the input: 0 or 1/(1−p)

    public init(probability: Float) {
        precondition(probability >= 0 && probability < 1, "dropout probability \(probability) outside [0, 1)")
        self.probability = probability
    }

    /// - Parameters:
    ///   - input: any shape.
    ///   - generator: draws the mask; required when `training` and p > 0.
    /// - Returns: the input itself when inactive (evaluation, p = 0), otherwise a tensor owned
    ///   by the layer.
    public func forward(_ input: Tensor, training: Bool, generator: RandomGenerator?) -> Tensor {
        active = training && probability > 0
        guard active else { return input }
        guard let generator else { preconditionFailure("Dropout in training needs a generator") }
        let m = maskSpace.tensor(input.shape)
        Dropout.fillMask(m, probability: probability, generator: generator)
        mask = m
        let output = outputSpace.tensor(input.shape)
        Vector.multiply(input.pointer, m.pointer, into: output.pointer, count: input.count)
        return output
    }

    /// `dx = dy ⊙ mask` (or `dy` itself when forward was inactive).
    public func backward(outputGradient: Tensor) -> Tensor {
        guard active, let mask else { return outputGradient }
        let dx = inputGradientSpace.tensor(outputGradient.shape)
        Vector.multiply(outputGradient.pointer, mask.pointer, into: dx.pointer, count: dx.count)
        return dx
    }

    /// Fills `mask` with 0 (probability p) or 1/(1−p), one generator draw per element.
    public static func fillMask(_ mask: Tensor, probability: Float, generator: RandomGenerator) {
        fillMask(mask.pointer, count: mask.count, probability: probability, generator: generator)
    }

    /// Fills `count` elements at `mask` (see `fillMask(_:probability:generator:)`).
    public static func fillMask(_ mask: UnsafeMutablePointer<Float>, count: Int, probability: Float,
                                generator: RandomGenerator) {
        let keep = 1 / (1 - probability)
        generator.fillUnitFloats(mask, count: count)
        for i in 0..<count {
            mask[i] = mask[i] < probability ? 0 : keep
        }
    }
}

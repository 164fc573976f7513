// The NN target: layers with hand-written backward passes, losses, optimizers, schedules.
import Tensor

/// A trainable tensor and the gradient that backward passes accumulate into.
///
/// A class, so two layers can share one (tied embedding and output weights): both backward
/// passes add into the same `gradient`, which is exactly the sum PyTorch computes.
public final class Parameter {
    /// The values, any shape.
    public let value: Tensor
    /// Same shape as `value`; backward passes add (`+=`) into it, `zeroGradient()` clears it.
    public let gradient: Tensor

    public init(_ value: Tensor) {
        self.value = value
        self.gradient = Tensor(zeros: value.shape)
    }

    public convenience init(zeros shape: [Int]) {
        self.init(Tensor(zeros: shape))
    }

    public var shape: [Int] { value.shape }

    public func zeroGradient() {
        gradient.zero()
    }
}

/// Anything with parameters.
public protocol Layer: AnyObject {
    /// The parameters under PyTorch's names relative to this layer (`weight`, `weight_ih_l0`…),
    /// in PyTorch's registration order.
    var namedParameters: [(name: String, parameter: Parameter)] { get }
}

/// One entry of a `ParameterRegistry`.
public struct NamedParameter {
    public var name: String
    public var parameter: Parameter
}

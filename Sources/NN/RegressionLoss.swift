import Tensor

/// Which elementwise regression loss to train with (configuration files name it).
public enum RegressionLossKind: String, Codable, CaseIterable, Sendable {
    /// Mean squared error, `torch.nn.MSELoss`.
    case mse
    /// Mean absolute error, `torch.nn.L1Loss`.
    case l1

    /// A loss object of this kind.
    public func makeLoss(reduction: LossReduction = .mean) -> RegressionLoss {
        switch self {
        case .mse: return MSELoss(reduction: reduction)
        case .l1: return L1Loss(reduction: reduction)
        }
    }
}

/// A loss comparing predictions with targets of the same shape, element by element.
///
/// Dimension letters: N elements (any shape, e.g. (B, O) or (T, B, O)).
public protocol RegressionLoss: AnyObject {
    var reduction: LossReduction { get }

    /// The reduced loss; nothing is written (evaluation).
    func loss(prediction: Tensor, target: Tensor) -> Double

    /// The reduced loss, and `gradientScale · ∂loss/∂prediction` written into `gradient` (same
    /// shape; it may be `prediction` itself, which is then overwritten).
    func lossAndGradient(prediction: Tensor, target: Tensor, gradient: Tensor, gradientScale: Float) -> Double
}

extension RegressionLoss {
    public func lossAndGradient(prediction: Tensor, target: Tensor, gradient: Tensor) -> Double {
        lossAndGradient(prediction: prediction, target: target, gradient: gradient, gradientScale: 1)
    }
}

/// Mean squared error, as `F.mse_loss(prediction, target, reduction:)`: the loss is
/// `Σ (p − y)²`, divided by N for `.mean`; the gradient `2 (p − y)` (÷ N for `.mean`).
public final class MSELoss: RegressionLoss {
    public var reduction: LossReduction

    public init(reduction: LossReduction = .mean) {
        self.reduction = reduction
    }

    public func loss(prediction: Tensor, target: Tensor) -> Double {
        ElementwiseLoss.run(prediction, target, gradient: nil, reduction: reduction, scale: 1) { d in
            (Double(d) * Double(d), 0)
        }
    }

    public func lossAndGradient(prediction: Tensor, target: Tensor, gradient: Tensor, gradientScale: Float) -> Double {
        ElementwiseLoss.run(prediction, target, gradient: gradient, reduction: reduction, scale: gradientScale) { d in
            (Double(d) * Double(d), 2 * d)
        }
    }
}

/// Mean absolute error, as `F.l1_loss(prediction, target, reduction:)`: the loss is
/// `Σ |p − y|` (÷ N for `.mean`); the gradient `sign(p − y)` with `sign(0) = 0`, which is the
/// subgradient PyTorch picks at a tie.
public final class L1Loss: RegressionLoss {
    public var reduction: LossReduction

    public init(reduction: LossReduction = .mean) {
        self.reduction = reduction
    }

    public func loss(prediction: Tensor, target: Tensor) -> Double {
        ElementwiseLoss.run(prediction, target, gradient: nil, reduction: reduction, scale: 1) { d in
            (Double(abs(d)), 0)
        }
    }

    public func lossAndGradient(prediction: Tensor, target: Tensor, gradient: Tensor, gradientScale: Float) -> Double {
        ElementwiseLoss.run(prediction, target, gradient: gradient, reduction: reduction, scale: gradientScale) { d in
            (Double(abs(d)), d > 0 ? 1 : (d < 0 ? -1 : 0))
        }
    }
}

/// The loop both regression losses share: per element the difference `d = p − y` gives a loss
/// term (summed in Double, in element order, so the total does not depend on threads) and a
/// derivative that is scaled (by 1/N for the mean) and written to the gradient.
enum ElementwiseLoss {
    @inline(__always)
    static func run(_ prediction: Tensor, _ target: Tensor, gradient: Tensor?, reduction: LossReduction,
                    scale: Float, _ term: (Float) -> (loss: Double, derivative: Float)) -> Double {
        precondition(prediction.shape == target.shape,
                     "prediction \(prediction.shape) and target \(target.shape) differ in shape")
        if let gradient {
            precondition(gradient.count == prediction.count, "gradient \(gradient.shape) for prediction \(prediction.shape)")
        }
        let n = prediction.count
        let factor = reduction == .mean ? scale / Float(max(n, 1)) : scale
        let p = prediction.pointer, y = target.pointer, g = gradient?.pointer
        var total = 0.0
        for i in 0..<n {
            let (loss, derivative) = term(p[i] - y[i])
            total += loss
            if let g { g[i] = factor * derivative }
        }
        return reduction == .mean ? (n > 0 ? total / Double(n) : 0) : total
    }
}

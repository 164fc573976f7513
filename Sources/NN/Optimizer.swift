import Tensor

/// Updates parameters from their gradients. Each optimizer works on the `unique` parameters of
/// a registry (a tied weight is updated once) and keeps per-parameter state that checkpoints
/// save and load, so a resumed run continues bit for bit.
public protocol Optimizer: AnyObject {
    /// The rate the next `step()` uses; schedules set it before each step.
    var learningRate: Float { get set }
    /// Steps taken so far.
    var stepCount: Int { get }
    /// Applies one update from the current gradients (which it does not clear).
    func step()
    /// The state as tensors named `optimizer.<kind>.<parameter name>` plus metadata entries
    /// prefixed `optimizer.`, to store beside the parameters in a safetensors file.
    func state() -> (tensors: [(name: String, tensor: Tensor)], metadata: [String: String])
    /// Restores what `state()` saved; throws `CheckpointError` naming the file when something is
    /// missing or mismatched, changing nothing.
    func loadState(from file: SafeTensorsFile) throws
}

/// Shared bookkeeping: the parameters and one state tensor set per parameter.
struct OptimizerSlots {
    let parameters: [NamedParameter]

    init(_ registry: ParameterRegistry) {
        parameters = registry.unique
    }

    /// One zero tensor per parameter, shaped like it.
    func zeroBuffers() -> [Tensor] {
        parameters.map { Tensor(zeros: $0.parameter.shape) }
    }

    func named(_ kind: String, _ buffers: [Tensor]) -> [(name: String, tensor: Tensor)] {
        zip(parameters, buffers).map { ("optimizer.\(kind).\($0.name)", $1) }
    }

    /// Looks up every buffer of `kind` in `file`, checking shapes; returns them in order.
    func load(_ kind: String, from file: SafeTensorsFile) throws -> [Tensor] {
        try parameters.map { entry in
            let name = "optimizer.\(kind).\(entry.name)"
            guard let t = file.tensor(named: name) else {
                throw CheckpointError(path: file.path, cause: "optimizer state '\(name)' is missing")
            }
            guard t.shape == entry.parameter.shape else {
                throw CheckpointError(path: file.path, cause: "optimizer state '\(name)' has shape \(t.shape), expected \(entry.parameter.shape)")
            }
            return t
        }
    }

    static func metadataInt(_ key: String, in file: SafeTensorsFile) throws -> Int {
        guard let text = file.metadata[key], let value = Int(text), value >= 0 else {
            throw CheckpointError(path: file.path, cause: "metadata '\(key)' is missing or not a count")
        }
        return value
    }

    static func checkKind(_ kind: String, in file: SafeTensorsFile) throws {
        let found = file.metadata["optimizer.kind"] ?? "none"
        guard found == kind else {
            throw CheckpointError(path: file.path, cause: "optimizer state is for '\(found)', this run uses '\(kind)'")
        }
    }
}

/// Stochastic gradient descent with optional momentum and L2 weight decay, as PyTorch's
/// `torch.optim.SGD` (dampening 0): `d = g + λ·p`; with momentum μ, `buf = μ·buf + d` and
/// `d = buf` (or `d + μ·buf` with Nesterov); `p −= lr·d`.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let weightDecay: Float
    public let nesterov: Bool
    public private(set) var stepCount = 0

    let slots: OptimizerSlots
    var momentumBuffers: [Tensor]

    public init(parameters: ParameterRegistry, learningRate: Float, momentum: Float = 0,
                weightDecay: Float = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        slots = OptimizerSlots(parameters)
        momentumBuffers = momentum != 0 ? slots.zeroBuffers() : []
    }

    public func step() {
        let lr = learningRate, mu = momentum, wd = weightDecay, nesterov = nesterov
        for (index, entry) in slots.parameters.enumerated() {
            let p = entry.parameter.value.pointer, g = entry.parameter.gradient.pointer
            let n = entry.parameter.value.count
            let buf = mu != 0 ? momentumBuffers[index].pointer : nil
            if buf == nil && wd == 0 {
                Vector.axpy(-lr, g, p, count: n)
                continue
            }
            for i in 0..<n {
                var d = g[i]
                if wd != 0 { d += wd * p[i] }
                if let buf {
                    // First step: μ·0 + d = d, which is PyTorch's "buf = clone(d)".
                    buf[i] = mu * buf[i] + d
                    d = nesterov ? d + mu * buf[i] : buf[i]
                }
                p[i] -= lr * d
            }
        }
        stepCount += 1
    }

    public func state() -> (tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) {
        (slots.named("momentum_buffer", momentumBuffers),
         ["optimizer.kind": "sgd", "optimizer.step": String(stepCount)])
    }

    public func loadState(from file: SafeTensorsFile) throws {
        try OptimizerSlots.checkKind("sgd", in: file)
        let steps = try OptimizerSlots.metadataInt("optimizer.step", in: file)
        let buffers = momentum != 0 ? try slots.load("momentum_buffer", from: file) : []
        for (target, source) in zip(momentumBuffers, buffers) { target.assign(source) }
        stepCount = steps
    }
}

/// Adam (Kingma and Ba, 2015) and AdamW (Loshchilov and Hutter, 2019) as PyTorch computes them
/// (`torch.optim.Adam`/`AdamW`, single-tensor path):
/// `m ← m + (1−β1)(g − m)`, `v ← β2·v + (1−β2)·g²`,
/// `p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)`.
/// Weight decay λ is added to the gradient (Adam) or applied as `p ← p·(1 − lr·λ)` first (AdamW).
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    /// AdamW's decoupled weight decay instead of Adam's L2 term.
    public let decoupledWeightDecay: Bool
    public private(set) var stepCount = 0

    let slots: OptimizerSlots
    var firstMoments: [Tensor]
    var secondMoments: [Tensor]

    public init(parameters: ParameterRegistry, learningRate: Float = 1e-3, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0,
                decoupledWeightDecay: Bool = false) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        slots = OptimizerSlots(parameters)
        firstMoments = slots.zeroBuffers()
        secondMoments = slots.zeroBuffers()
    }

    /// AdamW with PyTorch's default decay 0.01.
    public static func adamW(parameters: ParameterRegistry, learningRate: Float = 1e-3,
                             weightDecay: Float = 0.01) -> Adam {
        Adam(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay,
             decoupledWeightDecay: true)
    }

    var kind: String { decoupledWeightDecay ? "adamw" : "adam" }

    public func step() {
        stepCount += 1
        // Bias corrections in Double, as PyTorch computes them on Python floats.
        let t = Double(stepCount)
        let correction1 = 1 - _pow(Double(beta1), t)
        let correction2Root = (1 - _pow(Double(beta2), t)).squareRoot()
        let stepSize = Float(Double(learningRate) / correction1)
        let root2 = Float(correction2Root)
        let b1 = beta1, b2 = beta2, eps = epsilon, wd = weightDecay, lr = learningRate
        let decoupled = decoupledWeightDecay
        for (index, entry) in slots.parameters.enumerated() {
            let p = entry.parameter.value.pointer, g = entry.parameter.gradient.pointer
            let m = firstMoments[index].pointer, v = secondMoments[index].pointer
            let n = entry.parameter.value.count
            for i in 0..<n {
                var grad = g[i]
                if wd != 0 {
                    if decoupled {
                        p[i] *= 1 - lr * wd
                    } else {
                        grad += wd * p[i]
                    }
                }
                m[i] += (1 - b1) * (grad - m[i])
                v[i] = v[i] * b2 + (1 - b2) * grad * grad
                let denominator = v[i].squareRoot() / root2 + eps
                p[i] -= stepSize * (m[i] / denominator)
            }
        }
    }

    public func state() -> (tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) {
        (slots.named("exp_avg", firstMoments) + slots.named("exp_avg_sq", secondMoments),
         ["optimizer.kind": kind, "optimizer.step": String(stepCount)])
    }

    public func loadState(from file: SafeTensorsFile) throws {
        try OptimizerSlots.checkKind(kind, in: file)
        let steps = try OptimizerSlots.metadataInt("optimizer.step", in: file)
        let m = try slots.load("exp_avg", from: file)
        let v = try slots.load("exp_avg_sq", from: file)
        for (target, source) in zip(firstMoments, m) { target.assign(source) }
        for (target, source) in zip(secondMoments, v) { target.assign(source) }
        stepCount = steps
    }
}

#if canImport(Glibc)
import Glibc
func _pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#elseif canImport(Darwin)
import Darwin
func _pow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
#endif

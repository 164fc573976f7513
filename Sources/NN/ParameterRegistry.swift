import Tensor

/// Why parameters could not be loaded from a checkpoint; one sentence naming the file.
public struct CheckpointError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var cause: String

    public init(path: String, cause: String) {
        self.path = path
        self.cause = cause
    }

    public var description: String { "cannot load \(path): \(cause)" }
}

/// The named parameters of a model, as PyTorch's `named_parameters()`/`state_dict()` see them:
/// what optimizers update, clipping measures, checkpoints save and load.
///
/// A model composes it from its layers with prefixes (`encoder.` + `weight` →
/// `encoder.weight`). A parameter shared by two layers (tied weights) may be registered under
/// two names: both names are written to checkpoints (so PyTorch's `load_state_dict` finds every
/// key it expects), while `unique` lists it once for optimizers, clipping and counting.
public struct ParameterRegistry {
    public private(set) var entries: [NamedParameter] = []
    var indexByName: [String: Int] = [:]

    public init() {}

    /// Registers every parameter of `layer` as `prefix.name` (or `name` when `prefix` is empty).
    public mutating func add(_ layer: Layer, prefix: String) {
        for (name, parameter) in layer.namedParameters {
            add(parameter, name: prefix.isEmpty ? name : "\(prefix).\(name)")
        }
    }

    /// Registers one parameter; the name must be new.
    public mutating func add(_ parameter: Parameter, name: String) {
        precondition(indexByName[name] == nil, "parameter name \(name) registered twice")
        indexByName[name] = entries.count
        entries.append(NamedParameter(name: name, parameter: parameter))
    }

    public func parameter(named name: String) -> Parameter? {
        indexByName[name].map { entries[$0].parameter }
    }

    /// Each distinct parameter once, under the first name it was registered with.
    public var unique: [NamedParameter] {
        var seen = Set<ObjectIdentifier>()
        return entries.filter { seen.insert(ObjectIdentifier($0.parameter)).inserted }
    }

    /// Number of trainable scalars (shared parameters counted once).
    public var scalarCount: Int {
        unique.reduce(0) { $0 + $1.parameter.value.count }
    }

    /// Re-initialises every parameter uniformly in [−bound, bound) (Zaremba et al. use ±0.1,
    /// ±0.05, ±0.04), in registration order so a seed gives the same model every time.
    public func initializeUniform(bound: Float, generator: RandomGenerator) {
        for entry in unique { generator.fillUniform(entry.parameter.value, bound: bound) }
    }

    /// Clears every gradient.
    public func zeroGradients() {
        for entry in unique { entry.parameter.zeroGradient() }
    }

    /// The L2 norm of all gradients together (shared parameters counted once), accumulated in
    /// Double.
    public func gradientNorm() -> Double {
        var total = 0.0
        for entry in unique {
            let g = entry.parameter.gradient
            total += Vector.sumOfSquares(g.pointer, count: g.count)
        }
        return total.squareRoot()
    }

    /// Whether every gradient element is finite (no NaN or infinity).
    public func gradientsAreFinite() -> Bool {
        // A NaN or infinity anywhere makes the sum of squares non-finite; so does an element
        // beyond ~1e19 (its Float square overflows), which is divergence all the same.
        gradientNorm().isFinite
    }

    /// Whether every parameter value is finite: after an update, a NaN or infinity (or an
    /// element beyond ~1e19, whose square overflows) means the step diverged.
    public func valuesAreFinite() -> Bool {
        var total = 0.0
        for entry in unique {
            let v = entry.parameter.value
            total += Vector.sumOfSquares(v.pointer, count: v.count)
        }
        return total.isFinite
    }

    /// Scales all gradients so their global norm is at most `maxNorm`, as PyTorch's
    /// `clip_grad_norm_` does (coefficient `maxNorm / (norm + 1e-6)`, applied only when below 1).
    ///
    /// - Returns: the norm before clipping.
    @discardableResult
    public func clipGradientNorm(maxNorm: Double) -> Double {
        let norm = gradientNorm()
        let coefficient = maxNorm / (norm + 1e-6)
        if coefficient < 1 {
            for entry in unique {
                let g = entry.parameter.gradient
                Vector.scale(g.pointer, by: Float(coefficient), count: g.count)
            }
        }
        return norm
    }

    // MARK: checkpoints

    /// Every name with its value tensor, in registration order (shared parameters under each of
    /// their names), ready for `SafeTensorsFile.write`.
    public var namedValues: [(name: String, tensor: Tensor)] {
        entries.map { ($0.name, $0.parameter.value) }
    }

    /// Writes every parameter under its name to a safetensors file, atomically.
    public func write(to path: String, metadata: [String: String] = [:]) throws {
        try SafeTensorsFile.write(namedValues, metadata: metadata, to: path)
    }

    /// Copies values from `file` into the parameters. Every parameter must be present under
    /// one of its names (a tied weight under either: PyTorch's `save_model` keeps only one) with
    /// the registered shape; tensors of other names are an error unless `allowingExtra` (a
    /// checkpoint that also carries optimizer state). Nothing is changed when any check fails.
    public func load(from file: SafeTensorsFile, allowingExtra: Bool = false) throws {
        var sources: [(Parameter, Tensor)] = []
        var namesByParameter: [ObjectIdentifier: [String]] = [:]
        for entry in entries {
            namesByParameter[ObjectIdentifier(entry.parameter), default: []].append(entry.name)
        }
        for entry in unique {
            let names = namesByParameter[ObjectIdentifier(entry.parameter)] ?? [entry.name]
            let present = names.compactMap { name in file.tensor(named: name).map { (name, $0) } }
            guard let (name, tensor) = present.first else {
                throw CheckpointError(path: file.path, cause: "parameter '\(entry.name)' is missing")
            }
            for (name, tensor) in present where tensor.shape != entry.parameter.shape {
                throw CheckpointError(
                    path: file.path,
                    cause: "parameter '\(name)' has shape \(tensor.shape) but the model expects \(entry.parameter.shape)")
            }
            let values = tensor.scalars
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw CheckpointError(path: file.path,
                                      cause: "parameter '\(name)' holds \(values[bad]) at element \(bad); a usable model has finite weights")
            }
            if let (otherName, _) = present.dropFirst().first(where: { $0.1.scalars != tensor.scalars }) {
                throw CheckpointError(path: file.path, cause: "tied parameters '\(name)' and '\(otherName)' differ")
            }
            sources.append((entry.parameter, tensor))
        }
        if !allowingExtra {
            if let extra = file.names.first(where: { indexByName[$0] == nil }) {
                throw CheckpointError(path: file.path, cause: "tensor '\(extra)' is not a parameter of this model")
            }
        }
        for (parameter, tensor) in sources {
            parameter.value.assign(tensor)
        }
    }

    /// Reads a safetensors file and loads it (see `load(from:allowingExtra:)`).
    public func load(contentsOf path: String, allowingExtra: Bool = false) throws {
        try load(from: SafeTensorsFile(contentsOf: path), allowingExtra: allowingExtra)
    }
}

import Tensor

/// How an `Attention` layer scores a query against each memory position.
public enum AttentionScore: String, Codable, CaseIterable, Sendable {
    /// `q · m_s` (Luong et al. 2015, "dot"); needs query size = memory size.
    case dot
    /// `q · (W m_s)` (Luong et al. 2015, "general").
    case general
    /// `vᵀ tanh(W_q q + b_q + W_m m_s)` (Bahdanau et al. 2015; Luong's "concat").
    case additive
}

/// Shape of an `Attention` layer.
public struct AttentionConfiguration: Codable, Equatable, Sendable {
    /// The score function.
    public var score: AttentionScore
    /// Features of a query (the decoder's hidden state), Q.
    public var querySize: Int
    /// Features of a memory position (an encoder output), M.
    public var memorySize: Int
    /// Width A of the additive score's hidden layer (ignored by `dot` and `general`).
    public var additiveSize: Int

    public init(score: AttentionScore, querySize: Int, memorySize: Int, additiveSize: Int? = nil) {
        self.score = score
        self.querySize = querySize
        self.memorySize = memorySize
        self.additiveSize = additiveSize ?? querySize
    }

    /// Features of a key: what a query is compared with (M for dot, Q for general, A for additive).
    public var keySize: Int {
        switch score {
        case .dot: return memorySize
        case .general: return querySize
        case .additive: return additiveSize
        }
    }
}

/// Global attention over a memory of encoder outputs with per-sequence lengths: for a query q
/// (one decoder step), weights `α = softmax_s(score(q, m_s))` over the positions s < length and
/// the context `Σ_s α_s m_s`. Padded positions (s ≥ length) get weight exactly 0 and never
/// receive gradient, whatever the memory holds there.
///
/// Dimension letters: B batch (sequences), S memory positions (the longest source), T decoder
/// steps, Q query features, M memory features, K key features, A additive width, R query rows
/// at inference (hypotheses, several per sequence in a beam).
///
/// Keys (`m_s` itself, `W m_s`, or `W_m m_s`) are computed once per memory with one GEMM over
/// all B·S positions, so a decoder step costs only dot products (or, additive, one tanh per key
/// element). Parameters (PyTorch names): general `linear_in.weight` `(Q, M)`; additive
/// `linear_context.weight` `(A, M)`, `linear_query.weight` `(A, Q)`, `linear_query.bias` `(A)`,
/// `v.weight` `(1, A)`.
///
/// Training contract: `setMemory` once per batch, `forward(query:step:)` for steps 0, 1, …, then
/// `backward(step:contextGradient:)` for the same steps in reverse order, then
/// `finishBackward()`, which adds the parameter gradients and returns ∂L/∂memory. The memory
/// tensor must not change in between. Inference (`memory(encoderOutput:lengths:)` and
/// `attend(...)`) caches nothing.
public final class Attention: Layer {
    public let configuration: AttentionConfiguration
    /// general: `(Q, M)`, keys = memory · Wᵀ.
    public let linearIn: Parameter?
    /// additive: `(A, M)`.
    public let linearContext: Parameter?
    /// additive: `(A, Q)` and `(A)`.
    public let linearQuery: Parameter?
    public let linearQueryBias: Parameter?
    /// additive: `(1, A)`.
    public let scoreVector: Parameter?

    // Training cache.
    var batch = 0
    var width = 0  // S
    var lengths: [Int32] = []
    var stepsRun = 0
    var capacity = 0  // T
    var nextBackwardStep: Int?  // nil until the first backward step of a batch
    var sourceMemory: AttentionMemory?  // values (B, S, M), keys (B, S, K)
    let valuesSpace = Workspace()
    let keysSpace = Workspace()
    let queriesSpace = Workspace()  // (T, B, Q)
    let projectedSpace = Workspace()  // (T, B, A) additive: W_q q + b_q
    let weightsSpace = Workspace()  // (T, B, S)
    let contextsSpace = Workspace()  // (T, B, M)
    let valueGradientSpace = Workspace()  // (B, S, M)
    let keyGradientSpace = Workspace()  // (B, S, K)
    let projectedGradientSpace = Workspace()  // (T, B, A)
    let vectorGradientSpace = Workspace()  // (B, A): per-row parts of ∂L/∂v, summed in row order
    let scoreGradientSpace = Workspace()  // (B, S)
    let queryGradientSpace = Workspace()  // (B, Q)
    let memoryGradientSpace = Workspace()  // (S, B, M)
    let inferenceProjection = Workspace()  // (R, A)

    /// A layer initialised as PyTorch's `nn.Linear` would initialise its matrices (uniform in
    /// ±1/√fan-in).
    public init(configuration: AttentionConfiguration, generator: RandomGenerator) {
        let c = configuration
        precondition(c.querySize > 0 && c.memorySize > 0 && c.additiveSize > 0, "attention sizes must be positive")
        precondition(c.score != .dot || c.querySize == c.memorySize,
                     "dot attention needs query size \(c.querySize) = memory size \(c.memorySize)")
        self.configuration = c
        func uniform(_ shape: [Int], fanIn: Int) -> Parameter {
            let t = Tensor(zeros: shape)
            generator.fillUniform(t, bound: 1 / Float(fanIn).squareRoot())
            return Parameter(t)
        }
        switch c.score {
        case .dot:
            linearIn = nil; linearContext = nil; linearQuery = nil; linearQueryBias = nil; scoreVector = nil
        case .general:
            linearIn = uniform([c.querySize, c.memorySize], fanIn: c.memorySize)
            linearContext = nil; linearQuery = nil; linearQueryBias = nil; scoreVector = nil
        case .additive:
            linearIn = nil
            linearContext = uniform([c.additiveSize, c.memorySize], fanIn: c.memorySize)
            linearQuery = uniform([c.additiveSize, c.querySize], fanIn: c.querySize)
            linearQueryBias = uniform([c.additiveSize], fanIn: c.querySize)
            scoreVector = uniform([1, c.additiveSize], fanIn: c.additiveSize)
        }
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        var list: [(name: String, parameter: Parameter)] = []
        if let linearIn { list.append(("linear_in.weight", linearIn)) }
        if let linearContext { list.append(("linear_context.weight", linearContext)) }
        if let linearQuery { list.append(("linear_query.weight", linearQuery)) }
        if let linearQueryBias { list.append(("linear_query.bias", linearQueryBias)) }
        if let scoreVector { list.append(("v.weight", scoreVector)) }
        return list
    }

    // MARK: memory

    /// Encoder outputs rearranged for attention: batch-major values with padding zeroed and the
    /// keys computed from them.
    public struct AttentionMemory {
        /// `(N, S, M)`: position s of sequence n, zero for s ≥ `lengths[n]`.
        public let values: Tensor
        /// `(N, S, K)`; the values themselves for dot attention.
        public let keys: Tensor
        /// Positions each sequence may attend to, each in 1...S.
        public let lengths: [Int32]

        public var sequenceCount: Int { values.shape[0] }
        public var width: Int { values.shape[1] }
    }

    /// Fills `values` (N, S, M) from the time-major `encoderOutput` (S, N, M), padding zeroed,
    /// and computes the keys into `keys` (N, S, K) (ignored for dot).
    func buildMemory(_ encoderOutput: Tensor, lengths: [Int], values: Tensor, keys: Tensor) -> AttentionMemory {
        let c = configuration
        precondition(encoderOutput.rank == 3 && encoderOutput.shape[2] == c.memorySize,
                     "attention memory must be (S, N, \(c.memorySize)), got \(encoderOutput.shape)")
        let s = encoderOutput.shape[0], n = encoderOutput.shape[1], m = c.memorySize
        precondition(lengths.count == n, "\(lengths.count) lengths for \(n) memory sequences")
        precondition(lengths.allSatisfy { $0 >= 1 && $0 <= s },
                     "attention needs every memory length in 1...\(s), got \(lengths)")
        let source = encoderOutput.pointer, target = values.pointer
        for b in 0..<n {
            for position in 0..<s {
                let row = target + (b * s + position) * m
                if position < lengths[b] {
                    row.update(from: source + (position * n + b) * m, count: m)
                } else {
                    row.update(repeating: 0, count: m)
                }
            }
        }
        let k = c.keySize
        switch c.score {
        case .dot:
            return AttentionMemory(values: values, keys: values, lengths: lengths.map { Int32($0) })
        case .general, .additive:
            let w = (linearIn ?? linearContext)!.value
            GEMM.multiply(transposeB: true, m: n * s, n: k, k: m, a: values.pointer, lda: m,
                          b: w.pointer, ldb: m, c: keys.pointer, ldc: k)
            return AttentionMemory(values: values, keys: keys, lengths: lengths.map { Int32($0) })
        }
    }

    /// A memory for inference (new tensors): `encoderOutput` `(S, N, M)` time-major, `lengths`
    /// in 1...S.
    public func memory(encoderOutput: Tensor, lengths: [Int]) -> AttentionMemory {
        let s = encoderOutput.shape[0], n = encoderOutput.shape[1]
        let values = Tensor(zeros: [n, s, configuration.memorySize])
        let keys = configuration.score == .dot ? values : Tensor(zeros: [n, s, configuration.keySize])
        return buildMemory(encoderOutput, lengths: lengths, values: values, keys: keys)
    }

    // MARK: training

    /// Starts a batch: caches the memory `(S, B, M)` (time-major, as a recurrent layer writes
    /// it) and the lengths (each in 1...S), for up to `maxSteps` decoder steps.
    public func setMemory(_ encoderOutput: Tensor, lengths: [Int], maxSteps: Int) {
        let c = configuration
        let s = encoderOutput.shape[0], b = encoderOutput.shape[1]
        batch = b
        width = s
        stepsRun = 0
        nextBackwardStep = nil
        let values = valuesSpace.tensor([b, s, c.memorySize])
        let keys = c.score == .dot ? values : keysSpace.tensor([b, s, c.keySize])
        let memory = buildMemory(encoderOutput, lengths: lengths, values: values, keys: keys)
        sourceMemory = memory
        self.lengths = memory.lengths
        _ = queriesSpace.tensor([maxSteps, b, c.querySize])
        _ = weightsSpace.tensor([maxSteps, b, s])
        _ = contextsSpace.tensor([maxSteps, b, c.memorySize])
        if c.score == .additive {
            _ = projectedSpace.tensor([maxSteps, b, c.additiveSize])
            _ = projectedGradientSpace.tensor([maxSteps, b, c.additiveSize])
        }
        capacity = maxSteps
    }

    /// One decoder step. The query is copied (it may change afterwards).
    ///
    /// - Parameters:
    ///   - query: `(B, Q)`.
    ///   - step: 0, 1, … in order.
    /// - Returns: the context `(B, M)` and the weights `(B, S)` (views owned by the layer,
    ///   valid until the next batch).
    public func forward(query: Tensor, step: Int) -> (context: Tensor, weights: Tensor) {
        let c = configuration, b = batch, s = width
        precondition(step == stepsRun && step < capacity, "attention step \(step) out of order (expected \(stepsRun) < \(capacity))")
        precondition(query.shape == [b, c.querySize], "attention query must be \([b, c.querySize]), got \(query.shape)")
        guard let memory = sourceMemory else { preconditionFailure("Attention.forward before setMemory") }
        stepsRun += 1
        let q = queriesSpace.tensor([capacity, b, c.querySize]).slice(step)
        q.assign(query)
        let weights = weightsSpace.tensor([capacity, b, s]).slice(step)
        let context = contextsSpace.tensor([capacity, b, c.memorySize]).slice(step)
        let projected = c.score == .additive ? projectedSpace.tensor([capacity, b, c.additiveSize]).slice(step) : nil
        if let projected { project(queries: q, into: projected) }
        attendRows(queries: q, projected: projected, memory: memory, sentences: nil,
                   context: context, weights: weights)
        return (context, weights)
    }

    /// Backward of step `step` (in reverse order of the forwards).
    ///
    /// - Parameter contextGradient: `(B, M)`.
    /// - Returns: ∂L/∂query `(B, Q)`, owned by the layer (overwritten by the next call).
    public func backward(step: Int, contextGradient: Tensor) -> Tensor {
        let c = configuration, b = batch, s = width
        let m = c.memorySize, k = c.keySize, qSize = c.querySize
        guard let memory = sourceMemory else { preconditionFailure("Attention.backward before setMemory") }
        if nextBackwardStep == nil { startBackward() }
        precondition(step == nextBackwardStep, "attention backward of step \(step) out of order (expected \(nextBackwardStep ?? -1))")
        precondition(contextGradient.shape == [b, m], "attention context gradient must be \([b, m]), got \(contextGradient.shape)")
        nextBackwardStep = step - 1
        let q = queriesSpace.tensor([capacity, b, qSize]).slice(step).pointer
        let alpha = weightsSpace.tensor([capacity, b, s]).slice(step).pointer
        let dctx = contextGradient.pointer
        let values = memory.values.pointer, keys = memory.keys.pointer
        let dValues = valueGradientSpace.tensor([b, s, m]).pointer
        let dKeys = c.score == .dot ? dValues : keyGradientSpace.tensor([b, s, k]).pointer
        let dScoreRows = scoreGradientSpace.tensor([b, s]).pointer
        let dq = queryGradientSpace.tensor([b, qSize])
        let dqp = dq.pointer
        let additive = c.score == .additive
        let projected = additive ? projectedSpace.tensor([capacity, b, k]).slice(step).pointer : nil
        let dProjected = additive ? projectedGradientSpace.tensor([capacity, b, k]).slice(step).pointer : nil
        let dv = additive ? vectorGradientSpace.tensor([b, k]).pointer : nil
        let v = scoreVector?.value.pointer
        lengths.withUnsafeBufferPointer { lengths in
            Threads.parallelFor(b, minimumPerThread: 4) { rows in
                for row in rows {
                    let length = Int(lengths[row])
                    let a = alpha + row * s, g = dctx + row * m, dScores = dScoreRows + row * s
                    // dα_s = dctx · m_s and dm_s += α_s dctx; then dscore_s = α_s (dα_s − Σ α dα).
                    var weighted: Float = 0
                    for position in 0..<length {
                        let d = Attention.dot(g, values + (row * s + position) * m, count: m)
                        dScores[position] = d
                        weighted += a[position] * d
                        Vector.axpy(a[position], g, dValues + (row * s + position) * m, count: m)
                    }
                    for position in 0..<length {
                        dScores[position] = a[position] * (dScores[position] - weighted)
                    }
                    if let projected, let dProjected, let dv, let v {
                        Attention.additiveRowBackward(
                            dScores: dScores, count: length, keys: keys + row * s * k, projected: projected + row * k,
                            v: v, width: k, dKeys: dKeys + row * s * k, dProjected: dProjected + row * k,
                            dv: dv + row * k)
                    } else {
                        let dqRow = dqp + row * qSize, qRow = q + row * qSize
                        dqRow.update(repeating: 0, count: qSize)
                        for position in 0..<length {
                            Vector.axpy(dScores[position], keys + (row * s + position) * k, dqRow, count: k)
                            Vector.axpy(dScores[position], qRow, dKeys + (row * s + position) * k, count: k)
                        }
                    }
                }
            }
        }
        if let dProjected, let wq = linearQuery {
            GEMM.multiply(m: b, n: qSize, k: k, a: dProjected, lda: k, b: wq.value.pointer, ldb: qSize,
                          c: dqp, ldc: qSize)
        }
        return dq
    }

    /// Zeroes the gradient accumulators before the first backward step of a batch.
    func startBackward() {
        let c = configuration, b = batch, s = width
        _ = valueGradientSpace.zeros([b, s, c.memorySize])
        if c.score != .dot { _ = keyGradientSpace.zeros([b, s, c.keySize]) }
        if c.score == .additive { _ = vectorGradientSpace.zeros([b, c.additiveSize]) }
        nextBackwardStep = stepsRun - 1
    }

    /// Ends the backward pass of a batch: adds the parameter gradients and returns ∂L/∂memory
    /// `(S, B, M)` time-major (owned by the layer), zero at padded positions.
    public func finishBackward() -> Tensor {
        let c = configuration, b = batch, s = width, m = c.memorySize, k = c.keySize
        guard let memory = sourceMemory else { preconditionFailure("Attention.finishBackward before setMemory") }
        if nextBackwardStep == nil { startBackward() }
        precondition(nextBackwardStep == -1, "Attention.finishBackward before every step was backpropagated")
        nextBackwardStep = nil
        let dValues = valueGradientSpace.tensor([b, s, m])
        if c.score != .dot, let w = linearIn ?? linearContext {
            let dKeys = keyGradientSpace.tensor([b, s, k])
            GEMM.multiply(m: b * s, n: m, k: k, a: dKeys.pointer, lda: k, b: w.value.pointer, ldb: m,
                          beta: 1, c: dValues.pointer, ldc: m)
            GEMM.multiply(transposeA: true, m: k, n: m, k: b * s, a: dKeys.pointer, lda: k,
                          b: memory.values.pointer, ldb: m, beta: 1, c: w.gradient.pointer, ldc: m)
        }
        if c.score == .additive, let wq = linearQuery, let bq = linearQueryBias, let v = scoreVector, stepsRun > 0 {
            let dProjected = projectedGradientSpace.tensor([capacity, b, k]).pointer
            let queries = queriesSpace.tensor([capacity, b, c.querySize]).pointer
            GEMM.multiply(transposeA: true, m: k, n: c.querySize, k: stepsRun * b, a: dProjected, lda: k,
                          b: queries, ldb: c.querySize, beta: 1, c: wq.gradient.pointer, ldc: c.querySize)
            Vector.addRows(dProjected, rows: stepsRun * b, columns: k, stride: k, into: bq.gradient.pointer)
            Vector.addRows(vectorGradientSpace.tensor([b, k]).pointer, rows: b, columns: k, stride: k,
                           into: v.gradient.pointer)
        }
        // Back to time-major.
        let result = memoryGradientSpace.tensor([s, b, m])
        let source = dValues.pointer, target = result.pointer
        for row in 0..<b {
            for position in 0..<s {
                (target + (position * b + row) * m).update(from: source + (row * s + position) * m, count: m)
            }
        }
        return result
    }

    // MARK: inference

    /// Attends `R` query rows, row r to memory sequence `sentences[r]`, caching nothing.
    ///
    /// - Parameters:
    ///   - queries: `(R, Q)`.
    ///   - memory: from `memory(encoderOutput:lengths:)`.
    ///   - sentences: R indices into the memory's sequences.
    ///   - context: receives `(R, M)`.
    ///   - weights: receives `(R, S)`, zero past each row's length.
    public func attend(queries: Tensor, memory: AttentionMemory, sentences: [Int], context: Tensor, weights: Tensor) {
        let c = configuration, r = sentences.count
        precondition(queries.shape == [r, c.querySize], "attention queries must be \([r, c.querySize]), got \(queries.shape)")
        precondition(context.count == r * c.memorySize && weights.count == r * memory.width,
                     "attention outputs must be (\(r), \(c.memorySize)) and (\(r), \(memory.width))")
        precondition(sentences.allSatisfy { $0 >= 0 && $0 < memory.sequenceCount }, "attention row outside the memory")
        var projected: Tensor?
        if c.score == .additive {
            let p = inferenceProjection.tensor([r, c.additiveSize])
            project(queries: queries, into: p)
            projected = p
        }
        attendRows(queries: queries, projected: projected, memory: memory, sentences: sentences,
                   context: context, weights: weights)
    }

    // MARK: kernels

    /// `W_q q + b_q` for every row (additive).
    func project(queries: Tensor, into projected: Tensor) {
        guard let wq = linearQuery, let bq = linearQueryBias else { return }
        let rows = queries.shape[0], a = configuration.additiveSize, qSize = configuration.querySize
        Vector.broadcastRow(bq.value.pointer, columns: a, rows: rows, into: projected.pointer)
        GEMM.multiply(transposeB: true, m: rows, n: a, k: qSize, a: queries.pointer, lda: qSize,
                      b: wq.value.pointer, ldb: qSize, beta: 1, c: projected.pointer, ldc: a)
    }

    /// Scores, masked softmax and context for each query row; row r reads memory sequence
    /// `sentences?[r] ?? r`.
    func attendRows(queries: Tensor, projected: Tensor?, memory: AttentionMemory, sentences: [Int]?,
                    context: Tensor, weights: Tensor) {
        let c = configuration
        let r = queries.shape[0], s = memory.width, m = c.memorySize, k = c.keySize, qSize = c.querySize
        let q = queries.pointer, values = memory.values.pointer, keys = memory.keys.pointer
        let alpha = weights.pointer, ctx = context.pointer
        let p = projected?.pointer
        let v = scoreVector?.value.pointer
        memory.lengths.withUnsafeBufferPointer { lengths in
            (sentences ?? []).withUnsafeBufferPointer { map in
                Threads.parallelFor(r, minimumPerThread: 4) { rows in
                    for row in rows {
                        let n = map.isEmpty ? row : map[row]
                        let length = Int(lengths[n])
                        let a = alpha + row * s
                        let keyBase = keys + n * s * k
                        if let p, let v {
                            let pRow = p + row * k
                            for position in 0..<length {
                                a[position] = Attention.additiveScore(keyBase + position * k, pRow, v, count: k)
                            }
                        } else {
                            let qRow = q + row * qSize
                            for position in 0..<length {
                                a[position] = Attention.dot(qRow, keyBase + position * k, count: k)
                            }
                        }
                        Attention.softmaxInPlace(a, count: length)
                        (a + length).update(repeating: 0, count: s - length)
                        let out = ctx + row * m
                        out.update(repeating: 0, count: m)
                        for position in 0..<length {
                            Vector.axpy(a[position], values + (n * s + position) * m, out, count: m)
                        }
                    }
                }
            }
        }
    }

    /// x · y over `count` elements with four vector accumulators.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        var a0 = Float8(), a1 = Float8(), a2 = Float8(), a3 = Float8()
        var i = 0
        while i + 32 <= count {
            a0 += Vector.load(x + i) * Vector.load(y + i)
            a1 += Vector.load(x + i + 8) * Vector.load(y + i + 8)
            a2 += Vector.load(x + i + 16) * Vector.load(y + i + 16)
            a3 += Vector.load(x + i + 24) * Vector.load(y + i + 24)
            i += 32
        }
        while i < count {
            a0 += Vector.load(x + i, count: count - i) * Vector.load(y + i, count: count - i)
            i += 8
        }
        return ((a0 + a1) + (a2 + a3)).sum()
    }


    /// `Σ_a v_a tanh(key_a + projected_a)`.
    @inline(__always)
    static func additiveScore(_ key: UnsafePointer<Float>, _ projected: UnsafePointer<Float>,
                              _ v: UnsafePointer<Float>, count: Int) -> Float {
        var acc = Float8()
        var i = 0
        while i < count {
            let n = count - i
            let u = Vector.tanh(Vector.load(key + i, count: n) + Vector.load(projected + i, count: n))
            acc += Vector.load(v + i, count: n) * u
            i += 8
        }
        return acc.sum()
    }


    /// Backward of the additive scores of one row: for each position, with u = tanh(k_s + p),
    /// `d(pre) = dscore_s · v ⊙ (1 − u²)` goes to the key and to the projected query, and
    /// `dscore_s · u` to v. The tanh is recomputed rather than cached (S·A values per step).
    static func additiveRowBackward(dScores: UnsafePointer<Float>, count: Int, keys: UnsafePointer<Float>,
                                    projected: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                    width k: Int, dKeys: UnsafeMutablePointer<Float>,
                                    dProjected: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>) {
        dProjected.update(repeating: 0, count: k)
        let one = Float8(repeating: 1)
        for position in 0..<count {
            let key = keys + position * k, dKey = dKeys + position * k
            let ds = Float8(repeating: dScores[position])
            var i = 0
            while i < k {
                let n = k - i
                let u = Vector.tanh(Vector.load(key + i, count: n) + Vector.load(projected + i, count: n))
                let dPre = ds * Vector.load(v + i, count: n) * (one - u * u)
                Vector.store(Vector.load(dKey + i, count: n) + dPre, dKey + i, count: n)
                Vector.store(Vector.load(dProjected + i, count: n) + dPre, dProjected + i, count: n)
                Vector.store(Vector.load(dv + i, count: n) + ds * u, dv + i, count: n)
                i += 8
            }
        }
    }

    /// Softmax of `count` (≥ 1) values in place, shifted by the maximum.
    @inline(__always)
    static func softmaxInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let m = Vector.max(x, count: count)
        var sum: Float = 0
        var i = 0
        let shift = Float8(repeating: m)
        while i < count {
            let n = count - i
            let e = Vector.exp(Vector.load(x + i, count: n) - shift)
            Vector.store(e, x + i, count: n)
            for lane in 0..<min(8, n) { sum += e[lane] }
            i += 8
        }
        Vector.scale(x, by: 1 / sum, count: count)
    }
}

import TensorCore

/// A loss's row kernel over the dense `[N, M]` matrix of a batch against its references,
/// for `SoftmaxRows`: `forward` reads each row and leaves in the target row what
/// `gradient` later turns, in place, into that row of ∂(terms)/∂(matrix).
@usableFromInline protocol SoftmaxRowKernel<Scalar>: Sendable {
    associatedtype Scalar: TensorScalar
    associatedtype State
    /// The number of terms the kernel produces.
    var termCount: Int { get }
    /// Reads rows `0..<n` of `source` (each `m` wide) and writes the target rows; `target`
    /// may be `source` itself (each row is read before it is written). Returns the terms
    /// and what `gradient` needs.
    func forward(source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int) -> (terms: [Scalar], state: State)
    /// Replaces the rows `forward` wrote by the gradient with respect to the matrix, given
    /// the gradient of the terms.
    func gradient(_ buffer: UnsafeMutablePointer<Scalar>, _ state: State, upstream: [Scalar], n: Int, m: Int)
    /// Replaces the square `[n, n]` rows `forward` wrote (over a Gram matrix) by G + Gᵀ, G
    /// the gradient with respect to the matrix: by default `gradient`, then
    /// `SoftmaxRows.addTranspose`; a `ScaledRowKernel` does both in one pass.
    func symmetrizedGradient(_ buffer: UnsafeMutablePointer<Scalar>, _ state: State, upstream: [Scalar], n: Int)
}

extension SoftmaxRowKernel {
    @usableFromInline func symmetrizedGradient(_ buffer: UnsafeMutablePointer<Scalar>, _ state: State, upstream: [Scalar], n: Int) {
        gradient(buffer, state, upstream: upstream, n: n, m: n)
        SoftmaxRows.addTranspose(buffer, n: n)
    }

    /// Runs `body(i, row)` on every row of the `[n, m]` buffer, the rows split across
    /// threads: the skeleton of a kernel's `gradient`, which rewrites each row in place.
    @inline(__always)
    func rewritingRows(_ buffer: UnsafeMutablePointer<Scalar>, n: Int, m: Int, _ body: (Int, UnsafeMutablePointer<Scalar>) -> Void) {
        nonisolated(unsafe) let buffer = buffer
        _ = parallelRanges(n, work: n * m * 2) { range in
            for i in range { body(i, buffer + i * m) }
        }
    }

    /// The factor that turns a row of shifted exponentials e^(x − μ) into its softmax's
    /// gradient: κ·w/Σ (`sum` = Σ, κ = `scale`, w = `weight`), or 0 for a row without
    /// weight or sum (`scaleSoftmaxRow` as a `ScaledRows` factor).
    @inline(__always)
    func softmaxRowFactor(weight: Scalar, sum: Scalar, scale: Scalar) -> Scalar {
        weight != 0 && sum > 0 ? scale * weight / sum : 0
    }

    /// Turns a row of shifted exponentials e^(x − μ) into its softmax's gradient
    /// κ·w·e^(x − μ)/Σ (`sum` = Σ, κ = `scale`, w = `weight`); a row without weight or sum
    /// becomes 0. Returns whether the row was scaled.
    @inline(__always)
    func scaleSoftmaxRow(_ row: UnsafeMutablePointer<Scalar>, m: Int, weight: Scalar, sum: Scalar, scale: Scalar) -> Bool {
        guard weight != 0, sum > 0 else {
            row.update(repeating: 0, count: m)
            return false
        }
        let factor = scale * weight / sum
        for j in 0..<m { row[j] *= factor }
        return true
    }
}

/// Records a `SoftmaxRowKernel` as one differentiable operation with one `[N, M]` buffer:
/// the forward pass turns the matrix rows into what the pullback needs (exponentials), and
/// the pullback turns them into the gradient in place.
@usableFromInline enum SoftmaxRows {
    /// The factor of the logits x = s/τ (or −d/τ for a distance) of a temperature-scaled
    /// softmax (NT-Xent, SupCon). - Throws: `invalidParameter` unless τ is positive and 1/τ finite.
    static func logitScale<Scalar: TensorScalar>(temperature: Scalar, isSimilarity: Bool) throws -> Scalar {
        try BatchValidation.requireFinite(["temperature": temperature])
        try BatchValidation.require(temperature > 0 && (1 / temperature).isFinite, "temperature", temperature, "must be positive, with 1/temperature finite")
        return (isSimilarity ? 1 : -1) / temperature
    }

    /// The loss of a temperature-scaled softmax over pairs (NT-Xent, SupCon): the terms of
    /// the row kernel `rows` over every pair, or `listed`'s terms over listed pairs (each
    /// given κ = ±1/τ), given their context by `context` and reduced; the reducer's loss of
    /// no terms without a positive or without a negative pair.
    /// - Throws: what `logitScale` throws, and what `listed` throws.
    static func loss<K: SoftmaxRowKernel>(
        _ inputs: BatchInputs<K.Scalar>, over pairs: PairSelection, distance: any Distance<K.Scalar>, temperature: K.Scalar,
        reducer: any Reducer<K.Scalar>, context: (Variable<K.Scalar>) -> LossTerms<K.Scalar>,
        rows: (DenseRowPairs, K.Scalar) -> K, listed: (K.Scalar) throws -> Variable<K.Scalar>
    ) throws -> Variable<K.Scalar> {
        let scale = try logitScale(temperature: temperature, isSimilarity: distance.isSimilarity)
        guard pairs.positiveCount > 0 && pairs.negativeCount > 0 else { return inputs.noTerms(reducer) }
        return reducer.reduce(context(try pairs.rows.map { Self.terms(rows($0, scale), inputs: inputs, distance: distance) } ?? listed(scale)))
    }

    /// The terms of `kernel` over the matrix of `inputs` under `distance`. For a batch
    /// against itself under a dot-product kernel (cosine, the default), the Gram matrix of the
    /// prepared rows is computed inside the operation, so its buffer is the only `[N, N]` one.
    @usableFromInline
    static func terms<K: SoftmaxRowKernel>(_ kernel: K, inputs: BatchInputs<K.Scalar>, distance: any Distance<K.Scalar>) -> Variable<K.Scalar> {
        if inputs.referencesAreEmbeddings && distance.kernel == .dotProduct {
            return terms(kernel, gramOf: distance.prepare(inputs.embeddings))
        }
        return terms(kernel, matrix: inputs.matrix(distance))
    }

    /// The prepared rows X of a batch against itself whose Gram matrix G = X·Xᵀ gives the
    /// squared Euclidean distances of `distance` as ‖x − y‖² = 2 − 2G, if they do: the
    /// distance normalises, and every row normalises to unit length (a row shorter than
    /// `normalizationFloor` is only divided by it; a row whose norm overflows becomes zeros).
    /// Nil otherwise.
    static func unitRows<Scalar: TensorScalar>(_ inputs: BatchInputs<Scalar>, squaredDistance distance: any Distance<Scalar>) -> Variable<Scalar>? {
        guard inputs.referencesAreEmbeddings && distance.normalizesEmbeddings && distance.kernel == .euclidean(squared: true),
              let norms = try? inputs.embeddings.value.rowNorms(),
              norms.storage.allSatisfy({ $0 >= Tensor<Scalar>.normalizationFloor && $0.isFinite }) else { return nil }
        return distance.prepare(inputs.embeddings)
    }

    /// The terms of `kernel` over a matrix variable (its gradient flows back through it).
    static func terms<K: SoftmaxRowKernel>(_ kernel: K, matrix: Variable<K.Scalar>) -> Variable<K.Scalar> {
        let mv = matrix.value
        return Variable.record([matrix]) {
            let (n, m) = try mv.matrixExtents("\(K.self)")
            let (buffer, terms, state) = mv.storage.withUnsafeBufferPointer { source in
                var terms: [K.Scalar] = [], state: K.State?
                // Rows are first written by the thread that computes them (page faults split too).
                let buffer = [K.Scalar](uninitializedCount: n * m) { target in
                    (terms, state) = kernel.forward(source: source.baseAddress!, target: target.baseAddress!, n: n, m: m)
                }
                return (buffer, terms, state!)
            }
            let owned = PullbackBuffer(buffer)
            return (Tensor(uncheckedShape: [terms.count], scalars: terms), { g in
                guard var gradient = owned.take() else { return [nil] }
                gradient.withUnsafeMutableBufferPointer { kernel.gradient($0.baseAddress!, state, upstream: g.storage, n: n, m: m) }
                return [Tensor(uncheckedShape: [n, m], scalars: gradient)]
            })
        }
    }

    /// The terms of `kernel` over the Gram matrix X·Xᵀ of `x`'s rows, computed here; the
    /// pullback makes the gradient buffer ∂S + ∂Sᵀ in place (`symmetrizedGradient`), and multiplies
    /// it by X (summing the transpose while packing reads it column-wise, 8192 columns
    /// apart at N = 8192: measured 0.3 s slower there than this pass and a plain product).
    static func terms<K: SoftmaxRowKernel>(_ kernel: K, gramOf x: Variable<K.Scalar>) -> Variable<K.Scalar> {
        let xv = x.value
        return Variable.record([x]) {
            let n = try xv.matrixExtents("\(K.self)").rows
            // The product is a temporary: its storage is this buffer's alone.
            var buffer = try matmul(xv, xv, transposeB: true).storage
            let (terms, state) = buffer.withUnsafeMutableBufferPointer { b in
                kernel.forward(source: UnsafePointer(b.baseAddress!), target: b.baseAddress!, n: n, m: n)
            }
            let owned = PullbackBuffer(buffer)
            return (Tensor(uncheckedShape: [terms.count], scalars: terms), { g in
                guard var gradient = owned.take() else { return [nil] }
                gradient.withUnsafeMutableBufferPointer { kernel.symmetrizedGradient($0.baseAddress!, state, upstream: g.storage, n: n) }
                let dx = try? matmul(Tensor(uncheckedShape: [n, n], scalars: gradient), xv)
                ScratchMemory.recycle(consume gradient)  // dead after the product; the next step's buffer
                return [dx]
            })
        }
    }

    /// The terms of `kernel` over the product a·b (a·bᵀ with `transposeB`), computed inside
    /// the operation: the product's own buffer holds the matrix, then what the forward pass
    /// leaves, then the gradient G, from which the pullback forms ∂a = G·op(b)ᵀ and ∂b (only
    /// for a tracked operand). One `[N, M]` buffer and one tape node instead of two of each
    /// (a batch against class weights or proxies).
    ///
    /// - Complexity: three N·M·D products and the kernel's O(N·M).
    @usableFromInline
    static func terms<K: SoftmaxRowKernel>(_ kernel: K, productOf a: Variable<K.Scalar>, _ b: Variable<K.Scalar>, transposeB: Bool) -> Variable<K.Scalar> {
        let (av, bv, needA, needB) = (a.value, b.value, a.isTracked, b.isTracked)
        return Variable.record([a, b]) {
            // The product is a temporary: its storage is this buffer's alone.
            let product = try matmul(av, bv, transposeB: transposeB)
            let (n, m) = (product.shape[0], product.shape[1])
            var buffer = product.storage
            let (terms, state) = buffer.withUnsafeMutableBufferPointer { p in
                kernel.forward(source: UnsafePointer(p.baseAddress!), target: p.baseAddress!, n: n, m: m)
            }
            let owned = PullbackBuffer(buffer)
            return (Tensor(uncheckedShape: [terms.count], scalars: terms), { g in
                guard var gradient = owned.take() else { return [nil, nil] }
                gradient.withUnsafeMutableBufferPointer { kernel.gradient($0.baseAddress!, state, upstream: g.storage, n: n, m: m) }
                let gm = Tensor(uncheckedShape: [n, m], scalars: consume gradient)
                let ga = needA ? try? matmul(gm, bv, transposeB: !transposeB) : nil
                let gb = needB ? (transposeB ? try? matmul(gm, av, transposeA: true) : try? matmul(av, gm, transposeA: true)) : nil
                ScratchMemory.recycle((consume gm).storage)  // dead after the products; the next step's buffer
                return [ga, gb]
            })
        }
    }

    /// The terms of `kernel` over the matrix of `embeddings` `[N, D]` against the rows of
    /// `proxies` `[C, D]` under `distance`: for a dot-product kernel (cosine, the default of
    /// the proxy losses) the product is computed inside the operation, in the kernel's buffer.
    @usableFromInline
    static func terms<K: SoftmaxRowKernel>(_ kernel: K, embeddings: Variable<K.Scalar>, proxies: Variable<K.Scalar>, distance: any Distance<K.Scalar>) -> Variable<K.Scalar> {
        guard distance.kernel == .dotProduct else { return terms(kernel, matrix: distance(embeddings, proxies)) }
        return terms(kernel, productOf: distance.prepare(embeddings), distance.prepare(proxies), transposeB: true)
    }

    /// Replaces the square `[n, n]` matrix at `g` by g + gᵀ in place, in 64 × 64 tiles: a
    /// tile and its mirror are read and written only as row segments (a column walk with a
    /// power-of-two row stride, 32 KB at N = 8192, maps to one cache set), transposed in
    /// two scratch tiles. Every pair is summed once, by one task. With `factors` f, row i
    /// is scaled by fᵢ on the way: fᵢ·gᵢⱼ + fⱼ·gⱼᵢ.
    ///
    /// - Complexity: O(n²).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func addTranspose<Scalar: TensorScalar>(_ g: UnsafeMutablePointer<Scalar>, n: Int, factors: UnsafePointer<Scalar>? = nil) {
        let tile = 64, tiles = (n + tile - 1) / tile
        nonisolated(unsafe) let (g, factors) = (g, factors)
        parallelFor(tiles, work: n * n * 4) { rowTile in
            let mirror = UnsafeMutablePointer<Scalar>.allocate(capacity: tile * tile)
            let sums = UnsafeMutablePointer<Scalar>.allocate(capacity: tile * tile)
            defer { mirror.deallocate(); sums.deallocate() }
            let (i0, rows) = (rowTile * tile, Swift.min(tile, n - rowTile * tile))
            for columnTile in rowTile..<tiles {
                let (j0, columns) = (columnTile * tile, Swift.min(tile, n - columnTile * tile))
                // mirror[c][r] = g[j0 + c][i0 + r], read row segment by row segment.
                for c in 0..<columns { (mirror + c * tile).update(from: g + (j0 + c) * n + i0, count: rows) }
                if let f = factors {
                    for r in 0..<rows {
                        let (row, fi, fj) = (g + (i0 + r) * n + j0, f[i0 + r], f + j0)
                        for c in 0..<columns {
                            let sum = fi * row[c] + fj[c] * mirror[c * tile + r]
                            row[c] = sum
                            sums[c * tile + r] = sum
                        }
                    }
                } else {
                    for r in 0..<rows {
                        let row = g + (i0 + r) * n + j0
                        for c in 0..<columns {
                            let sum = row[c] + mirror[c * tile + r]
                            row[c] = sum
                            sums[c * tile + r] = sum
                        }
                    }
                }
                for c in 0..<columns { (g + (j0 + c) * n + i0).update(from: sums + c * tile, count: rows) }
            }
        }
    }
}

/// Every pair of a batch against its references, row by row, without listing them: anchor
/// i's positives are the references with its label other than its own copy (in increasing
/// order, as `ReferencePairing.positivePairs()` lists them), its negatives every reference
/// with another label.
@usableFromInline struct DenseRowPairs: Sendable {
    @usableFromInline let pairing: ReferencePairing
    @usableFromInline let groups: SameLabelColumns
    /// Row i's positive pairs are entries `positiveStart[i]..<positiveStart[i + 1]` of the list.
    @usableFromInline let positiveStart: [Int]
    /// The number of negative pairs.
    @usableFromInline let negativeCount: Int

    @usableFromInline init(_ pairing: ReferencePairing) {
        self.pairing = pairing
        let groups = SameLabelColumns(labels: pairing.labels, referenceLabels: pairing.referenceLabels)
        let m = pairing.referenceLabels.count
        var start = [0], negatives = 0
        for i in pairing.labels.indices {
            let same = groups.columns(of: i)
            let own = pairing.selfReference(of: i)
            let ownIsSame = own.map { $0 < m && pairing.referenceLabels[$0] == pairing.labels[i] } ?? false
            let ownIsOther = own.map { $0 < m && pairing.referenceLabels[$0] != pairing.labels[i] } ?? false
            start.append(start[i] + same.count - (ownIsSame ? 1 : 0))
            negatives += m - same.count - (ownIsOther ? 1 : 0)
        }
        (self.groups, self.positiveStart, self.negativeCount) = (groups, start, negatives)
    }

    /// The number of positive pairs.
    @usableFromInline var positiveCount: Int { positiveStart[positiveStart.count - 1] }

    /// Row i's positive columns, in increasing order.
    @usableFromInline func positives(of i: Int) -> [Int] {
        let own = pairing.selfReference(of: i)
        return groups.columns(of: i).filter { $0 != own }
    }

    /// The rows with a positive pair, in increasing order, and for each row its place in
    /// that list (nil without a positive): the per-anchor terms of NCA and FastAP.
    @usableFromInline func rowsWithPositives() -> (rows: [Int], placeOfRow: [Int?]) {
        var rows: [Int] = []
        let places = pairing.labels.indices.map { i -> Int? in
            guard positiveStart[i + 1] > positiveStart[i] else { return nil }
            rows.append(i)
            return rows.count - 1
        }
        return (rows, places)
    }
}


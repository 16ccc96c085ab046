import TensorCore

/// A row kernel whose gradient is what its forward pass left, E, with each row scaled, plus
/// a few listed entries (a softmax's positives): G = diag(f)·E + C (`ScaledRows`). Its
/// `gradient` applies that form row by row; over a Gram matrix, G + Gᵀ comes from one pass,
/// fᵢ·eᵢⱼ + fⱼ·eⱼᵢ tile by tile, and then the listed entries, instead of a pass for G and
/// another for G + Gᵀ (the same numbers for kernels without listed entries).
@usableFromInline protocol ScaledRowKernel: SoftmaxRowKernel {
    /// The row factors and listed entries of the gradient, given the gradient of the terms.
    func scaledGradient(_ state: State, upstream: [Scalar], n: Int, m: Int) -> ScaledRows<Scalar>
}

extension ScaledRowKernel {
    @usableFromInline func gradient(_ buffer: UnsafeMutablePointer<Scalar>, _ state: State, upstream: [Scalar], n: Int, m: Int) {
        scaledGradient(state, upstream: upstream, n: n, m: m).apply(to: buffer, n: n, m: m)
    }

    @usableFromInline func symmetrizedGradient(_ buffer: UnsafeMutablePointer<Scalar>, _ state: State, upstream: [Scalar], n: Int) {
        scaledGradient(state, upstream: upstream, n: n, m: n).applySymmetrized(to: buffer, n: n)
    }
}

/// A gradient G = diag(f)·E + C of an `[N, M]` buffer E: row i scaled by `factors[i]`, then
/// `values[k]` added at column `columns[k]` of row i for k in `start[i]..<start[i + 1]`.
@usableFromInline struct ScaledRows<Scalar: TensorScalar> {
    @usableFromInline let factors: [Scalar]
    /// The listed entries, row by row (`start` empty: none).
    @usableFromInline let start: [Int], columns: [Int], values: [Scalar]

    /// Row factors alone.
    @usableFromInline init(factors: [Scalar]) {
        (self.factors, start, columns, values) = (factors, [], [], [])
    }

    /// Row factors and one entry per positive pair of `pairs` (`values` in the pairs' order).
    @usableFromInline init(factors: [Scalar], positivesOf pairs: DenseRowPairs, values: [Scalar]) {
        (self.factors, start, self.values) = (factors, pairs.positiveStart, values)
        columns = pairs.pairing.labels.indices.flatMap { pairs.positives(of: $0) }
    }

    /// Replaces the rows of E at `buffer` by those of G, in place.
    ///
    /// - Complexity: O(N·M + listed entries).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline func apply(to buffer: UnsafeMutablePointer<Scalar>, n: Int, m: Int) {
        nonisolated(unsafe) let buffer = buffer
        _ = parallelRanges(n, work: n * m * 2) { range in
            for i in range {
                let (row, factor) = (buffer + i * m, factors[i])
                for j in 0..<m { row[j] *= factor }
                guard !start.isEmpty else { continue }
                for k in start[i]..<start[i + 1] { row[columns[k]] += values[k] }
            }
        }
    }

    /// Replaces the square E at `g` by G + Gᵀ in place: fᵢ·eᵢⱼ + fⱼ·eⱼᵢ in one tiled pass
    /// (`SoftmaxRows.addTranspose`), then each listed entry added at (i, j) and at (j, i), in
    /// list order (the same for any thread count).
    ///
    /// - Complexity: O(N² + listed entries).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline func applySymmetrized(to g: UnsafeMutablePointer<Scalar>, n: Int) {
        factors.withUnsafeBufferPointer { SoftmaxRows.addTranspose(g, n: n, factors: $0.baseAddress) }
        guard !start.isEmpty else { return }
        for i in 0..<n {
            for k in start[i]..<start[i + 1] {
                g[i * n + columns[k]] += values[k]
                g[columns[k] * n + i] += values[k]
            }
        }
    }
}

extension Variable {
    /// The sum of every element, as a rank-0 variable.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sum() -> Variable {
        let shape = value.shape, n = value.count
        return Variable.record([self]) {
            (value.sum(), { g in [Tensor(uncheckedShape: shape, scalars: Array(repeating: g.storage[0], count: n))] })
        }
    }

    /// The mean of every element (0 for an empty variable), as a rank-0 variable.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mean() -> Variable {
        value.count == 0 ? sum() : sum() / Scalar(value.count)
    }

    /// Sums along `axis` of a matrix: 0 gives one value per column, 1 one per row.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sum(alongAxis axis: Int) -> Variable {
        let shape = value.shape
        return Variable.record([self]) {
            let out = try value.sum(alongAxis: axis)
            return (out, { g in
                let (r, c) = (shape[0], shape[1])
                var grad = [Scalar](repeating: 0, count: r * c)
                for i in 0..<r { for j in 0..<c { grad[i * c + j] = g.storage[axis == 1 ? i : j] } }
                return [Tensor(uncheckedShape: shape, scalars: grad)]
            })
        }
    }

    /// Means along `axis` of a matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mean(alongAxis axis: Int) -> Variable {
        let n = value.rank == 2 ? value.shape[axis == 1 ? 1 : 0] : 0
        return n == 0 ? sum(alongAxis: axis) : sum(alongAxis: axis) / Scalar(n)
    }

    /// Maxima along `axis`; the gradient goes to the first maximum.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func max(alongAxis axis: Int) -> Variable { extremum(alongAxis: axis, largest: true) }

    /// Minima along `axis`; the gradient goes to the first minimum.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func min(alongAxis axis: Int) -> Variable { extremum(alongAxis: axis, largest: false) }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func extremum(alongAxis axis: Int, largest: Bool) -> Variable {
        let shape = value.shape
        return Variable.record([self]) {
            let (values, indices) = try value.extremum(alongAxis: axis, largest ? "max(alongAxis:)" : "min(alongAxis:)") {
                largest ? $0 > $1 : $0 < $1
            }
            return (values, { g in
                let c = shape[1]
                var grad = [Scalar](repeating: 0, count: shape[0] * c)
                for (o, i) in indices.enumerated() where i >= 0 {
                    grad[axis == 1 ? o * c + i : i * c + o] += g.storage[o]
                }
                return [Tensor(uncheckedShape: shape, scalars: grad)]
            })
        }
    }

    /// The largest element (gradient to the first one); −∞ when empty.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func max() -> Variable { totalExtremum(largest: true) }
    /// The smallest element (gradient to the first one); +∞ when empty.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func min() -> Variable { totalExtremum(largest: false) }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func totalExtremum(largest: Bool) -> Variable {
        let x = value
        return Variable.record([self]) {
            // The first extreme element gets the gradient.
            var index: Int?
            for (i, v) in x.storage.enumerated() where index == nil || (largest ? v > x.storage[index!] : v < x.storage[index!]) {
                index = i
            }
            let out = index.map { Tensor(x.storage[$0]) } ?? Tensor(largest ? -.infinity : .infinity)
            return (out, { g in
                var grad = [Scalar](repeating: 0, count: x.count)
                if let index { grad[index] = g.storage[0] }
                return [Tensor(uncheckedShape: x.shape, scalars: grad)]
            })
        }
    }

    /// ln Σ exp over the masked entries of each row (`axis` 1) or column (`axis` 0),
    /// optionally with a 0 in every set: ln(1 + Σ exp x). See `Tensor.logSumExp`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func logSumExp(alongAxis axis: Int, mask: [Bool]? = nil, includingZero: Bool = false) -> Variable {
        let shape = value.shape
        return Variable.record([self]) {
            let (values, weights) = try value.logSumExpWithWeights(alongAxis: axis, mask: mask, includingZero: includingZero)
            return (values, { g in
                let c = shape[1]
                var grad = weights.storage
                for i in 0..<shape[0] { for j in 0..<c { grad[i * c + j] *= g.storage[axis == 1 ? i : j] } }
                return [Tensor(uncheckedShape: shape, scalars: grad)]
            })
        }
    }
}

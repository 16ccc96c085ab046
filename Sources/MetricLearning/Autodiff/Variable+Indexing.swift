extension Variable {
    /// The rows at `indices` (repeats allowed); the pullback adds each row's gradient back.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func gatheringRows(_ indices: [Int]) -> Variable {
        let shape = value.shape
        return Variable.record([self]) {
            let out = try value.gatheringRows(indices)
            return (out, { g in
                let c = shape[1]
                var grad = [Scalar](repeating: 0, count: shape[0] * c)
                for (t, i) in indices.enumerated() {
                    for j in 0..<c { grad[i * c + j] += g.storage[t * c + j] }
                }
                return [Tensor(uncheckedShape: shape, scalars: grad)]
            })
        }
    }

    /// The elements (rows[t], columns[t]) as a vector; the pullback scatters back with adding.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func gatheringElements(rows: [Int], columns: [Int]) -> Variable {
        let shape = value.shape
        return Variable.record([self]) {
            let out = try value.gatheringElements(rows: rows, columns: columns)
            return (out, { g in
                let c = shape[1]
                var grad = [Scalar](repeating: 0, count: shape[0] * c)
                for t in 0..<rows.count { grad[rows[t] * c + columns[t]] += g.storage[t] }
                return [Tensor(uncheckedShape: shape, scalars: grad)]
            })
        }
    }
}

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

    /// The elements in `range` of a vector; the pullback places the gradient back.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func elements(in range: Range<Int>) -> Variable {
        let shape = value.shape
        return Variable.record([self]) {
            guard shape.count == 1, range.lowerBound >= 0, range.upperBound <= shape[0] else {
                throw MetricLearningError(.shapeMismatch, "elements(in: \(range)) of shape \(shape)")
            }
            let out = Tensor<Scalar>(uncheckedShape: [range.count], scalars: Array(value.storage[range]))
            return (out, { g in
                var grad = [Scalar](repeating: 0, count: shape[0])
                grad.replaceSubrange(range, with: g.storage)
                return [Tensor(uncheckedShape: shape, scalars: grad)]
            })
        }
    }

    /// The matrices `parts` stacked by rows, `[Σ rowsᵢ, columns]`; the pullback hands each
    /// part its rows of the gradient. All parts must have the same number of columns; no
    /// parts give an empty `[0, 0]` constant.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func concatenatingRows(_ parts: [Variable]) -> Variable {
        guard !parts.isEmpty else { return Variable(Tensor(uncheckedShape: [0, 0], scalars: [])) }
        let shapes = parts.map(\.shape)
        return Variable.record(parts) {
            guard shapes.allSatisfy({ $0.count == 2 && $0[1] == shapes[0][1] }) else {
                throw MetricLearningError(.shapeMismatch, "concatenatingRows: shapes \(shapes) are not matrices of one width")
            }
            let out = Tensor<Scalar>(uncheckedShape: [shapes.reduce(0) { $0 + $1[0] }, shapes[0][1]], scalars: parts.flatMap(\.value.storage))
            return (out, { g in
                var start = 0
                return shapes.map { shape in
                    defer { start += shape[0] * shape[1] }
                    return Tensor(uncheckedShape: shape, scalars: Array(g.storage[start..<(start + shape[0] * shape[1])]))
                }
            })
        }
    }
}

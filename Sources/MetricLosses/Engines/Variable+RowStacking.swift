import TensorCore

extension Variable {
    /// The rows of this matrix followed by the rows of `other` (of the same width); the
    /// pullback splits the gradient between the two.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func stackingRows(_ other: Variable) -> Variable {
        let (a, b) = (value, other.value)
        return Variable.record([self, other]) {
            let ((r, c), (r2, c2)) = (try a.matrixExtents("stackingRows"), try b.matrixExtents("stackingRows"))
            guard c == c2 else { throw MetricLearningError(.shapeMismatch, "stackingRows: widths differ, \(a.shape) and \(b.shape)") }
            return (Tensor(uncheckedShape: [r + r2, c], scalars: a.scalars + b.scalars), { g in
                let rows = g.scalars
                return [Tensor(uncheckedShape: a.shape, scalars: Array(rows[..<(r * c)])),
                        Tensor(uncheckedShape: b.shape, scalars: Array(rows[(r * c)...]))]
            })
        }
    }
}

import TensorCore

extension Variable {
    /// The inverse A⁻¹ of a square matrix, by Gauss–Jordan elimination with partial pivoting.
    ///
    /// Pullback: ∂A = −A⁻ᵀ·G·A⁻ᵀ (two matrix products).
    /// - Complexity: O(n³) for an n × n matrix.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func inverse() -> Variable {
        let a = value
        return Variable.record([self]) {
            let inverse = try Self.inverse(of: a)
            return (inverse, { g in
                guard let left = try? matmul(inverse, g, transposeA: true), let product = try? matmul(left, inverse, transposeB: true) else { return [nil] }
                return [product.map { -$0 }]
            })
        }
    }

    /// A⁻¹ of a tensor. - Throws: `shapeMismatch` for a non-square matrix, `invalidParameter`
    /// for a singular one.
    static func inverse(of a: Tensor<Scalar>) throws -> Tensor<Scalar> {
        let (n, n2) = try a.matrixExtents("inverse")
        guard n == n2 else { throw MetricLearningError(.shapeMismatch, "inverse of a non-square matrix of shape \(a.shape)") }
        var m = a.scalars, out = try Tensor<Scalar>.identity(size: n).scalars
        m.withUnsafeMutableBufferPointer { mb in
            out.withUnsafeMutableBufferPointer { ob in
                let (mp, op) = (mb.baseAddress!, ob.baseAddress!)
                for column in 0..<n {
                    var pivot = column
                    for r in column..<n where mp[r * n + column].magnitude > mp[pivot * n + column].magnitude { pivot = r }
                    if pivot != column {
                        for j in 0..<n { mb.swapAt(pivot * n + j, column * n + j); ob.swapAt(pivot * n + j, column * n + j) }
                    }
                    let p = mp[column * n + column]
                    guard p != 0 else { continue }
                    for j in 0..<n { mp[column * n + j] /= p; op[column * n + j] /= p }
                    for r in 0..<n where r != column {
                        let f = mp[r * n + column]
                        if f == 0 { continue }
                        Reductions.addScaled(mp + r * n, mp + column * n, -f, n)
                        Reductions.addScaled(op + r * n, op + column * n, -f, n)
                    }
                }
            }
        }
        if let singular = (0..<n).first(where: { m[$0 * n + $0] != 1 }) {
            throw MetricLearningError(.invalidParameter, "inverse: the matrix is singular (no pivot in column \(singular))")
        }
        return Tensor(uncheckedShape: [n, n], scalars: out)
    }
}

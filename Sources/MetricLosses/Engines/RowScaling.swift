import TensorCore

/// The pullback of a row kernel with one term per row whose forward pass left each row's
/// gradient for an upstream of 1 (`ProxyNCARows`, `SoftTripleRows`): row i times `upstream[i]`.
@usableFromInline enum RowScaling {
    /// Multiplies row i of the `[n, m]` buffer by `upstream[i]`, in place.
    ///
    /// - Complexity: O(n·m).
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func scale<Scalar: TensorScalar>(_ buffer: UnsafeMutablePointer<Scalar>, by upstream: [Scalar], n: Int, m: Int) {
        nonisolated(unsafe) let buffer = buffer
        _ = parallelRanges(n, work: n * m) { range in
            for i in range {
                let (row, factor) = (buffer + i * m, upstream[i])
                for j in 0..<m { row[j] *= factor }
            }
        }
    }
}

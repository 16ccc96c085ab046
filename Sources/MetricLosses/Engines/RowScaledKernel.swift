import TensorCore

/// A row kernel with one term per row whose forward pass leaves each row's gradient for an
/// upstream of 1 (`ProxyNCARows`, `SoftTripleRows`): its pullback multiplies row i by the
/// upstream of term i.
@usableFromInline protocol RowScaledKernel: SoftmaxRowKernel where State == Void {}

extension RowScaledKernel {
    /// Multiplies row i of the `[n, m]` buffer by `upstream[i]`, in place.
    ///
    /// - Complexity: O(n·m).
    @usableFromInline func gradient(_ buffer: UnsafeMutablePointer<Scalar>, _ state: Void, upstream: [Scalar], n: Int, m: Int) {
        nonisolated(unsafe) let buffer = buffer
        _ = parallelRanges(n, work: n * m) { range in
            for i in range {
                let (row, factor) = (buffer + i * m, upstream[i])
                for j in 0..<m { row[j] *= factor }
            }
        }
    }
}

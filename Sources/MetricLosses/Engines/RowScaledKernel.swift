import TensorCore

/// A row kernel with one term per row whose forward pass leaves each row's gradient for an
/// upstream of 1 (`ProxyNCARows`, `SoftTripleRows`, `CircleRows`): its gradient is row i
/// times the upstream of term i, a `ScaledRowKernel` without listed entries.
@usableFromInline protocol RowScaledKernel: ScaledRowKernel where State == Void {}

extension RowScaledKernel {
    /// Row i scaled by `upstream[i]`.
    @usableFromInline func scaledGradient(_ state: Void, upstream: [Scalar], n: Int, m: Int) -> ScaledRows<Scalar> {
        ScaledRows(factors: upstream)
    }
}

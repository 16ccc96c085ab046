import TensorCore

extension Variable {
    /// A scalar loss of `matrix` whose value and gradient a fused path computes together:
    /// `lossAndGradient(matrix.value)` gives the loss and ∂loss/∂matrix, which the pullback
    /// scales by the upstream gradient in place (the gradient is the operation's own buffer,
    /// which the matrix's pullback may then rewrite and recycle).
    static func fusedLoss(
        of matrix: Variable, _ lossAndGradient: (Tensor<Scalar>) -> (value: Scalar, gradient: Tensor<Scalar>)
    ) -> Variable {
        Variable.record([matrix]) {
            let (value, gradient) = lossAndGradient(matrix.value)
            let (shape, owned) = (gradient.shape, PullbackBuffer(gradient.storage))
            return (Tensor(value), { g in
                guard var scaled = owned.take() else { return [nil] }
                let upstream = g.scalars[0]
                scaled.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = $0[i] * upstream } }
                return [Tensor(uncheckedShape: shape, scalars: scaled)]
            })
        }
    }
}

import TensorCore

extension Variable {
    /// A scalar loss of `matrix` whose value and gradient a fused path computes together:
    /// `lossAndGradient(matrix.value)` gives the loss and ∂loss/∂matrix, which the pullback
    /// scales by the upstream gradient.
    static func fusedLoss(
        of matrix: Variable, _ lossAndGradient: (Tensor<Scalar>) -> (value: Scalar, gradient: Tensor<Scalar>)
    ) -> Variable {
        Variable.record([matrix]) {
            let (value, gradient) = lossAndGradient(matrix.value)
            return (Tensor(value), { g in [gradient * g.scalars[0]] })
        }
    }
}

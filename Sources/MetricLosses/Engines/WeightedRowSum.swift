import TensorCore

/// For each row r of `groups`: Σ over its pairs t of coefficients[t]·source.E[others[t]].
@usableFromInline struct WeightedRowSum<Scalar: TensorScalar>: Sendable {
    @usableFromInline let groups: RowGroups
    @usableFromInline let others: [Int]
    @usableFromInline let source: ScaledExponentials<Scalar>
    @usableFromInline let coefficients: [Scalar]

    @usableFromInline init(groups: RowGroups, others: [Int], source: ScaledExponentials<Scalar>, coefficients: [Scalar]) {
        (self.groups, self.others, self.source, self.coefficients) = (groups, others, source, coefficients)
    }
}

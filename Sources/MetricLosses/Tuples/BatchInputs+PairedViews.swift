import TensorCore

extension BatchInputs {
    /// Validates the inputs of a self-supervised loss (a `PairedViewsLoss`): the embeddings and
    /// the references are two views of the same items, row i of both one item. Returns N and
    /// the width.
    ///
    /// - Throws: what `validate(_:)` throws; `MetricLearningError.Kind.invalidTuples` for any
    ///   tuples, even empty ones (PML's self-supervised losses take no `indices_tuple`); and
    ///   `shapeMismatch` when the references have another number of rows than the embeddings.
    @discardableResult
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func validatePairedViews(_ tuples: MinedTuples?, loss: String) throws -> (count: Int, width: Int) {
        let (n, m, d) = try validate(tuples)
        guard tuples == nil else {
            throw MetricLearningError(.invalidTuples, "\(loss) takes no mined tuples: it compares two views of the same items")
        }
        guard m == n else {
            throw MetricLearningError(.shapeMismatch, "\(loss) compares two views of the same items, row i of each one item: "
                                      + "the embeddings have \(n) rows but the references \(m)")
        }
        return (n, d)
    }
}

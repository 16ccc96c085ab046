import MetricLearning

extension ReferenceCase {
    /// Compares a computed loss value, named gradients and mined tuples with this case.
    ///
    /// Gradient names are those of `expectedGradients`: `"embeddings"`, `"weights"`,
    /// `"references"` and parameter names such as `"W"` or `"proxies"`. A name the case does
    /// not have is a mismatch; an expected gradient left out is only listed as unchecked.
    ///
    /// ```swift
    /// let r = try loss.valueWithGradient(embeddings: c.embeddings, weights: c.weights!, labels: c.labels!)
    /// let comparison = c.compare(loss: r.value, gradients: ["embeddings": r.embeddingsGradient, "weights": r.weightsGradient])
    /// #expect(comparison.isMatch, "\(comparison)")
    /// ```
    /// - Parameters:
    ///   - loss: the computed value, or `nil` to skip it.
    ///   - gradients: computed gradients by name (`Float` or `Double`).
    ///   - mined: computed tuples, compared as sets with `mined` of the case (with an empty
    ///     set when the case has none); `nil` to skip.
    ///   - absoluteTolerance: `atol` of `|a − b| ≤ atol + rtol·|b|`.
    ///   - relativeTolerance: `rtol`.
    public func compare<Scalar: TensorScalar>(
        loss: Scalar?, gradients: [String: Tensor<Scalar>] = [:], mined: MinedTuples? = nil,
        absoluteTolerance: Double = 1e-8, relativeTolerance: Double = 1e-6
    ) -> ReferenceComparison {
        let expected = expectedGradients
        var quantities: [ReferenceComparison.Quantity] = []
        if let loss {
            quantities.append(.init(name: "loss", report: closeness(
                of: loss, to: self.loss, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)))
        }
        var unknown: [String] = []
        for name in gradients.keys.sorted() {
            guard let reference = expected[name] else {
                unknown.append(name)
                continue
            }
            quantities.append(.init(name: name, report: closeness(
                of: gradients[name]!, to: reference, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)))
        }
        let unchecked = expected.keys.filter { gradients[$0] == nil }.sorted()
        var minedComparison: MinedTuplesComparison?
        if let mined {
            // A case without mined tuples expects none: compare with an empty set of the same kind.
            let reference = self.mined ?? {
                if case .pairs = mined { return .pairs(positive: [], negative: []) }
                return .triplets([])
            }()
            minedComparison = MinedTuplesComparison(actual: mined, expected: reference)
        }
        return ReferenceComparison(caseName: name, quantities: quantities, unknownGradients: unknown,
                                   uncheckedGradients: unchecked, mined: minedComparison)
    }
}

import TensorCore

extension MinedTuples {
    /// The weights of the anchor rows `rows` of `inputs`: how often each row occurs in the
    /// tuples over the largest such count, as PML's `convert_to_weights`, for losses that
    /// take every pair of the batch and use mined tuples only as weights (NCA, FastAP). A
    /// row that never occurs weighs 0; tuples without any index weigh every row 1.
    ///
    /// A batch against itself (or against a copy of itself: `selfOffset` 0, the same labels)
    /// counts every index (anchors, positives and negatives, which all name batch rows);
    /// against other references only the anchors (PML's `using_ref`, also for references
    /// that contain the batch among other rows, as PML's `CrossBatchMemory`). The tuples
    /// must be valid for `inputs` (`BatchInputs.validate(_:)`).
    ///
    /// - Complexity: O(N + T) for N anchors and T tuples.
    public func occurrenceWeights<Scalar: TensorScalar>(of rows: [Int], in inputs: BatchInputs<Scalar>) -> [Scalar] {
        let anchorsOnly = !(inputs.selfOffset == 0 && inputs.referenceLabels == inputs.labels)
        var counts = [Int](repeating: 0, count: inputs.labels.count)
        func count(_ i: Int32) { counts[Int(i)] += 1 }
        switch self {
        case .pairs(let positive, let negative):
            for pair in positive + negative {
                count(pair.anchor)
                if !anchorsOnly { count(pair.other) }
            }
        case .triplets(let triplets):
            for t in triplets {
                count(t.anchor)
                if !anchorsOnly { count(t.positive); count(t.negative) }
            }
        }
        let largest = counts.max() ?? 0
        return rows.map { largest > 0 ? Scalar(counts[$0]) / Scalar(largest) : 1 }
    }
}

/// Per anchor, the farthest positive and the nearest negative (PML's batch-hard rule).
@usableFromInline enum BatchHardSelection {
    /// One triplet per anchor that has both a positive and a negative; ties go to the
    /// lowest index. "Farthest" and "nearest" follow `isSimilarity`.
    ///
    /// - Complexity: O(N·M) over an `[N, M]` matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline static func triplets<Scalar: TensorScalar>(
        _ matrix: Tensor<Scalar>, labels: [Int], referenceLabels: [Int]? = nil, isSimilarity: Bool
    ) -> [IndexTriplet] {
        let refs = referenceLabels ?? labels
        let m = refs.count
        let sameSet = referenceLabels == nil
        var out: [IndexTriplet] = []
        matrix.storage.withUnsafeBufferPointer { d in
            for a in 0..<labels.count {
                var hardestPositive = -1, hardestNegative = -1
                var positiveValue: Scalar = 0, negativeValue: Scalar = 0
                for j in 0..<m where !(sameSet && j == a) {
                    let value = d[a * m + j]
                    if refs[j] == labels[a] {
                        // Harder positive: farther (smaller similarity).
                        if hardestPositive < 0 || (isSimilarity ? value < positiveValue : value > positiveValue) {
                            hardestPositive = j; positiveValue = value
                        }
                    } else if hardestNegative < 0 || (isSimilarity ? value > negativeValue : value < negativeValue) {
                        hardestNegative = j; negativeValue = value
                    }
                }
                if hardestPositive >= 0 && hardestNegative >= 0 {
                    out.append(IndexTriplet(anchor: Int32(a), positive: Int32(hardestPositive), negative: Int32(hardestNegative)))
                }
            }
        }
        return out
    }
}

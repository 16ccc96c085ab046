/// Per anchor, the farthest positive and the nearest negative (PML's batch-hard rule).
@usableFromInline enum BatchHardSelection {
    /// One triplet per anchor that has both a positive and a negative; ties go to the
    /// lowest index; an anchor is never its own positive. "Farthest" and "nearest" follow `isSimilarity`.
    ///
    /// - Complexity: O(N·M) over an `[N, M]` matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline static func triplets<Scalar: TensorScalar>(
        _ matrix: Tensor<Scalar>, pairing: ReferencePairing, isSimilarity: Bool
    ) -> [IndexTriplet] {
        let (labels, refs) = (pairing.labels, pairing.referenceLabels)
        let m = refs.count
        let parts = matrix.storage.withUnsafeBufferPointer { d in
            nonisolated(unsafe) let d = d
            return parallelRanges(labels.count, work: labels.count * m * 4) { anchors -> [IndexTriplet] in
                var out: [IndexTriplet] = []
                for a in anchors {
                    var hardestPositive = -1, hardestNegative = -1
                    var positiveValue: Scalar = 0, negativeValue: Scalar = 0
                    let own = pairing.selfReference(of: a)
                    for j in 0..<m where j != own {
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
                return out
            }
        }
        let out = parts.flatMap { $0 }
        return out
    }
}

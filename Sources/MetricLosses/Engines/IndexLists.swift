import TensorCore

/// Index columns of mined tuples, ready for `gatheringElements`.
@usableFromInline struct PairColumns {
    @usableFromInline var anchors: [Int] = []
    @usableFromInline var others: [Int] = []

    @usableFromInline init(_ pairs: [IndexPair]) {
        (anchors, others) = pairs.withUnsafeBufferPointer { pairs in
            ([Int](uninitializedCount: pairs.count) { out in
                for (t, pair) in pairs.enumerated() { out.initializeElement(at: t, to: Int(pair.anchor)) }
            }, [Int](uninitializedCount: pairs.count) { out in
                for (t, pair) in pairs.enumerated() { out.initializeElement(at: t, to: Int(pair.other)) }
            })
        }
    }

    /// Adds one pair.
    @usableFromInline mutating func append(_ pair: IndexPair) {
        anchors.append(Int(pair.anchor))
        others.append(Int(pair.other))
    }
}

/// Index columns of triplets, ready for `gatheringElements`.
@usableFromInline struct TripletColumns {
    @usableFromInline var anchors: [Int] = []
    @usableFromInline var positives: [Int] = []
    @usableFromInline var negatives: [Int] = []

    @usableFromInline init(_ triplets: [IndexTriplet]) {
        anchors = triplets.map { Int($0.anchor) }
        positives = triplets.map { Int($0.positive) }
        negatives = triplets.map { Int($0.negative) }
    }

    @usableFromInline var count: Int { anchors.count }
}

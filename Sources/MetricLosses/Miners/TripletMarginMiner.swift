import TensorCore

/// Triplets that violate (or, for `.easy`, satisfy) a margin, as PML's `TripletMarginMiner`.
///
/// With the "gap" g = d_an − d_ap (s_ap − s_an for a similarity), over all triplets:
/// `.all` keeps g ≤ margin, `.hard` keeps g ≤ 0, `.semihard` keeps 0 < g ≤ margin,
/// `.easy` keeps g > margin. Defaults: margin 0.2, `.all`, Euclidean distance of
/// normalised embeddings.
public struct TripletMarginMiner<Scalar: TensorScalar>: MatrixSharingMiner, Sendable {
    /// Which triplets to keep.
    public enum TripletType: String, Sendable, CaseIterable {
        /// Every triplet within the margin.
        case all
        /// Triplets whose negative is no farther than the positive.
        case hard
        /// Triplets whose negative is farther than the positive but within the margin.
        case semihard
        /// Triplets that already satisfy the margin.
        case easy

        /// The interval (lower, upper] of the gaps kept.
        @inlinable func gapInterval(margin: Scalar) -> (lower: Scalar, upper: Scalar) {
            switch self {
            case .all: return (-.infinity, margin)
            case .hard: return (-.infinity, 0)
            case .semihard: return (0, margin)
            case .easy: return (margin, .infinity)
            }
        }
    }

    /// The margin of the rule.
    public var margin: Scalar
    /// Which triplets to keep.
    public var type: TripletType
    /// How embeddings are compared.
    public var distance: any Distance<Scalar>

    /// Creates the miner; the defaults are PML's.
    public init(margin: Scalar = 0.2, type: TripletType = .all, distance: any Distance<Scalar> = EuclideanDistance<Scalar>()) {
        (self.margin, self.type, self.distance) = (margin, type, distance)
    }

    /// The triplet-margin rule, which `TripletMarginLoss` applies without listing triplets.
    public var rule: MiningRule<Scalar>? { .tripletMargin(margin: margin, type: type, distance: distance) }

    /// - Complexity: O(N·M·D) for the distances, O(N·P·M) comparisons (P positives per
    ///   anchor), memory O(N·M) plus the kept triplets.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mineSharingMatrix(_ inputs: BatchInputs<Scalar>) throws -> MiningResult<Scalar> {
        try BatchValidation.requireFinite(["margin": margin])
        let (d, labels, refs, m) = try inputs.miningMatrix(distance)
        let sign: Scalar = distance.isSimilarity ? -1 : 1
        let groups = LabelGroups(refs)
        let pairing = inputs.pairing
        let (lower, upper) = type.gapInterval(margin: margin)
        let parts = d.withUnsafeBufferPointer { matrix in
            nonisolated(unsafe) let matrix = matrix
            return parallelRanges(labels.count, work: labels.count * m * 8) { anchors -> TripletBuffer in
                var out = TripletBuffer()
                // The anchor's negatives (other labels), in increasing order, and their values.
                var negatives = [Int32](), values = [Scalar]()
                negatives.reserveCapacity(m)
                values.reserveCapacity(m)
                for a in anchors {
                    let row = a * m
                    negatives.removeAll(keepingCapacity: true)
                    values.removeAll(keepingCapacity: true)
                    for negative in 0..<m where refs[negative] != labels[a] {
                        negatives.append(Int32(negative))
                        values.append(matrix[row + negative])
                    }
                    let own = pairing.selfReference(of: a)
                    for p in groups.members(of: labels[a]) where p != own {
                        Self.appendKept(&out, anchor: Int32(a), positive: Int32(p), ap: matrix[row + p], negatives: negatives,
                                        values: values, sign: sign, lower: lower, upper: upper)
                    }
                }
                return out
            }
        }
        return inputs.mined(.triplets(TripletBuffer.joined(parts)), from: d, of: distance)
    }

    /// Appends (anchor, positive, n) for each negative n, in order, whose gap
    /// g = sign·(value − ap) lies in (lower, upper].
    @inline(__always)
    static func appendKept(
        _ out: inout TripletBuffer, anchor: Int32, positive: Int32, ap: Scalar, negatives: [Int32], values: [Scalar],
        sign: Scalar, lower: Scalar, upper: Scalar
    ) {
        var start = 0
        if Scalar.self == Float.self {
            // Eight gaps at a time; lane comparisons need the concrete type to vectorise.
            values.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: Float.self) { v in
                    guard let base = v.baseAddress else { return }
                    let raw = UnsafeRawPointer(base)
                    let (s, a, low, high) = (Float(sign), Float(ap), Float(lower), Float(upper))
                    while start + 8 <= v.count {
                        let gap = s * (raw.loadUnaligned(fromByteOffset: start * 4, as: SIMD8<Float>.self) - a)
                        let kept = (gap .> low) .& (gap .<= high)
                        if any(kept) {
                            // All eight written, the kept ones counted: no branch per lane.
                            out.reserve(8)
                            for lane in 0..<8 {
                                out.write(IndexTriplet(anchor: anchor, positive: positive, negative: negatives[start + lane]), kept: kept[lane])
                            }
                        }
                        start += 8
                    }
                }
            }
        }
        for k in start..<values.count {
            let gap = sign * (values[k] - ap)
            out.reserve(1)
            out.write(IndexTriplet(anchor: anchor, positive: positive, negative: negatives[k]), kept: gap > lower && gap <= upper)
        }
    }
}

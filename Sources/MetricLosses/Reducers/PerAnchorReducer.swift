import TensorCore

/// Gathers pair or triplet terms per anchor, then reduces the per-anchor values with an
/// inner reducer. PML's `PerAnchorReducer`.
///
/// Anchor i of the N rows of the batch gets `aggregation` of its terms (PML's default, the
/// mean: Σ tᵢₖ / kᵢ over its kᵢ terms), 0 when it has none; the N values then go to
/// `reducer` (default `MeanReducer`) as `.element` terms named `"loss"`, with the batch's
/// labels, so an inner `MeanReducer` divides by N, anchors without terms included.
/// Per-element terms go to `reducer` as they are. PML does not reduce triplets per anchor
/// (it raises); here each anchor's triplets are aggregated like its pairs.
///
/// Pairs listed more than once (pair losses over mined triplets list each (a, p) once per
/// triplet) follow PML's per-anchor matrix, which holds each pair once: the value counts
/// the pair once (its last listing), and every listing receives the gradient of the
/// pair's entry, as PyTorch's scatter passes it back. With repeats that gradient is not
/// the derivative of the value (a repeated pair pulls as often as it is listed); it is
/// PML's. Without repeats the two agree.
///
/// The result carries an error for terms whose anchors disagree with them in number or
/// lie outside the batch.
///
/// - Complexity: O(T + N) for T terms, beyond the inner reducer.
public struct PerAnchorReducer<Scalar: TensorScalar>: Reducer {
    /// Reduces the per-anchor values (and per-element terms).
    public let reducer: any Reducer<Scalar>
    /// How each anchor's terms become its value (PML's `aggregation_func`): `.mean` by default.
    public let aggregation: TermReduction

    /// Creates the reducer; the defaults are PML's.
    public init(reducer: any Reducer<Scalar> = MeanReducer<Scalar>(), aggregation: TermReduction = .mean) {
        (self.reducer, self.aggregation) = (reducer, aggregation)
    }

    /// The inner reducer over the per-anchor values (or over per-element terms as they are).
    public func reduce(_ terms: LossTerms<Scalar>) -> Variable<Scalar> {
        if terms.kind == .element {
            return reducer.reduce(LossTerms(terms.values, kind: .element, indices: terms.indices, labels: terms.labels, name: "loss", divisor: nil))
        }
        do {
            let anchors = try terms.checkedAnchors(needsLabels: false)
            var kept: [Bool]?
            if terms.kind != .triplet {
                // The last listing of each (anchor, other) pair, as PML's matrix keeps it.
                var seen = Set<Int64>()
                let others = terms.others
                kept = [Bool](repeating: false, count: anchors.count)
                for t in anchors.indices.reversed() {
                    kept![t] = seen.insert(Int64(anchors[t]) << 32 | Int64(UInt32(bitPattern: others[t]))).inserted
                }
            }
            let perAnchor = Self.aggregate(terms.values, anchors: anchors, kept: kept, rows: terms.batchSize, aggregation: aggregation)
            return reducer.reduce(LossTerms(elements: perAnchor, labels: terms.labels))
        } catch {
            return terms.failure(error)
        }
    }

    /// Row i: `aggregation` of the kept terms with anchor i (0 when its divisor is 0); every
    /// term with anchor i, kept or not, takes row i's gradient over its divisor.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func aggregate(_ values: Variable<Scalar>, anchors: [Int], kept: [Bool]?, rows n: Int, aggregation: TermReduction) -> Variable<Scalar> {
        let v = values.value
        return Variable.record([values]) {
            let scalars = v.scalars
            var sums = [Scalar](repeating: 0, count: n), counts = [Int](repeating: 0, count: n), positive = counts
            for (t, a) in anchors.enumerated() where kept?[t] ?? true {
                sums[a] += scalars[t]
                counts[a] += 1
                if scalars[t] > 0 { positive[a] += 1 }
            }
            let divisors: [Scalar] = (0..<n).map { aggregation.divisor(count: counts[$0], nonZero: positive[$0]) }
            let out = (0..<n).map { divisors[$0] == 0 ? 0 : sums[$0] / divisors[$0] }
            return (Tensor(uncheckedShape: [n], scalars: out), { g in
                let upstream = g.scalars
                // Every listing of a pair takes its entry's gradient (PML's scatter), kept or not.
                let gradient = anchors.map { divisors[$0] != 0 ? upstream[$0] / divisors[$0] : 0 }
                return [Tensor(uncheckedShape: v.shape, scalars: gradient)]
            })
        }
    }
}

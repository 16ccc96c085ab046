import TensorCore

/// The row kernel of `FastAPLoss`: soft histograms of each anchor's distances.
///
/// With B bins of width Δ over [0, d_max] and centres c_k = kΔ (k = 0…B), a distance d
/// adds the triangular pulse relu(1 − |d − c_k|/Δ) to bin k: 1 − f to bin ⌊d/Δ⌋ and f to
/// the next, f = d/Δ − ⌊d/Δ⌋. Anchor i's positives make the histogram h⁺, its negatives h⁻;
/// with the cumulative sums H⁺ and H = cumsum(h⁺ + h⁻) and the bins S where h⁺ₖH⁺ₖ > 0
/// and Hₖ > 0 (PML's `safe_H`), over |Pᵢ| positives:
///
///     Lᵢ = 1 − (1/|Pᵢ|)·Σ_{k ∈ S} h⁺ₖ·H⁺ₖ / Hₖ
///
///     ∂Lᵢ/∂h⁺ⱼ = −(1/|Pᵢ|)·( [j ∈ S]·H⁺ⱼ/Hⱼ + Σ_{k ≥ j, k ∈ S} (h⁺ₖ/Hₖ − h⁺ₖH⁺ₖ/Hₖ²) )
///     ∂Lᵢ/∂h⁻ⱼ =  (1/|Pᵢ|)·Σ_{k ≥ j, k ∈ S} h⁺ₖH⁺ₖ/Hₖ²
///
/// and a distance moves its two pulses by ∓1/Δ. At a bin centre (f = 0) the slope is 0,
/// as PyTorch differentiates |x| and relu there. The forward pass writes ∂Lᵢ/∂(entry) into
/// each row (the matrix entry v is the distance d = offset + slope·v: the distance itself,
/// or 2 − 2v for the Gram matrix of unit rows under the squared distance); the pullback
/// scales it by the term's gradient. Rows without positives have no term; a row without
/// negatives has the term 0 (each positive's pulses sum to 1, so the sum is |Pᵢ|) and a
/// zero gradient.
///
/// - Complexity: O(N·(M + B)) time, one [N, M] buffer and O(B) per thread.
@usableFromInline struct FastAPRows<Scalar: TensorScalar>: ScaledRowKernel {
    @usableFromInline let pairs: DenseRowPairs
    /// B, the number of bins (B + 1 centres).
    @usableFromInline let binCount: Int
    /// 1/Δ = B/d_max.
    @usableFromInline let binsPerUnit: Scalar
    /// The matrix entry v is the distance offset + slope·v.
    @usableFromInline let offset: Scalar, slope: Scalar
    /// The rows with a positive, in increasing order: term t belongs to row `termRows[t]`.
    @usableFromInline let termRows: [Int]
    /// Per row, the index of its term (nil for a row without positives).
    @usableFromInline let termOfRow: [Int?]

    /// 2^p for p significand bits: adding it rounds a non-negative value below 2^p to an
    /// integer, which its significand bits then hold (a conversion without a libm call).
    @usableFromInline let roundingShift: Scalar

    @usableFromInline init(_ pairs: DenseRowPairs, binCount: Int, largestDistance: Scalar, offset: Scalar = 0, slope: Scalar = 1) {
        (self.pairs, self.binCount, self.offset, self.slope) = (pairs, binCount, offset, slope)
        binsPerUnit = Scalar(binCount) / largestDistance
        roundingShift = Scalar(sign: .plus, exponent: Scalar.Exponent(Scalar.significandBitCount), significand: 1)
        (termRows, termOfRow) = pairs.rowsWithPositives()
    }

    @usableFromInline var termCount: Int { termRows.count }

    /// The gradient with respect to the matrix is in the buffer, up to each term's factor.
    @usableFromInline typealias State = Void

    /// The histogram slot s and the fraction f of entry v: with t = d/Δ + 1 clamped to
    /// [0, B + 2], s = ⌊t⌋ and f = t − s, so the bins k = 0…B are slots 1…B + 1 and slots 0,
    /// B + 2 and B + 3 take what falls outside (nothing for distances in [0, d_max]).
    @inline(__always) func slot(_ v: Scalar) -> (slot: Int, fraction: Scalar) {
        let t = Swift.min(Swift.max((offset + slope * v) * binsPerUnit + 1, 0), Scalar(binCount + 2))
        var k = (t + roundingShift) - roundingShift
        if k > t { k -= 1 }
        return (Int(truncatingIfNeeded: (k + roundingShift).significandBitPattern), t - k)
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int) -> (terms: [Scalar], state: State) {
        var terms = [Scalar](repeating: 0, count: termRows.count)
        let slots = binCount + 4, copies = binCount <= 1024 ? 4 : 1   // a power of two
        terms.withUnsafeMutableBufferPointer { tb in
            pairs.pairing.referenceLabels.withUnsafeBufferPointer { rb in
                nonisolated(unsafe) let (tp, referenceLabels) = (tb.baseAddress, rb.baseAddress)
                _ = parallelRanges(n, work: n * (m + binCount) * 16) { range in
                    // The positive histogram's slots, then the negative one's (one table, indexed
                    // by a code: the slot, plus `slots` for a negative), in `copies` copies that
                    // columns fill in turn (consecutive adds to one bin wait on each other), then
                    // the carry of the sweep; each column's code.
                    let histogram = UnsafeMutablePointer<Scalar>.allocate(capacity: (2 * copies + 1) * slots)
                    let codes = UnsafeMutablePointer<Int32>.allocate(capacity: m)
                    defer { histogram.deallocate(); codes.deallocate() }
                    for i in range {
                        let row = source + i * m, e = target + i * m
                        let label = pairs.pairing.labels[i]
                        let own = pairs.pairing.selfReference(of: i).flatMap { $0 < m ? $0 : nil }
                        let positiveCount = pairs.positiveStart[i + 1] - pairs.positiveStart[i]
                        let ownIsOther = own.map { referenceLabels![$0] != label } ?? false
                        let negativeCount = m - pairs.groups.columns(of: i).count - (ownIsOther ? 1 : 0)
                        // No positive: no term. No negative: the term 0. Both with a zero gradient.
                        guard let t = termOfRow[i], negativeCount > 0 else {
                            e.update(repeating: 0, count: m)
                            continue
                        }
                        histogram.update(repeating: 0, count: (2 * copies + 1) * slots)
                        // Each column adds 1 − f to its slot and f to the next; e keeps f.
                        for columns in [0..<(own ?? m), (own.map { $0 + 1 } ?? m)..<m] {
                            for j in columns {
                                let (s, f) = slot(row[j])
                                let code = referenceLabels![j] == label ? s : s + slots
                                let h = histogram + (j & (copies - 1)) * 2 * slots
                                h[code] += 1 - f
                                h[code + 1] += f
                                (codes[j], e[j]) = (Int32(truncatingIfNeeded: code), f)
                            }
                        }
                        if let own { (codes[own], e[own]) = (0, 0) }
                        for copy in 1..<copies {
                            let h = histogram + copy * 2 * slots
                            for c in 0..<(2 * slots) { histogram[c] += h[c] }
                        }
                        tp![t] = 1 - tables(histogram, histogram + slots, histogram + 2 * copies * slots, positiveCount: positiveCount)
                        // A column in slot s moves slot s by −1/Δ and slot s + 1 by +1/Δ (no slope at f = 0).
                        let factor = slope * binsPerUnit
                        for c in 0..<(2 * slots - 1) { histogram[c] = factor * (histogram[c + 1] - histogram[c]) }
                        for j in 0..<m { e[j] = e[j] == 0 ? 0 : histogram[Int(codes[j])] }
                    }
                }
            }
        }
        return (terms, ())
    }

    /// Turns the histograms at `positive` and `negative` (slots 1…B + 1 the bins) into the
    /// derivatives of the term with respect to each bin (0 in the other slots), and
    /// returns (1/|P|)·Σ_{k ∈ S} h⁺ₖH⁺ₖ/Hₖ.
    @inline(__always)
    func tables(_ positive: UnsafeMutablePointer<Scalar>, _ negative: UnsafeMutablePointer<Scalar>, _ carry: UnsafeMutablePointer<Scalar>,
                positiveCount: Int) -> Scalar {
        let last = binCount + 1
        var cumulativePositive: Scalar = 0, cumulative: Scalar = 0, precision: Scalar = 0
        for s in 1...last {
            let (p, q) = (positive[s], negative[s])
            cumulativePositive += p
            cumulative += p + q
            let product = p * cumulativePositive
            let safe = product > 0 && cumulative > 0
            if safe { precision += product / cumulative }
            // What the backward sweep needs: H⁺/H at s, then h⁺/H and h⁺H⁺/H².
            carry[s] = safe ? cumulativePositive / cumulative : 0
            positive[s] = safe ? p / cumulative : 0
            negative[s] = safe ? product / (cumulative * cumulative) : 0
        }
        for s in [0, last + 1, last + 2] { (positive[s], negative[s]) = (0, 0) }
        let scale = 1 / Scalar(positiveCount)
        var a: Scalar = 0, b: Scalar = 0
        for s in stride(from: last, through: 1, by: -1) {
            a += positive[s]
            b += negative[s]
            positive[s] = -scale * (carry[s] + a - b)
            negative[s] = scale * b
        }
        return scale * precision
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func scaledGradient(_ state: State, upstream: [Scalar], n: Int, m: Int) -> ScaledRows<Scalar> {
        ScaledRows(factors: (0..<n).map { i in termOfRow[i].map { upstream[$0] } ?? 0 })
    }
}

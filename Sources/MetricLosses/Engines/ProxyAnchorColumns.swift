import TensorCore

/// The column kernel of `ProxyAnchorLoss` over the `[N, C]` matrix of a batch against its
/// proxies: two terms per proxy (column) c, first the C positive terms, then the C negative.
///
/// With κ = α for a similarity and −α for a distance, sample i's entry v in column c has the
/// exponent a = κ(m − v) when yᵢ = c (a positive) and a = κ(v + m) otherwise, and
///
///     pos_c = ln(1 + Σ_{i: yᵢ = c} e^a),   neg_c = ln(1 + Σ_{i: yᵢ ≠ c} e^a)
///
/// (0 for a proxy without samples of its kind, as PML's masked log-sum-exp). Each entry
/// belongs to exactly one term, whose derivative is ∓κ·e^(a − term): the forward pass
/// leaves it in the buffer, and the pullback scales it by that term's upstream.
///
/// Columns are split into blocks of fixed extent, each summed over the rows in row order,
/// so the result does not depend on the thread count.
///
/// - Complexity: O(N·C) time, the one `[N, C]` buffer and O(C) more.
@usableFromInline struct ProxyAnchorColumns<Scalar: TensorScalar>: SoftmaxRowKernel {
    /// Each row's proxy (class).
    @usableFromInline let labels: [Int]
    /// κ = ±α: the sign turns a distance into a closeness.
    @usableFromInline let scale: Scalar
    /// The margin m.
    @usableFromInline let margin: Scalar
    /// The number of proxies C.
    @usableFromInline let classes: Int

    @usableFromInline init(labels: [Int], scale: Scalar, margin: Scalar, classes: Int) {
        (self.labels, self.scale, self.margin, self.classes) = (labels, scale, margin, classes)
    }

    @usableFromInline var termCount: Int { 2 * classes }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int) -> (terms: [Scalar], state: Void) {
        var terms = [Scalar](repeating: 0, count: 2 * m)
        terms.withUnsafeMutableBufferPointer { tb in
            nonisolated(unsafe) let tp = tb.baseAddress!
            _ = parallelRanges(m, work: n * m * 16) { columns in
                forward(columns, source: source, target: target, n: n, m: m, positiveTerms: tp, negativeTerms: tp + m)
            }
        }
        return (terms, ())
    }

    /// The forward pass over the columns `block` of every row.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(
        _ block: Range<Int>, source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int,
        positiveTerms: UnsafeMutablePointer<Scalar>, negativeTerms: UnsafeMutablePointer<Scalar>
    ) {
        let (c0, w) = (block.lowerBound, block.count)
        let (kappa, margin) = (scale, margin)
        var negativeShift = [Scalar](repeating: -.infinity, count: w), positiveShift = negativeShift
        var negativeSum = [Scalar](repeating: 0, count: w), positiveSum = negativeSum
        // The positive column of row i inside the block, if any.
        func own(_ i: Int) -> Int? { block.contains(labels[i]) ? labels[i] - c0 : nil }
        // The largest exponent of each side of each column, at least 0 (the 1 in ln(1 + Σ)).
        for i in 0..<n {
            let row = source + i * m + c0, p = own(i)
            let (before, after) = Self.split(w, around: p)
            for j in before { negativeShift[j] = Swift.max(negativeShift[j], kappa * (row[j] + margin)) }
            for j in after { negativeShift[j] = Swift.max(negativeShift[j], kappa * (row[j] + margin)) }
            if let p { positiveShift[p] = Swift.max(positiveShift[p], kappa * (margin - row[p])) }
        }
        for j in 0..<w { (negativeShift[j], positiveShift[j]) = (Swift.max(negativeShift[j], 0), Swift.max(positiveShift[j], 0)) }
        // The shifted exponentials, summed per column and side in row order.
        for i in 0..<n {
            let row = source + i * m + c0, e = target + i * m + c0, p = own(i)
            for j in 0..<w { e[j] = kappa * (row[j] + margin) - negativeShift[j] }
            if let p { e[p] = kappa * (margin - row[p]) - positiveShift[p] }
            VectorExponential.apply(e, count: w)
            let (before, after) = Self.split(w, around: p)
            for j in before { negativeSum[j] += e[j] }
            for j in after { negativeSum[j] += e[j] }
            if let p { positiveSum[p] += e[p] }
        }
        // Terms, and each side's factor of its exponentials in the derivative, ∓κ / (e^(−shift) + Σ).
        var negativeFactor = negativeSum, positiveFactor = positiveSum
        for j in 0..<w {
            let negativeTotal = Scalar.exp(-negativeShift[j]) + negativeSum[j]
            let positiveTotal = Scalar.exp(-positiveShift[j]) + positiveSum[j]
            negativeTerms[c0 + j] = negativeShift[j] + Scalar.log(negativeTotal)
            positiveTerms[c0 + j] = positiveShift[j] + Scalar.log(positiveTotal)
            (negativeFactor[j], positiveFactor[j]) = (kappa / negativeTotal, -kappa / positiveTotal)
        }
        for i in 0..<n {
            let e = target + i * m + c0, p = own(i)
            let positive = p.map { e[$0] } ?? 0
            negativeFactor.withUnsafeBufferPointer { Reductions.multiply(e, $0.baseAddress!, w) }
            if let p { e[p] = positive * positiveFactor[p] }
        }
    }

    /// `0..<w` without `p`: the ranges before and after it.
    @inline(__always)
    static func split(_ w: Int, around p: Int?) -> (Range<Int>, Range<Int>) {
        guard let p else { return (0..<w, w..<w) }
        return (0..<p, (p + 1)..<w)
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func gradient(_ buffer: UnsafeMutablePointer<Scalar>, _ state: Void, upstream: [Scalar], n: Int, m: Int) {
        nonisolated(unsafe) let buffer = buffer
        upstream.withUnsafeBufferPointer { up in
            nonisolated(unsafe) let (positive, negative) = (up.baseAddress!, up.baseAddress! + m)
            _ = parallelRanges(n, work: n * m) { range in
                for i in range {
                    let row = buffer + i * m, y = labels[i]
                    let own = row[y]
                    Reductions.multiply(row, negative, m)
                    row[y] = own * positive[y]
                }
            }
        }
    }
}

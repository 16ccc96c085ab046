/// For each t, x_{rows[t]} · y_{columns[t]}: the sparse counterpart of
/// `pairwiseDotProducts(x, y)` followed by a gather, O(T·D) instead of O(N·M·D).
///
/// Pullback: ∂x_r += gₜ y_c, ∂y_c += gₜ x_r. `y` may be `x` itself.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func pairDotProducts<Scalar: TensorScalar>(_ x: Variable<Scalar>, _ y: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
    PairValues.record(x, y, rows: rows, columns: columns, kind: .dot)
}

/// For each t, ‖x_{rows[t]} − y_{columns[t]}‖²: the sparse counterpart of
/// `pairwiseSquaredDistances(x, y)` followed by a gather.
///
/// Pullback: ∂x_r += 2gₜ(x_r − y_c), ∂y_c −= 2gₜ(x_r − y_c). `y` may be `x` itself.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func pairSquaredDistances<Scalar: TensorScalar>(_ x: Variable<Scalar>, _ y: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
    PairValues.record(x, y, rows: rows, columns: columns, kind: .squaredDistance)
}

/// For each t, dₜ = ‖x_{rows[t]} − y_{columns[t]}‖: the sparse counterpart of
/// `pairwiseDistances(x, y)` followed by a gather.
///
/// Pullback: ∂x_r += gₜ(x_r − y_c)/dₜ, ∂y_c −= gₜ(x_r − y_c)/dₜ, and 0 where dₜ = 0 (as
/// `pairwiseDistances`). Unlike `pairSquaredDistances(…).squareRoot()`, the quotient gₜ/dₜ is
/// never formed when it would overflow: a large gₜ on a tiny distance still gives a finite
/// gradient. `y` may be `x` itself.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func pairDistances<Scalar: TensorScalar>(_ x: Variable<Scalar>, _ y: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
    guard let exponent = EuclideanRescale.exponent(x.value, y.value) else {
        return PairValues.record(x, y, rows: rows, columns: columns, kind: .distance)
    }
    let (down, up) = EuclideanRescale.factors(exponent, as: Scalar.self)
    let xs = x * down
    return PairValues.record(xs, x.isSameVariable(as: y) ? xs : y * down, rows: rows, columns: columns, kind: .distance) * up
}

extension Variable {
    /// For each t, x_{rows[t]} · x_{columns[t]} over the rows of this matrix.
    public func pairDotProducts(rows: [Int], columns: [Int]) -> Variable {
        TensorCore.pairDotProducts(self, self, rows: rows, columns: columns)
    }

    /// For each t, ‖x_{rows[t]} − x_{columns[t]}‖² over the rows of this matrix.
    public func pairSquaredDistances(rows: [Int], columns: [Int]) -> Variable {
        TensorCore.pairSquaredDistances(self, self, rows: rows, columns: columns)
    }

    /// For each t, ‖x_{rows[t]} − x_{columns[t]}‖ over the rows of this matrix.
    public func pairDistances(rows: [Int], columns: [Int]) -> Variable {
        TensorCore.pairDistances(self, self, rows: rows, columns: columns)
    }
}

/// The kernel behind `pairDotProducts`, `pairSquaredDistances`, `pairDistances` and `pairLpDistances`.
@usableFromInline package enum PairValues {
    /// What is computed for a pair (x, y).
    @usableFromInline package enum Kind: Sendable {
        /// x · y
        case dot
        /// ‖x − y‖²
        case squaredDistance
        /// ‖x − y‖
        case distance
        /// ‖x − y‖ₚ for a finite p ≥ 1 (`LpKernel`)
        case lpDistance(p: Double)

        /// Whether the pair's gradient is a multiple of x − y (squared and plain distances).
        var isDistance: Bool {
            switch self {
            case .squaredDistance, .distance: true
            case .dot, .lpDistance: false
            }
        }

        var name: String {
            switch self {
            case .dot: "pairDotProducts"
            case .squaredDistance: "pairSquaredDistances"
            case .distance: "pairDistances"
            case .lpDistance: "pairLpDistances"
            }
        }
    }

    /// Records the values of `kind` for the pairs (rows[t], columns[t]) of `x` against `y`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package static func record<Scalar: TensorScalar>(
        _ x: Variable<Scalar>, _ y: Variable<Scalar>, rows: [Int], columns: [Int], kind: Kind
    ) -> Variable<Scalar> {
        let (xv, yv) = (x.value, y.value)
        let (needX, needY) = (x.isTracked, y.isTracked)
        let sameVariable = needX && x.isSameVariable(as: y)
        return Variable.record([x, y]) {
            let what = kind.name
            let (r, d) = try xv.matrixExtents(what)
            let (m, d2) = try yv.matrixExtents(what)
            guard d == d2, rows.count == columns.count else {
                throw MetricLearningError(.shapeMismatch, "\(what): shapes \(xv.shape) and \(yv.shape), \(rows.count) rows and \(columns.count) columns")
            }
            if let bad = firstOutside(rows, r) ?? firstOutside(columns, m) {
                throw MetricLearningError(.shapeMismatch, "\(what): index \(bad) is outside the matrices \(xv.shape) and \(yv.shape)")
            }
            var lp: LpKernel<Scalar>?
            if case .lpDistance(let p) = kind { lp = try LpKernel(validating: Scalar(p)) }
            let values = filled(rows.count, reading: xv, yv) { px, py, po in
                nonisolated(unsafe) let (x, y, o) = (px, py, po)
                // Each pair gathers two rows from anywhere in the matrices: reads that cost
                // about as much again as the arithmetic.
                _ = parallelRanges(rows.count, work: rows.count * d * 2 * (lp?.cost ?? 2)) { pairs in
                    var next = pairs.lowerBound
                    let differences = kind.isDistance
                    if lp == nil {
                        // Four pairs at a time (`pairSums`: the same values, four independent chains).
                        while next + 4 <= pairs.upperBound {
                            let t = next
                            let s = Reductions.pairSums((x + rows[t] * d, x + rows[t + 1] * d, x + rows[t + 2] * d, x + rows[t + 3] * d),
                                                        (y + columns[t] * d, y + columns[t + 1] * d, y + columns[t + 2] * d, y + columns[t + 3] * d),
                                                        d, differences: differences)
                            (o[t], o[t + 1], o[t + 2], o[t + 3]) = (s.0, s.1, s.2, s.3)
                            if case .distance = kind {
                                for u in t..<(t + 4) { o[u] = o[u].squareRoot() }
                            }
                            next += 4
                        }
                    }
                    for t in next..<pairs.upperBound {
                        let (a, b) = (x + rows[t] * d, y + columns[t] * d)
                        switch kind {
                        case .dot: o[t] = Reductions.dot(a, b, d)
                        case .squaredDistance: o[t] = Reductions.squaredDistance(a, b, d)
                        case .distance: o[t] = Reductions.squaredDistance(a, b, d).squareRoot()
                        case .lpDistance: o[t] = lp!.distance(a, b, d)
                        }
                    }
                }
            }
            return (Tensor(uncheckedShape: [rows.count], scalars: values), { g in
                // Each gradient row sums its pairs in increasing order, one row per task.
                let weights = g.storage, count = rows.count
                /// The gradient of `own` from the pairs u whose own row is ownRows[u] and whose
                /// other is otherRows[u] in `other`, then (u ≥ T) the pairs u − T with own row
                /// moreOwnRows[u − T] and other moreOtherRows[u − T]; the weight of u is that of
                /// pair u mod T.
                func gradient(of own: Tensor<Scalar>, _ ownRows: [Int], then moreOwnRows: [Int] = [],
                              against other: Tensor<Scalar>, _ otherRows: [Int], then moreOtherRows: [Int] = []) -> [Scalar] {
                    let groups = RowGroups(rows: ownRows, then: moreOwnRows, count: own.shape[0])
                    let ownCount = ownRows.count + moreOwnRows.count
                    // Repeated other rows are merged when a table of the other rows costs
                    // little beside the pairs.
                    let otherCount = other.shape[0], merging = kind.isDistance && otherCount <= 2 * ownCount
                    // Each row zeroed by the thread that sums into it (not all rows first, on one).
                    return PairValues.filled(own.count, reading: own, other, zeroed: false) { po, pt, pg in
                        nonisolated(unsafe) let (mine, theirs, out) = (po, pt, pg)
                        _ = parallelRanges(own.shape[0], work: ownCount * d * 4) { range in
                            (out + range.lowerBound * d).initialize(repeating: 0, count: range.count * d)
                            // Through unchecked buffers, taken once a range: no reference counting
                            // per row on arrays both threads read.
                            groups.order.withUnsafeBufferPointer { order in
                              groups.starts.withUnsafeBufferPointer { starts in
                                weights.withUnsafeBufferPointer { weights in
                                  values.withUnsafeBufferPointer { values in
                                    otherRows.withUnsafeBufferPointer { otherRows in
                                    moreOtherRows.withUnsafeBufferPointer { moreOtherRows in
                            /// The other row of entry u.
                            func otherRow(_ u: Int) -> Int { u < count ? otherRows[u] : moreOtherRows[u - count] }
                            // A row's distance terms (other row, coefficient), summed in one
                            // pass with the row in registers (`addScaledDifferences`), in order;
                            // room for the most pairs a row of the range has. Terms of the same
                            // other row (a list with both (i, j) and (j, i)) share one entry,
                            // their coefficients summed in order: the row is read once.
                            let capacity = range.reduce(1) { Swift.max($0, starts[$1 + 1] - starts[$1]) }
                            let others = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
                            let pointers = UnsafeMutablePointer<UnsafePointer<Scalar>>.allocate(capacity: capacity)
                            let coefficients = UnsafeMutablePointer<Scalar>.allocate(capacity: capacity)
                            // entry[o]: the pending entry of other row o, -1 for none.
                            let entry = UnsafeMutablePointer<Int32>.allocate(capacity: merging ? otherCount : 0)
                            entry.initialize(repeating: -1, count: merging ? otherCount : 0)
                            defer { others.deallocate(); pointers.deallocate(); coefficients.deallocate(); entry.deallocate() }
                            var pending = 0
                            func add(_ other: Int, _ coefficient: Scalar) {
                                if merging {
                                    let k = Int(entry[other])
                                    if k < 0 {
                                        entry[other] = Int32(pending)
                                    } else if (coefficients[k] + coefficient).isFinite {
                                        coefficients[k] += coefficient
                                        return
                                    }
                                    // A sum that overflows stays two terms, as without merging.
                                }
                                (others[pending], pointers[pending], coefficients[pending]) = (other, theirs + other * d, coefficient)
                                pending += 1
                            }
                            func flush(_ row: UnsafeMutablePointer<Scalar>, _ own: UnsafePointer<Scalar>) {
                                Reductions.addScaledDifferences(row, own, UnsafeBufferPointer(start: pointers, count: pending),
                                                                UnsafeBufferPointer(start: coefficients, count: pending), d)
                                if merging { for k in 0..<pending { entry[others[k]] = -1 } }
                                pending = 0
                            }
                            for r in range {
                                let row = out + r * d
                                let own = mine + r * d
                                let pairs = order[starts[r]..<starts[r + 1]]
                                if kind.isDistance {
                                    for u in pairs {
                                        let t = u < count ? u : u - count
                                        guard weights[t] != 0 else { continue }
                                        if case .squaredDistance = kind {
                                            add(otherRow(u), 2 * weights[t])
                                            continue
                                        }
                                        // g/d, or (own − other)/d first when g/d overflows; 0 at d = 0.
                                        let distance = values[t]
                                        guard distance > 0 else { continue }
                                        let quotient = weights[t] / distance
                                        if quotient.isFinite {
                                            add(otherRow(u), quotient)
                                        } else {
                                            flush(row, own)
                                            Reductions.addScaledDifference(row, own, theirs + otherRow(u) * d, weights[t], d, scale: 1 / distance)
                                        }
                                    }
                                    flush(row, own)
                                    continue
                                }
                                for u in pairs {
                                    let t = u < count ? u : u - count
                                    guard weights[t] != 0 else { continue }
                                    let other = theirs + otherRow(u) * d
                                    switch kind {
                                    case .dot:
                                        Reductions.addScaled(row, other, weights[t], d)
                                    case .squaredDistance, .distance:
                                        break  // above
                                    case .lpDistance:
                                        lp!.addGradient(row, own, other, d, value: values[t], weight: weights[t])
                                    }
                                }
                            }
                                    }
                                    }
                                  }
                                }
                              }
                            }
                        }
                    }
                }
                if needX && sameVariable {
                    // x is y: each row's pairs as a row and as a column, in one pass and one
                    // array (every pair's term has the form f(own, other) either way).
                    let gx = gradient(of: xv, rows, then: columns, against: xv, columns, then: rows)
                    return [Tensor(uncheckedShape: xv.shape, scalars: gx), nil]
                }
                let gx = needX ? gradient(of: xv, rows, against: yv, columns) : []
                let gy = needY ? gradient(of: yv, columns, against: xv, rows) : []
                return [needX ? Tensor(uncheckedShape: xv.shape, scalars: gx) : nil,
                        needY ? Tensor(uncheckedShape: yv.shape, scalars: gy) : nil]
            })
        }
    }

    /// The first of `indices` outside 0..<limit, if any: their least and largest first, in
    /// one pass without branches, as indices in range are the rule.
    static func firstOutside(_ indices: [Int], _ limit: Int) -> Int? {
        var (low, high) = (0, -1)
        for i in indices { (low, high) = (Swift.min(low, i), Swift.max(high, i)) }
        guard low < 0 || high >= limit else { return nil }
        return indices.first { $0 < 0 || $0 >= limit }
    }

    /// `count` zeros filled by `fill` through pointers to the storage of `a` and `b` and to
    /// the result; left zero when any of the three is empty. Unless `zeroed`, `fill` writes
    /// every entry itself, zeros included.
    static func filled<Scalar: TensorScalar>(
        _ count: Int, reading a: Tensor<Scalar>, _ b: Tensor<Scalar>, zeroed: Bool = true,
        _ fill: (UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafeMutablePointer<Scalar>) -> Void
    ) -> [Scalar] {
        guard !zeroed, count > 0, !a.storage.isEmpty, !b.storage.isEmpty else {
            var out = [Scalar](repeating: 0, count: count)
            a.storage.withUnsafeBufferPointer { ab in
                b.storage.withUnsafeBufferPointer { bb in
                    out.withUnsafeMutableBufferPointer { ob in
                        guard let pa = ab.baseAddress, let pb = bb.baseAddress, let po = ob.baseAddress else { return }
                        fill(pa, pb, po)
                    }
                }
            }
            return out
        }
        return [Scalar](uninitializedCount: count) { ob in
            a.storage.withUnsafeBufferPointer { ab in
                b.storage.withUnsafeBufferPointer { fill(ab.baseAddress!, $0.baseAddress!, ob.baseAddress!) }
            }
        }
    }
}

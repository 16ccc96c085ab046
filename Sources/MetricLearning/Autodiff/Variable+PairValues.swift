/// For each t, x_{rows[t]} · y_{columns[t]}: the sparse counterpart of
/// `pairwiseDotProducts(x, y)` followed by a gather, O(T·D) instead of O(N·M·D).
///
/// Pullback: ∂x_r += gₜ y_c, ∂y_c += gₜ x_r. `y` may be `x` itself.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func pairDotProducts<Scalar: TensorScalar>(_ x: Variable<Scalar>, _ y: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
    PairValues.record(x, y, rows: rows, columns: columns, squaredDistance: false)
}

/// For each t, ‖x_{rows[t]} − y_{columns[t]}‖²: the sparse counterpart of
/// `pairwiseSquaredDistances(x, y)` followed by a gather.
///
/// Pullback: ∂x_r += 2gₜ(x_r − y_c), ∂y_c −= 2gₜ(x_r − y_c). `y` may be `x` itself.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func pairSquaredDistances<Scalar: TensorScalar>(_ x: Variable<Scalar>, _ y: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
    PairValues.record(x, y, rows: rows, columns: columns, squaredDistance: true)
}

extension Variable {
    /// For each t, x_{rows[t]} · x_{columns[t]} over the rows of this matrix.
    public func pairDotProducts(rows: [Int], columns: [Int]) -> Variable {
        MetricLearning.pairDotProducts(self, self, rows: rows, columns: columns)
    }

    /// For each t, ‖x_{rows[t]} − x_{columns[t]}‖² over the rows of this matrix.
    public func pairSquaredDistances(rows: [Int], columns: [Int]) -> Variable {
        MetricLearning.pairSquaredDistances(self, self, rows: rows, columns: columns)
    }
}

/// The kernel behind `pairDotProducts` and `pairSquaredDistances`.
@usableFromInline enum PairValues {
    @usableFromInline static func record<Scalar: TensorScalar>(
        _ x: Variable<Scalar>, _ y: Variable<Scalar>, rows: [Int], columns: [Int], squaredDistance: Bool
    ) -> Variable<Scalar> {
        let (xv, yv) = (x.value, y.value)
        let (needX, needY) = (x.isTracked, y.isTracked)
        return Variable.record([x, y]) {
            let what = squaredDistance ? "pairSquaredDistances" : "pairDotProducts"
            let (r, d) = try xv.matrixExtents(what)
            let (m, d2) = try yv.matrixExtents(what)
            guard d == d2, rows.count == columns.count else {
                throw MetricLearningError(.shapeMismatch, "\(what): shapes \(xv.shape) and \(yv.shape), \(rows.count) rows and \(columns.count) columns")
            }
            if let bad = rows.first(where: { $0 < 0 || $0 >= r }) ?? columns.first(where: { $0 < 0 || $0 >= m }) {
                throw MetricLearningError(.shapeMismatch, "\(what): index \(bad) is outside the matrices \(xv.shape) and \(yv.shape)")
            }
            var out = [Scalar](repeating: 0, count: rows.count)
            xv.storage.withUnsafeBufferPointer { px in
                yv.storage.withUnsafeBufferPointer { py in
                    for t in 0..<rows.count {
                        let a = px.baseAddress! + rows[t] * d, b = py.baseAddress! + columns[t] * d
                        if squaredDistance {
                            out[t] = Reductions.squaredDistance(a, b, d)
                        } else {
                            out[t] = Reductions.dot(a, b, d)
                        }
                    }
                }
            }
            return (Tensor(uncheckedShape: [rows.count], scalars: out), { g in
                var gx = [Scalar](repeating: 0, count: needX ? r * d : 0)
                var gy = [Scalar](repeating: 0, count: needY ? m * d : 0)
                xv.storage.withUnsafeBufferPointer { xb in
                  yv.storage.withUnsafeBufferPointer { yb in
                    gx.withUnsafeMutableBufferPointer { gxb in
                      gy.withUnsafeMutableBufferPointer { gyb in
                        let (px, py) = (xb.baseAddress!, yb.baseAddress!)
                        for t in 0..<rows.count where g.storage[t] != 0 {
                            let (a, b) = (px + rows[t] * d, py + columns[t] * d)
                            let w = g.storage[t]
                            // Squared distance: ∂x = 2w(x − y), ∂y = −2w(x − y); dot: ∂x = w·y, ∂y = w·x.
                            // (An empty array may still have a base address: test the flags.)
                            if needX, let gxp = gxb.baseAddress {
                                let row = gxp + rows[t] * d
                                if squaredDistance {
                                    Reductions.addScaled(row, a, 2 * w, d)
                                    Reductions.addScaled(row, b, -2 * w, d)
                                } else {
                                    Reductions.addScaled(row, b, w, d)
                                }
                            }
                            if needY, let gyp = gyb.baseAddress {
                                let row = gyp + columns[t] * d
                                if squaredDistance {
                                    Reductions.addScaled(row, a, -2 * w, d)
                                    Reductions.addScaled(row, b, 2 * w, d)
                                } else {
                                    Reductions.addScaled(row, a, w, d)
                                }
                            }
                        }
                      }
                    }
                  }
                }
                return [needX ? Tensor(uncheckedShape: xv.shape, scalars: gx) : nil,
                        needY ? Tensor(uncheckedShape: yv.shape, scalars: gy) : nil]
            })
        }
    }
}

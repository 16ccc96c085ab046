import TensorCore

extension Variable {
    /// Each column of a matrix divided by max(‖column‖, 1e-12), as PyTorch's
    /// `normalize(W, dim=0)`: the class weights `[D, C]` of ArcFace, CosFace, NormalizedSoftmax
    /// and SoftTriple, normalised where they lie instead of through a transposed copy.
    ///
    /// The sums of squares run down the rows (contiguous, vectorised across the columns); a
    /// column whose sum overflows is measured as `rowNorms` measures a row (scaled by a power
    /// of two). Pullback for a column with ‖w‖ above the floor: (g − ŵ·(ŵ·g)) / ‖w‖, else g/1e-12.
    ///
    /// - Complexity: O(D·C), no transposed copy.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func normalizedColumns() -> Variable {
        let w = value
        return Variable.record([self]) {
            let (d, c) = try w.matrixExtents("normalizedColumns")
            guard d > 0 && c > 0 else { return (w, { g in [g] }) }
            let norms = try Self.columnNorms(w, rows: d, columns: c)
            let floor = Tensor<Scalar>.normalizationFloor
            let divisors = norms.map { Swift.max($0, floor) }
            var y = w.storage
            y.withUnsafeMutableBufferPointer { yb in
                divisors.withUnsafeBufferPointer { db in
                    for r in 0..<d {
                        let row = yb.baseAddress! + r * c
                        for j in 0..<c { row[j] /= db[j] }
                    }
                }
            }
            return (Tensor(uncheckedShape: w.shape, scalars: y), { g in
                var grad = g.storage
                var dots = [Scalar](repeating: 0, count: c)
                grad.withUnsafeMutableBufferPointer { gb in
                    y.withUnsafeBufferPointer { yb in
                        dots.withUnsafeMutableBufferPointer { tb in
                            norms.withUnsafeBufferPointer { nb in
                                let (gp, yp, tp, np) = (gb.baseAddress!, yb.baseAddress!, tb.baseAddress!, nb.baseAddress!)
                                for r in 0..<d {
                                    let (gr, yr) = (gp + r * c, yp + r * c)
                                    for j in 0..<c { tp[j] += yr[j] * gr[j] }
                                }
                                for r in 0..<d {
                                    let (gr, yr) = (gp + r * c, yp + r * c)
                                    for j in 0..<c { gr[j] = np[j] > floor ? (gr[j] - yr[j] * tp[j]) / np[j] : gr[j] / floor }
                                }
                            }
                        }
                    }
                }
                return [Tensor(uncheckedShape: w.shape, scalars: grad)]
            })
        }
    }

    /// The L2 norm of each column of the `[rows, columns]` matrix `w`.
    /// - Throws: what `rowNorms` throws (nothing for a matrix).
    static func columnNorms(_ w: Tensor<Scalar>, rows d: Int, columns c: Int) throws -> [Scalar] {
        let x = w.storage
        var squares = [Scalar](repeating: 0, count: c)
        x.withUnsafeBufferPointer { xb in
            squares.withUnsafeMutableBufferPointer { sb in
                for r in 0..<d {
                    let row = xb.baseAddress! + r * c
                    for j in 0..<c { sb[j] += row[j] * row[j] }
                }
            }
        }
        var norms = squares.map { $0.squareRoot() }
        for j in 0..<c where squares[j] == .infinity {
            let column = Tensor(uncheckedShape: [1, d], scalars: (0..<d).map { x[$0 * c + j] })
            norms[j] = try column.rowNorms().storage[0]
        }
        return norms
    }
}

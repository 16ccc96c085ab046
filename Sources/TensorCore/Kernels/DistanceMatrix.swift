/// Squared (or plain) Euclidean distance matrices from one matrix product.
///
/// d²ᵢⱼ = ‖xᵢ‖² + ‖yⱼ‖² − 2 xᵢ·yⱼ, with entries that lost their digits to cancellation
/// (near-duplicates, a self-distance diagonal) summed directly as Σ (xᵢ − yⱼ)². For x
/// against itself the product is a Gram matrix and the matrix is exactly symmetric (each
/// entry is the same arithmetic as its mirror), so only the upper triangle is converted,
/// square-rooted and then mirrored: half the passes.
@usableFromInline package enum DistanceMatrix {
    /// The [N, M] matrix of squared distances, or of distances with `root`.
    ///
    /// - Complexity: one N×M×D product (half of it for x against itself), O(N·M) passes.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func compute<Scalar: TensorScalar>(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>, root: Bool) throws -> Tensor<Scalar> {
        let (n, width) = try x.matrixExtents("pairwise distances")
        let (m, width2) = try y.matrixExtents("pairwise distances")
        guard width == width2 else {
            throw MetricLearningError(.shapeMismatch, "pairwise distances: widths differ, \(x.shape) and \(y.shape)")
        }
        let same = n == m && x.storage.withUnsafeBufferPointer { a in y.storage.withUnsafeBufferPointer { a.baseAddress == $0.baseAddress } }
        let xs = try x.rowNorms().storage.map { $0 * $0 }
        let ys = same ? xs : try y.rowNorms().storage.map { $0 * $0 }
        let cancellation = Scalar(64) * Scalar.ulpOfOne.squareRoot()
        // A caller's work on each part of a batch against itself (`DistanceMatrixVisit`).
        let visit = same ? DistanceMatrixVisit.current.flatMap { $0.count == n ? $0 : nil } : nil
        // Uninitialised: the product writes every entry of the upper triangle (all of them for
        // two matrices) and the mirror the rest, each page first touched by its thread.
        let out = [Scalar](uninitializedCount: n * m) { ob in
          x.storage.withUnsafeBufferPointer { xb in
            y.storage.withUnsafeBufferPointer { yb in
              xs.withUnsafeBufferPointer { xsb in
                ys.withUnsafeBufferPointer { ysb in
                    guard let c = ob.baseAddress else { return }
                    let mirrors = same && !(visit?.leavesOut(UnsafeRawPointer(c)) ?? false)
                    let dummy = UnsafePointer<Scalar>(bitPattern: MemoryLayout<Scalar>.alignment)!
                    let (px, py) = (xb.baseAddress ?? dummy, yb.baseAddress ?? dummy)
                    nonisolated(unsafe) let (cp, xp, yp, xsp, ysp) = (c, px, py, xsb.baseAddress!, ysb.baseAddress!)
                    // Each part of the product becomes distances on the thread that computed it,
                    // while it is in cache; for a Gram matrix, each part's strict upper triangle,
                    // then its mirror image below the diagonal.
                    MatrixMultiply.multiply(m: n, n: m, k: width, a: MatrixView(base: px, rowStride: width, columnStride: 1),
                                            b: MatrixView(base: py, rowStride: 1, columnStride: width), c: c,
                                            symmetric: same, mirrors: false) { rows, columns in
                        for i in rows {
                            // A row against itself is exactly 0 (the direct sum of zeros); starting
                            // past it keeps rows without near-duplicates off the slow path.
                            if same && columns.contains(i) { cp[i * m + i] = 0 }
                            let first = same ? Swift.max(columns.lowerBound, i + 1) : columns.lowerBound
                            guard first < columns.upperBound else { continue }
                            let row = cp + i * m + first
                            let count = columns.upperBound - first
                            // Rarely needed: recompute the entries that lost their digits.
                            if convert(row, xsp[i], ysp + first, count, cancellation) {
                                for j in 0..<count where row[j] <= cancellation * (xsp[i] + ysp[first + j]) {
                                    var exact: Scalar = 0
                                    for k in 0..<width {
                                        let d = xp[i * width + k] - yp[(first + j) * width + k]
                                        exact = multiplyAdd(d, d, exact)
                                    }
                                    row[j] = exact
                                }
                            }
                            if root { for j in 0..<count { row[j] = row[j].squareRoot() } }
                        }
                        visit?.part(UnsafeRawPointer(cp), rows: rows, columns: columns)
                        if mirrors { mirrorUpper(cp, n, rows: rows, columns: columns) }
                    }
                }
              }
            }
          }
        }
        return Tensor(uncheckedShape: [n, m], scalars: out)
    }

    /// Turns products g into xi + ys[j] − 2g in place; true if some entry is at or below
    /// `cancellation`·(xi + ys[j]) (and must be summed directly). 2g is exact (barring
    /// overflow), so the fused form (arm64) rounds as the separate one does, one instruction fewer.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func convert<Scalar: TensorScalar>(_ row: UnsafeMutablePointer<Scalar>, _ xi: Scalar, _ ys: UnsafePointer<Scalar>,
                                             _ count: Int, _ cancellation: Scalar) -> Bool {
        guard Scalar.self == Float.self else {
            var suspect = false
            for j in 0..<count {
                row[j] = multiplyAdd(row[j], -2, xi + ys[j])
                if row[j] <= cancellation * (xi + ys[j]) { suspect = true }
            }
            return suspect
        }
        return row.withMemoryRebound(to: Float.self, capacity: count) { r in
            ys.withMemoryRebound(to: Float.self, capacity: count) { convert(r, Float(xi), $0, count, Float(cancellation)) }
        }
    }

    /// `convert` for `Float`, a vector of lanes at a time (each entry is converted alone, so
    /// the vector's width does not change the results).
    @usableFromInline
    static func convert(_ row: UnsafeMutablePointer<Float>, _ xi: Float, _ ys: UnsafePointer<Float>, _ count: Int, _ cancellation: Float) -> Bool {
        typealias V = Reductions.Wide<Float>
        let raw = UnsafeMutableRawPointer(row), rys = UnsafeRawPointer(ys)
        var suspect = SIMDMask<V.MaskStorage>(repeating: false), j = 0
        while j + V.scalarCount <= count {
            let y = rys.loadUnaligned(fromByteOffset: j * 4, as: V.self)
            let g = raw.loadUnaligned(fromByteOffset: j * 4, as: V.self)
            let d = multiplyAdd(g, -2, xi + y)
            raw.storeBytes(of: d, toByteOffset: j * 4, as: V.self)
            suspect .|= d .<= cancellation * (xi + y)
            j += V.scalarCount
        }
        var result = any(suspect)
        while j < count {
            row[j] = multiplyAdd(row[j], -2, xi + ys[j])
            if row[j] <= cancellation * (xi + ys[j]) { result = true }
            j += 1
        }
        return result
    }

    /// Fills the lower triangle of the square matrix `storage` (`[n, n]`) with the mirror
    /// image of its upper one: the rest of a matrix a `DistanceMatrixVisit` left without it.
    package static func mirrorUpperTriangle<Scalar: TensorScalar>(_ storage: inout [Scalar], count n: Int) {
        storage.withUnsafeMutableBufferPointer { if let c = $0.baseAddress { mirrorUpper(c, n, rows: 0..<n, columns: 0..<n) } }
    }

    /// Copies the strict upper triangle of the part `rows` × `columns` of the square matrix
    /// c ([n, n]) to its mirror image below the diagonal, c[j, i] = c[i, j] for j > i, in
    /// 32 × 32 tiles (8 × 8 blocks through registers where a tile lies wholly above the diagonal).
    static func mirrorUpper<Scalar: TensorScalar>(_ c: UnsafeMutablePointer<Scalar>, _ n: Int, rows: Range<Int>, columns: Range<Int>) {
        let tile = 32
        for i0 in stride(from: rows.lowerBound, to: rows.upperBound, by: tile) {
            let i1 = Swift.min(i0 + tile, rows.upperBound)
            for j0 in stride(from: Swift.max(columns.lowerBound, i0 / tile * tile), to: columns.upperBound, by: tile) {
                let j1 = Swift.min(j0 + tile, columns.upperBound)
                if j0 >= i1 {
                    MatrixMultiply.transposed(c + i0 * n + j0, stride: n, rows: i1 - i0, depth: j1 - j0, into: c + j0 * n + i0, stride: n)
                    continue
                }
                for i in i0..<i1 {
                    for j in Swift.max(j0, i + 1)..<Swift.max(j1, i + 1) { c[j * n + i] = c[i * n + j] }
                }
            }
        }
    }
}

/// A strided read-only matrix: element (i, j) is `base[i * rowStride + j * columnStride]`,
/// plus `base[j * rowStride + i * columnStride]` when `addsTranspose` (a square matrix read
/// as G + Gᵀ without forming it).
@usableFromInline package struct MatrixView<Scalar: TensorScalar> {
    @usableFromInline package let base: UnsafePointer<Scalar>
    @usableFromInline package let rowStride: Int
    @usableFromInline package let columnStride: Int
    @usableFromInline package let addsTranspose: Bool
    @usableFromInline package init(base: UnsafePointer<Scalar>, rowStride: Int, columnStride: Int, addsTranspose: Bool = false) {
        (self.base, self.rowStride, self.columnStride, self.addsTranspose) = (base, rowStride, columnStride, addsTranspose)
    }
}

/// The matrix product C = A·B on packed panels with a register-blocked micro-kernel.
///
/// A row block of A (`blockRows × depthBlock`) is packed into panels of the tile's rows
/// (`MicroTile.rows`); B into panels of `2 × V.scalarCount` columns. The micro-kernel keeps a
/// `rows × 2` tile of SIMD accumulators in registers and accumulates with `multiplyAdd` (one
/// `fmla` on arm64 and with the `FusedMultiplyAdd` trait; `c += a * b` in a default x86-64
/// build, since fused multiply-add is a libm call there). The tile suits the build's vectors:
/// 6 × 2 `SIMD4<Float>` with A pre-broadcast for SSE2 and NEON; with the trait on x86-64,
/// 12 × 2 `SIMD16<Float>` (AVX-512) or 6 × 2 `SIMD8<Float>` (AVX2), A broadcast as it
/// multiplies, whichever `KernelBuild` timed faster. Row blocks run in parallel;
/// each element of C is accumulated by one thread in a fixed order, so the result is the same
/// for any thread count.
///
/// - Complexity: O(M·N·K) time, O(K·N + threads·blockRows·depthBlock·V.scalarCount) extra memory.
@usableFromInline package enum MatrixMultiply {
    @usableFromInline package static let depthBlock = 256
    /// A multiple of every tile's panel width (8, 16 or 32 columns), so that a Gram matrix's
    /// row block computes the columns from its own first row on, no earlier ones: the parts
    /// that `finish` mirrors below the diagonal are never computed by another row block.
    @usableFromInline package static let blockRows = 96
    /// The columns of B a tile that streams B goes through while one panel of A stays in L1
    /// (their packed depth block, 1 MB of `Float`, stays in L2 while a core goes through its
    /// row blocks).
    static let columnBlock = 1024

    /// C[M×N] = A[M×K] · B[K×N], overwriting C (row-major, contiguous).
    ///
    /// With `symmetric` the caller promises B = Aᵀ (a Gram matrix): tiles wholly below the
    /// diagonal are skipped and mirrored from above, about half the work. Mirrored and
    /// computed entries are bitwise equal, since each is the same sum in the same order.
    /// Without `mirrors`, only the upper triangle (diagonal included) is guaranteed filled.
    ///
    /// `finish(rows, columns)`, when given, runs once for each part of C that is complete:
    /// on the thread that computed it, right after it (while it is in cache), over rows of one
    /// row block and the columns computed for them (from the row block's first panel on, for
    /// a Gram matrix). Parts never overlap, and every computed entry lies in one part; a part
    /// may write entries of C outside every part (a Gram matrix's skipped lower triangle)
    /// but not entries of other parts. Its time is not counted as the product's.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func multiply<Scalar: TensorScalar>(
        m: Int, n: Int, k: Int, a: MatrixView<Scalar>, b: MatrixView<Scalar>, c: UnsafeMutablePointer<Scalar>,
        symmetric: Bool = false, mirrors: Bool = true, finish: ((_ rows: Range<Int>, _ columns: Range<Int>) -> Void)? = nil
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            c.update(repeating: 0, count: m * n)
            finish?(0..<m, 0..<n)
            return
        }
        let symmetric = symmetric && m == n
        ProductClock.timing { excluded in
            let finish = finish.map { finish in { (rows: Range<Int>, columns: Range<Int>) in excluded.measuring { finish(rows, columns) } } }
            product(m: m, n: n, k: k, a: a, b: b, c: c, symmetric: symmetric, mirrors: mirrors, finish: finish)
        }
    }

    /// `multiply` with M, N, K > 0, on the tile of this build.
    @inline(__always)
    static func product<Scalar: TensorScalar>(
        m: Int, n: Int, k: Int, a: MatrixView<Scalar>, b: MatrixView<Scalar>, c: UnsafeMutablePointer<Scalar>,
        symmetric: Bool, mirrors: Bool, finish: ((Range<Int>, Range<Int>) -> Void)?
    ) {
        #if FUSED_MULTIPLY_ADD && arch(x86_64)
        // The tile that runs faster on this build's target (see `KernelBuild`); results are the same.
        switch (MemoryLayout<Scalar>.size == 4, KernelBuild.prefersTallTile) {
        case (true, true):
            run(m: m, n: n, k: k, a: a, b: b, c: c, symmetric: symmetric, mirrors: mirrors, finish: finish, tile: TallBroadcastTile<SIMD16<Scalar>>.self)
        case (true, false):
            run(m: m, n: n, k: k, a: a, b: b, c: c, symmetric: symmetric, mirrors: mirrors, finish: finish, tile: BroadcastTile<SIMD8<Scalar>>.self)
        case (false, true):
            run(m: m, n: n, k: k, a: a, b: b, c: c, symmetric: symmetric, mirrors: mirrors, finish: finish, tile: TallBroadcastTile<SIMD8<Scalar>>.self)
        case (false, false):
            run(m: m, n: n, k: k, a: a, b: b, c: c, symmetric: symmetric, mirrors: mirrors, finish: finish, tile: BroadcastTile<SIMD4<Scalar>>.self)
        }
        #else
        if MemoryLayout<Scalar>.size == 4 {
            run(m: m, n: n, k: k, a: a, b: b, c: c, symmetric: symmetric, mirrors: mirrors, finish: finish, tile: PreBroadcastTile<SIMD4<Scalar>>.self)
        } else {
            run(m: m, n: n, k: k, a: a, b: b, c: c, symmetric: symmetric, mirrors: mirrors, finish: finish, tile: PreBroadcastTile<SIMD2<Scalar>>.self)
        }
        #endif
    }

    /// Copies the entries the Gram path skipped (below the diagonal, left of each row
    /// block's first computed panel) from their transposes, in cache-friendly tiles.
    static func mirrorSkippedTiles<Scalar: TensorScalar>(_ c: UnsafeMutablePointer<Scalar>, n: Int, panelWidth nr: Int) {
        let tile = 32
        // Row tiles write only their own skipped entries and read computed ones: independent.
        nonisolated(unsafe) let c = c
        parallelFor((n + tile - 1) / tile, work: n * n) { rowTile in
            let i0 = rowTile * tile
            for j0 in stride(from: 0, to: i0 + tile, by: tile) {
                // A whole tile inside the skipped part (whose end grows with the row): 8 × 8 blocks in registers.
                if Scalar.self == Float.self && i0 + tile <= n && j0 + tile <= Swift.min(((i0 / blockRows) * blockRows / nr) * nr, i0) {
                    transposed(c + j0 * n + i0, stride: n, rows: tile, depth: tile, into: c + i0 * n + j0, stride: n)
                    continue
                }
                for i in i0..<Swift.min(i0 + tile, n) {
                    // Columns whose panel ends at or before the row block's start were skipped.
                    let skippedEnd = Swift.min(((i / blockRows) * blockRows / nr) * nr, i)
                    let end = Swift.min(j0 + tile, skippedEnd)
                    if end <= j0 { continue }
                    for j in j0..<end { c[i * n + j] = c[j * n + i] }
                }
            }
        }
    }

    /// to[m * toStride + r] = from[r * fromStride + m] for r, m in 0..<8: one 8 × 8 block
    /// copied transposed through registers (eight vector loads, eight vector stores).
    @inline(__always)
    static func transposeBlock<Scalar: TensorScalar>(from: UnsafePointer<Scalar>, stride fromStride: Int,
                                                     to: UnsafeMutablePointer<Scalar>, stride toStride: Int) {
        let (source, target) = (UnsafeRawPointer(from), UnsafeMutableRawPointer(to))
        let size = MemoryLayout<Scalar>.stride
        @inline(__always) func load(_ r: Int) -> SIMD8<Scalar> {
            source.loadUnaligned(fromByteOffset: r * fromStride * size, as: SIMD8<Scalar>.self)
        }
        let (r0, r1, r2, r3, r4, r5, r6, r7) = (load(0), load(1), load(2), load(3), load(4), load(5), load(6), load(7))
        for m in 0..<8 {
            let t = SIMD8<Scalar>(r0[m], r1[m], r2[m], r3[m], r4[m], r5[m], r6[m], r7[m])
            target.storeBytes(of: t, toByteOffset: m * toStride * size, as: SIMD8<Scalar>.self)
        }
    }

    /// to[kk * toStride + j] = from[j * fromStride + kk] for j in 0..<rows, kk in 0..<depth:
    /// `rows` runs of `depth` scalars written as `depth` runs of `rows`, in 8 × 8 blocks
    /// through registers where both counts allow (a scalar loop that writes with a stride
    /// becomes AVX-512 scatters, several times slower).
    @inline(__always)
    static func transposed<Scalar: TensorScalar>(_ from: UnsafePointer<Scalar>, stride fromStride: Int, rows: Int, depth: Int,
                                                 into to: UnsafeMutablePointer<Scalar>, stride toStride: Int) {
        let blockedRows = rows % 8 == 0 ? rows : 0, blockedDepth = depth / 8 * 8
        for kk in Swift.stride(from: 0, to: blockedDepth, by: 8) {
            for j in Swift.stride(from: 0, to: blockedRows, by: 8) {
                transposeBlock(from: from + j * fromStride + kk, stride: fromStride, to: to + kk * toStride + j, stride: toStride)
            }
        }
        for kk in 0..<depth {
            for j in (kk < blockedDepth ? blockedRows : 0)..<rows { to[kk * toStride + j] = from[j * fromStride + kk] }
        }
    }

    @inline(__always)
    static func run<Scalar: TensorScalar, Tile: MicroTile>(
        m: Int, n: Int, k: Int, a: MatrixView<Scalar>, b: MatrixView<Scalar>,
        c: UnsafeMutablePointer<Scalar>, symmetric: Bool, mirrors: Bool, finish: ((Range<Int>, Range<Int>) -> Void)? = nil, tile: Tile.Type
    ) where Tile.Vector.Scalar == Scalar {
        typealias V = Tile.Vector
        let nr = 2 * V.scalarCount
        let panels = (n + nr - 1) / nr
        let depthBlocks = (k + depthBlock - 1) / depthBlock
        // Pack all of B: for each depth block, for each panel, depth-major rows of nr scalars
        // (panels in parallel: each writes its own part; a packed scalar, a cache miss and a
        // transpose, counts as 16 operations).
        // On cache lines, so that no vector load of B straddles two (a whole line for SIMD16<Float>).
        let blockB = ScratchMemory.block(byteCount: panels * nr * k * MemoryLayout<Scalar>.stride)
        defer { ScratchMemory.recycle(blockB) }
        let packedB = blockB.pointer.bindMemory(to: Scalar.self, capacity: panels * nr * k)
        nonisolated(unsafe) let (packedBShared, bView) = (packedB, b)
        parallelFor(depthBlocks * panels, work: 16 * k * n) { part in
            let (db, p) = part.quotientAndRemainder(dividingBy: panels)
            let k0 = db * depthBlock, kc = min(depthBlock, k - k0)
            let dst = packedBShared + k0 * panels * nr + p * kc * nr
            let j0 = p * nr, width = min(nr, n - j0)
            if bView.rowStride == 1 && width == nr {
                // Bᵀ stored by rows (a Gram matrix's X): each column of the panel is a contiguous
                // run of a row, written with a stride of nr.
                transposed(bView.base + k0 + j0 * bView.columnStride, stride: bView.columnStride, rows: nr, depth: kc, into: dst, stride: nr)
                return
            }
            for kk in 0..<kc {
                let row = dst + kk * nr
                let src = bView.base + (k0 + kk) * bView.rowStride + j0 * bView.columnStride
                if bView.columnStride == 1 && width == nr {
                    // A contiguous row: two vector copies.
                    let (from, to) = (UnsafeRawPointer(src), UnsafeMutableRawPointer(row))
                    let half = V.scalarCount * MemoryLayout<Scalar>.stride
                    to.storeBytes(of: from.loadUnaligned(as: V.self), as: V.self)
                    to.storeBytes(of: from.loadUnaligned(fromByteOffset: half, as: V.self), toByteOffset: half, as: V.self)
                } else {
                    for j in 0..<width { row[j] = src[j * bView.columnStride] }
                    for j in width..<nr { row[j] = 0 }
                }
            }
        }
        let mr = Tile.rows, w = Tile.aLanes
        let rowBlocks = (m + blockRows - 1) / blockRows
        let blockAByteCount = (Swift.min(blockRows, m) + mr - 1) / mr * mr * Swift.min(depthBlock, k) * w * MemoryLayout<Scalar>.stride
        nonisolated(unsafe) let cShared = c
        let aView = a
        /// The panels among `panelRange` that row block rb computes: for a Gram matrix, panels
        /// wholly left of the row block are skipped (mirrored later, or by `finish`).
        func computedPanels(_ rb: Int, _ panelRange: Range<Int>) -> Range<Int> {
            panelRange.clamped(to: (symmetric ? rb * blockRows / nr : 0)..<panels)
        }
        /// Row block rb of C over depth block db, for B's panels in `panelRange` (those a Gram
        /// matrix does not mirror): packs the block of A, then runs the tiles in the order the
        /// tile asks for. A pre-broadcast tile's A holds each scalar repeated across a vector (a
        /// load instead of a shuffle in the micro-kernel); a broadcasting tile's holds scalars.
        func rowBlock(_ rb: Int, depthBlock db: Int, panels panelRange: Range<Int>) {
            let i0 = rb * blockRows, mc = min(blockRows, m - i0)
            let panelRange = computedPanels(rb, panelRange)
            if panelRange.isEmpty { return }
            let rowPanels = (mc + mr - 1) / mr
            let k0 = db * depthBlock, kc = min(depthBlock, k - k0)
            // Sized for a whole row block at full depth, so that the last, shorter block takes
            // the same kept block as the others instead of a fresh one.
            let blockA = ScratchMemory.block(byteCount: blockAByteCount)
            defer { ScratchMemory.recycle(blockA) }
            let packedA = blockA.pointer.bindMemory(to: Scalar.self, capacity: rowPanels * mr * kc * w)
            let col = UnsafeMutablePointer<Scalar>.allocate(capacity: mr)
            defer { col.deallocate() }
            /// Column kk of row panel rp into its packed place.
            func pack(_ rp: Int, _ kk: Int) {
                let r0 = i0 + rp * mr, height = min(mr, i0 + mc - r0)
                var src = aView.base + r0 * aView.rowStride + (k0 + kk) * aView.columnStride
                // The column's scalars: straight into the panel when it holds scalars.
                let out = w == 1 ? packedA + (rp * kc + kk) * mr : col
                if aView.addsTranspose {
                    // A + Aᵀ: the mirrored entries of these rows sit side by side in row k0 + kk.
                    let mirror = aView.base + (k0 + kk) * aView.rowStride + r0 * aView.columnStride
                    for r in 0..<height { out[r] = src[r * aView.rowStride] + mirror[r * aView.columnStride] }
                } else if height == mr {
                    for r in 0..<mr {
                        out[r] = src.pointee
                        src += aView.rowStride
                    }
                } else {
                    for r in 0..<height { out[r] = src[r * aView.rowStride] }
                }
                for r in height..<mr { out[r] = 0 }
                if w > 1 {
                    let raw = UnsafeMutableRawPointer(packedA + (rp * kc + kk) * mr * w)
                    // Each of the column's scalars as a whole vector.
                    for r in 0..<mr { raw.storeBytes(of: V(repeating: col[r]), toByteOffset: r * w * MemoryLayout<Scalar>.stride, as: V.self) }
                }
            }
            // In the order that reads few pages at a time: a transposed A (rows of the block side
            // by side in memory) column by column across the panels; otherwise panel by panel.
            if aView.rowStride == 1 {
                for kk in 0..<kc {
                    for rp in 0..<rowPanels { pack(rp, kk) }
                }
            } else {
                for rp in 0..<rowPanels {
                    for kk in 0..<kc { pack(rp, kk) }
                }
            }
            let blockB = packedBShared + k0 * panels * nr
            var edge = [Scalar](repeating: 0, count: mr * nr)
            /// The tile of panel p of B and row panel rp of A.
            func multiplyTile(_ p: Int, _ rp: Int) {
                let bPanel = blockB + p * kc * nr
                let j0 = p * nr, width = min(nr, n - j0)
                let r0 = i0 + rp * mr, height = min(mr, i0 + mc - r0)
                let aPanel = packedA + rp * kc * mr * w
                if width == nr && height == mr {
                    Tile.multiply(kc: kc, a: aPanel, b: bPanel, c: cShared + r0 * n + j0, ldc: n, accumulate: db > 0)
                } else {
                    edge.withUnsafeMutableBufferPointer { tile in
                        let t = tile.baseAddress!
                        Tile.multiply(kc: kc, a: aPanel, b: bPanel, c: t, ldc: nr, accumulate: false)
                        for r in 0..<height {
                            let out = cShared + (r0 + r) * n + j0
                            for j in 0..<width {
                                out[j] = db > 0 ? out[j] + t[r * nr + j] : t[r * nr + j]
                            }
                        }
                    }
                }
            }
            if Tile.streamsB {
                // Each panel of A stays in L1 while the block's panels of B (in L2) stream past it.
                for rp in 0..<rowPanels {
                    for p in panelRange { multiplyTile(p, rp) }
                }
            } else {
                // Each panel of B stays in L1 while the panels of A (in L2) stream past it.
                for p in panelRange {
                    for rp in 0..<rowPanels { multiplyTile(p, rp) }
                }
            }
        }
        /// `finish` over row block rb and the columns it computed among B's panels `panelRange`.
        func finishBlock(_ rb: Int, panels panelRange: Range<Int>) {
            guard let finish else { return }
            let i0 = rb * blockRows, panelRange = computedPanels(rb, panelRange)
            if panelRange.isEmpty { return }
            finish(i0..<min(i0 + blockRows, m), (panelRange.lowerBound * nr)..<min(panelRange.upperBound * nr, n))
        }
        if Tile.streamsB {
            // A block of B's columns (their depth block: 1 MB of Float) stays in each core's L2
            // while the core goes through its row blocks: B comes from memory once per block
            // and core, not once per row block.
            let blockPanels = Swift.max(1, columnBlock / nr)
            for db in 0..<depthBlocks {
                for p0 in stride(from: 0, to: panels, by: blockPanels) {
                    let range = p0..<Swift.min(p0 + blockPanels, panels)
                    parallelFor(rowBlocks, work: m * range.count * nr * depthBlock) { rb in
                        rowBlock(rb, depthBlock: db, panels: range)
                        if db == depthBlocks - 1 { finishBlock(rb, panels: range) }
                    }
                }
            }
        } else {
            parallelFor(rowBlocks, work: m * n * k) { rb in
                for db in 0..<depthBlocks { rowBlock(rb, depthBlock: db, panels: 0..<panels) }
                finishBlock(rb, panels: 0..<panels)
            }
        }
        if symmetric && mirrors { mirrorSkippedTiles(c, n: n, panelWidth: nr) }
    }
}

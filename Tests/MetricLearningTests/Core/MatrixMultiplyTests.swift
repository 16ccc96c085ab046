import Testing
import Synchronization
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

@Suite("Matrix product")
struct MatrixMultiplyTests {
    @Test(arguments: [(1, 1, 1), (7, 7, 7), (33, 7, 130), (130, 33, 1), (1, 130, 33), (33, 300, 130), (200, 520, 300)])
    func agreesWithNaiveLoop(m: Int, k: Int, n: Int) throws {
        let a: Tensor<Double> = randomMatrix(m, k, seed: 1)
        let b: Tensor<Double> = randomMatrix(k, n, seed: 2)
        let expected = naiveProduct(a, b)
        expectClose(try matmul(a, b).scalars, expected.scalars, atol: 1e-10, rtol: 1e-10, "plain")
        expectClose(try matmul(a.transposed(), b, transposeA: true).scalars, expected.scalars, atol: 1e-10, rtol: 1e-10, "Aᵀ")
        expectClose(try matmul(a, b.transposed(), transposeB: true).scalars, expected.scalars, atol: 1e-10, rtol: 1e-10, "Bᵀ")
        expectClose(try matmul(a.transposed(), b.transposed(), transposeA: true, transposeB: true).scalars,
                    expected.scalars, atol: 1e-10, rtol: 1e-10, "AᵀBᵀ")
        let af = Tensor<Float>(uncheckedShape: a.shape, scalars: a.scalars.map(Float.init))
        let bf = Tensor<Float>(uncheckedShape: b.shape, scalars: b.scalars.map(Float.init))
        let cf = try matmul(af, bf)
        expectClose(cf.scalars.map(Double.init), expected.scalars, atol: 1e-3 * Double(k).squareRoot(), rtol: 1e-4, "Float")
    }

    /// a·aᵀ of one buffer takes the half-work Gram path; it must equal the naive product
    /// and be exactly symmetric.
    @Test(arguments: [(1, 5), (7, 3), (97, 33), (200, 37), (300, 130)])
    func gramMatrixIsExactAndSymmetric(m: Int, k: Int) throws {
        let a: Tensor<Double> = randomMatrix(m, k, seed: 9)
        let gram = try matmul(a, a, transposeB: true)
        expectClose(gram.scalars, naiveProduct(a, try a.transposed()).scalars, atol: 1e-10, rtol: 1e-10)
        for i in 0..<m { for j in 0..<m { #expect(gram[i, j] == gram[j, i]) } }
        let af = Tensor<Float>(uncheckedShape: a.shape, scalars: a.scalars.map(Float.init))
        let gf = try matmul(af, af, transposeB: true)
        let general = try matmul(af, Tensor(uncheckedShape: af.shape, scalars: af.scalars.map { $0 }), transposeB: true)
        expectClose(gf.scalars, general.scalars, atol: 1e-4, rtol: 1e-4)
    }

    /// `transposed` (the Gram path's packing of B and its mirrors) copies through 8 × 8 register
    /// blocks where both counts allow and one by one elsewhere: the plain loop's copy, for
    /// ragged shapes, padded strides and both types, leaving the padding alone.
    @Test(arguments: [(8, 8), (16, 13), (32, 128), (12, 9), (3, 20), (24, 7)])
    func blockTransposeEqualsThePlainCopy(rows: Int, depth: Int) {
        func check<S: TensorScalar>(_: S.Type) {
            let fromStride = depth + 3, toStride = rows + 5
            let source = (0..<(rows * fromStride)).map { S($0) }
            var result = [S](repeating: -1, count: depth * toStride), expected = result
            source.withUnsafeBufferPointer { s in
                result.withUnsafeMutableBufferPointer { r in
                    MatrixMultiply.transposed(s.baseAddress!, stride: fromStride, rows: rows, depth: depth, into: r.baseAddress!, stride: toStride)
                }
            }
            for kk in 0..<depth { for j in 0..<rows { expected[kk * toStride + j] = source[j * fromStride + kk] } }
            #expect(result == expected, "\(S.self) \(rows) × \(depth)")
        }
        check(Float.self)
        check(Double.self)
    }

    /// (g + gᵀ)·x with the sum taken while packing equals symmetrising first, bitwise.
    @Test(arguments: [(1, 3), (7, 5), (97, 33), (301, 20), (520, 9)])
    func symmetrizedProductEqualsSymmetrisingFirst(n: Int, d: Int) throws {
        for type in [Float.self, Double.self] as [any TensorScalar.Type] {
            func check<S: TensorScalar>(_: S.Type) throws {
                let g: Tensor<S> = randomMatrix(n, n, seed: 5), x: Tensor<S> = randomMatrix(n, d, seed: 6)
                let symmetric = try Tensor<S>(shape: [n, n], scalars: (0..<(n * n)).map { g.scalars[$0] + g.scalars[($0 % n) * n + $0 / n] })
                #expect(try symmetrizedProduct(g, x).scalars == matmul(symmetric, x).scalars, "\(S.self) n \(n) d \(d)")
            }
            try check(type)
        }
        #expect(throws: MetricLearningError.self) { try symmetrizedProduct(Tensor<Float>.zeros(shape: [3, 4]), Tensor<Float>.zeros(shape: [4, 2])) }
    }

    /// Every register tile gives bitwise the same product (each element is the same sum in the same
    /// order), so the tile a build picks at run time (`KernelBuild`) never changes results; plain,
    /// transposed, Gram (mirrored) and A + Aᵀ operands, over several depth blocks and ragged edges.
    @Test(arguments: [(1, 1, 1), (13, 300, 37), (97, 520, 70), (130, 33, 130)])
    func everyTileGivesTheSameProduct(m: Int, k: Int, n: Int) throws {
        func check<S: TensorScalar>(_: S.Type) {
            let a: Tensor<S> = randomMatrix(m, k, seed: 3), b: Tensor<S> = randomMatrix(k, n, seed: 4)
            let square: Tensor<S> = randomMatrix(k, k, seed: 5)
            func products<Tile: MicroTile>(_ tile: Tile.Type) -> [UInt64] where Tile.Vector.Scalar == S {
                var c = [S](repeating: .nan, count: m * n + m * m + k * n)
                a.storage.withUnsafeBufferPointer { pa in
                    b.storage.withUnsafeBufferPointer { pb in
                        square.storage.withUnsafeBufferPointer { ps in
                            c.withUnsafeMutableBufferPointer { pc in
                                let (a, b, s, c) = (pa.baseAddress!, pb.baseAddress!, ps.baseAddress!, pc.baseAddress!)
                                MatrixMultiply.run(m: m, n: n, k: k, a: MatrixView(base: a, rowStride: k, columnStride: 1),
                                                   b: MatrixView(base: b, rowStride: n, columnStride: 1), c: c,
                                                   symmetric: false, mirrors: true, tile: tile)
                                MatrixMultiply.run(m: m, n: m, k: k, a: MatrixView(base: a, rowStride: k, columnStride: 1),
                                                   b: MatrixView(base: a, rowStride: 1, columnStride: k), c: c + m * n,
                                                   symmetric: true, mirrors: true, tile: tile)
                                MatrixMultiply.run(m: k, n: n, k: k, a: MatrixView(base: s, rowStride: k, columnStride: 1, addsTranspose: true),
                                                   b: MatrixView(base: b, rowStride: n, columnStride: 1), c: c + m * n + m * m,
                                                   symmetric: false, mirrors: true, tile: tile)
                            }
                        }
                    }
                }
                return c.map { Double($0).bitPattern }   // exact for Float: bitwise comparison
            }
            let reference = products(PreBroadcastTile<SIMD2<S>>.self)
            #expect(products(PreBroadcastTile<SIMD4<S>>.self) == reference, "\(S.self) pre-broadcast 4")
            #expect(products(BroadcastTile<SIMD4<S>>.self) == reference, "\(S.self) broadcast 4")
            #expect(products(BroadcastTile<SIMD8<S>>.self) == reference, "\(S.self) broadcast 8")
            #expect(products(TallBroadcastTile<SIMD8<S>>.self) == reference, "\(S.self) tall 8")
            #expect(products(TallBroadcastTile<SIMD16<S>>.self) == reference, "\(S.self) tall 16")
            var product = [S](repeating: 0, count: m * n)
            a.storage.withUnsafeBufferPointer { pa in
                b.storage.withUnsafeBufferPointer { pb in
                    product.withUnsafeMutableBufferPointer { pc in
                        MatrixMultiply.multiply(m: m, n: n, k: k, a: MatrixView(base: pa.baseAddress!, rowStride: k, columnStride: 1),
                                                b: MatrixView(base: pb.baseAddress!, rowStride: n, columnStride: 1), c: pc.baseAddress!)
                    }
                }
            }
            #expect(product.map { Double($0).bitPattern } == Array(reference.prefix(m * n)), "\(S.self) the build's own tile")
        }
        check(Float.self)
        check(Double.self)
    }

    /// `finish` runs once per part, after the part's last depth block: with it negating its
    /// part, every computed entry is the plain product negated once. Parts are disjoint, cover
    /// all of C (a Gram matrix: its upper triangle), and a Gram matrix's parts never reach left
    /// of their first row (what the distance matrix's mirror relies on). Sizes cross B's column
    /// block (1,024 columns, for the tiles that stream B) and A's depth block (256).
    @Test(arguments: [(13, 5, 1100, false), (1100, 5, 1100, true), (200, 300, 200, true), (97, 300, 130, false)])
    func finishRunsOncePerDisjointPart(m: Int, k: Int, n: Int, gram: Bool) {
        let a: Tensor<Float> = randomMatrix(m, k, seed: 6), b: Tensor<Float> = randomMatrix(k, n, seed: 7)
        func run<Tile: MicroTile>(_ tile: Tile.Type) where Tile.Vector.Scalar == Float {
            var (plain, finished) = ([Float](repeating: 0, count: m * n), [Float](repeating: .nan, count: m * n))
            let parts = Mutex<[(rows: Range<Int>, columns: Range<Int>)]>([])
            a.storage.withUnsafeBufferPointer { pa in
                b.storage.withUnsafeBufferPointer { pb in
                    let av = MatrixView(base: pa.baseAddress!, rowStride: k, columnStride: 1)
                    let bv = gram ? MatrixView(base: pa.baseAddress!, rowStride: 1, columnStride: k) : MatrixView(base: pb.baseAddress!, rowStride: n, columnStride: 1)
                    plain.withUnsafeMutableBufferPointer {
                        MatrixMultiply.run(m: m, n: n, k: k, a: av, b: bv, c: $0.baseAddress!, symmetric: gram, mirrors: true, tile: tile)
                    }
                    finished.withUnsafeMutableBufferPointer { pc in
                        nonisolated(unsafe) let c = pc.baseAddress!
                        MatrixMultiply.run(m: m, n: n, k: k, a: av, b: bv, c: c, symmetric: gram, mirrors: false, finish: { rows, columns in
                            parts.withLock { $0.append((rows, columns)) }
                            for i in rows { for j in columns { c[i * n + j] = -c[i * n + j] } }
                        }, tile: tile)
                    }
                }
            }
            var cover = [Int](repeating: 0, count: m * n)
            let list = parts.withLock { $0 }
            for (rows, columns) in list {
                if gram { #expect(columns.lowerBound >= rows.lowerBound, "\(Tile.self): a Gram part starts left of its rows") }
                for i in rows { for j in columns { cover[i * n + j] += 1 } }
            }
            var (uncovered, overlapping, wrong) = (0, 0, 0)
            for i in 0..<m {
                for j in (gram ? i : 0)..<n {
                    if cover[i * n + j] == 0 { uncovered += 1 }
                    if finished[i * n + j].bitPattern != (-plain[i * n + j]).bitPattern { wrong += 1 }
                }
            }
            for count in cover where count > 1 { overlapping += count - 1 }
            #expect(uncovered == 0 && overlapping == 0 && wrong == 0, "\(Tile.self): \(list.count) parts")
        }
        run(PreBroadcastTile<SIMD4<Float>>.self)
        run(BroadcastTile<SIMD8<Float>>.self)
        run(TallBroadcastTile<SIMD16<Float>>.self)
    }

    /// `KernelBuild.fusesMultiplyAdd` says what `multiplyAdd` does: (1 + 2⁻¹²)² − (1 + 2⁻¹¹) is
    /// 2⁻²⁴ rounded once, 0 when the product is rounded first.
    @Test func fusionFlagMatchesTheArithmetic() {
        let x: Float = 1 + 0x1p-12, c: Float = -(1 + 0x1p-11)
        let expected: Float = KernelBuild.fusesMultiplyAdd ? 0x1p-24 : 0
        #expect(multiplyAdd(x, x, c) == expected)
        #expect(multiplyAdd(SIMD16(repeating: x), SIMD16(repeating: x), SIMD16(repeating: c)) == SIMD16(repeating: expected))
        #expect(multiplyAdd(SIMD8(repeating: x), x, SIMD8(repeating: c)) == SIMD8(repeating: expected))
    }

    @Test func mismatchedInnerExtentsThrow() {
        let a: Tensor<Double> = randomMatrix(3, 4, seed: 1)
        #expect(throws: MetricLearningError.self) { try matmul(a, a) }
        #expect(throws: MetricLearningError.self) { try matmul(a, Tensor([1, 2, 3, 4])) }
    }

    @Test func emptyInnerExtentGivesZeros() throws {
        let a = try Tensor<Double>.zeros(shape: [3, 0]), b = try Tensor<Double>.zeros(shape: [0, 2])
        #expect(try matmul(a, b).scalars == [0, 0, 0, 0, 0, 0])
    }
}

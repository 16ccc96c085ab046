import Testing
import MetricLearning
@testable import TensorCore

/// The vector reductions against their one-at-a-time forms: four pairs at once give the
/// bitwise values of one pair at a time, and the extrema those of a plain scan.
@Suite("Vector reductions") struct ReductionsTests {
    /// Widths that reach every part of the loops: none, the scalar tail only, whole vectors,
    /// whole vectors and a tail, two of each.
    static let widths = [0, 1, 5, 8, 13, 16, 31, 32, 33, 64, 128, 131]

    @Test(arguments: widths) func fourPairsAtOnceGiveTheOnePairValues(_ n: Int) {
        let a: [Tensor<Float>] = (0..<4).map { randomMatrix(1, n, seed: UInt64(10 + $0)) }
        let b: [Tensor<Float>] = (0..<4).map { randomMatrix(1, n, seed: UInt64(20 + $0)) }
        let pa = a.map { _ in UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(n, 1)) }
        let pb = b.map { _ in UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(n, 1)) }
        defer { (pa + pb).forEach { $0.deallocate() } }
        for k in 0..<4 {
            for j in 0..<n { (pa[k][j], pb[k][j]) = (a[k].scalars[j], b[k].scalars[j]) }
        }
        let (ra, rb) = ((UnsafePointer(pa[0]), UnsafePointer(pa[1]), UnsafePointer(pa[2]), UnsafePointer(pa[3])),
                        (UnsafePointer(pb[0]), UnsafePointer(pb[1]), UnsafePointer(pb[2]), UnsafePointer(pb[3])))
        let squares = Reductions.pairSums(ra, rb, n, differences: true)
        let dots = Reductions.pairSums(ra, rb, n, differences: false)
        let (squareList, dotList) = ([squares.0, squares.1, squares.2, squares.3], [dots.0, dots.1, dots.2, dots.3])
        for k in 0..<4 {
            #expect(squareList[k].bitPattern == Reductions.squaredDistance(pa[k], pb[k], n).bitPattern, "width \(n), pair \(k)")
            #expect(dotList[k].bitPattern == Reductions.dot(pa[k], pb[k], n).bitPattern, "width \(n), pair \(k)")
        }
        if n == 13 { #expect(squareList[0] > 0 && dotList[0] != 0) }
    }

    @Test func rowDotsGiveEachRowsDot() {
        for rows in [0, 1, 3, 4, 5, 9] {
            let x: Tensor<Double> = randomMatrix(rows, 13, seed: 3), y: Tensor<Double> = randomMatrix(rows, 13, seed: 4)
            let dots = Reductions.rowDots(x.scalars, y.scalars, rows: rows, width: 13)
            #expect(dots.count == rows)
            x.scalars.withUnsafeBufferPointer { xb in
                y.scalars.withUnsafeBufferPointer { yb in
                    for i in 0..<rows {
                        #expect(dots[i].bitPattern == Reductions.dot(xb.baseAddress! + i * 13, yb.baseAddress! + i * 13, 13).bitPattern)
                    }
                }
            }
        }
        #expect(Reductions.rowDots([Float](), [], rows: 3, width: 0) == [0, 0, 0])
    }

    /// The least and greatest entries wherever they stand (each lane, each of the two chains,
    /// the single vector after them, the scalar tail), with NaN skipped.
    @Test(arguments: [1, 7, 8, 15, 16, 17, 31, 32, 33, 47, 48, 100]) func extremaAreThoseOfAPlainScan(_ n: Int) {
        for position in 0..<n {
            var values = (0..<n).map { Float(($0 * 37) % 101) - 50 }
            values[position] = -1000
            values[(position + n / 2) % n] = 1000
            if n > 2 { values[(position + 1) % n] = .nan }
            values.withUnsafeBufferPointer { p in
                let finite = values.filter { !$0.isNaN }
                let (lower, upper) = Reductions.bounds(p.baseAddress!, n)
                #expect(lower == finite.min()! && upper == finite.max()!, "n \(n), least at \(position)")
                #expect(Reductions.maximum(p.baseAddress!, n, atLeast: -.infinity) == finite.max()!, "n \(n)")
                #expect(Reductions.maximum(p.baseAddress!, n, atLeast: 5000) == 5000)
                #expect(Reductions.minimum(p.baseAddress!, n, atMost: .infinity) == finite.min()!, "n \(n), least at \(position)")
                #expect(Reductions.minimum(p.baseAddress!, n, atMost: -5000) == -5000)
                let doubles = values.map(Double.init)
                doubles.withUnsafeBufferPointer { q in
                    #expect(Reductions.minimum(q.baseAddress!, n, atMost: .infinity) == Double(finite.min()!))
                    #expect(Reductions.maximum(q.baseAddress!, n, atLeast: -.infinity) == Double(finite.max()!))
                }
            }
        }
        #expect(Reductions.extremeLane(SIMD16<Float>((0..<16).map { Float(($0 * 7) % 16) }), greatest: false) == 0)
        #expect(Reductions.extremeLane(SIMD8<Float>((0..<8).map { Float(($0 * 3) % 8) }), greatest: true) == 7)
    }
}

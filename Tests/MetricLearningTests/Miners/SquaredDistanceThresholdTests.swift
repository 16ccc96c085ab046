import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// Thresholds on squared distances must decide √x > m and √x ≥ m exactly.
@Suite("Squared-distance thresholds")
struct SquaredDistanceThresholdTests {
    static func check<S: TensorScalar>(_ type: S.Type, margins: [S]) {
        for m in margins {
            let (above, atLeast) = (SquaredDistanceThreshold.above(m), SquaredDistanceThreshold.atLeast(m))
            // Every float within 64 steps of m², and a few far ones.
            var x = Swift.max(0, m * m)
            for _ in 0..<64 where x > 0 { x = x.nextDown }
            var candidates: [S] = [0, S.leastNonzeroMagnitude, 1e-30, 0.5, 4, 1e6]
            for _ in 0..<129 {
                candidates.append(x)
                x = x.nextUp
            }
            for x in candidates {
                #expect((x.squareRoot() > m) == (x >= above), "√\(x) > \(m) vs threshold \(above)")
                #expect((x.squareRoot() > m) == (x > above.nextDown), "√\(x) > \(m) vs strict form")
                #expect((x.squareRoot() >= m) == (x >= atLeast), "√\(x) ≥ \(m) vs threshold \(atLeast)")
                #expect((x.squareRoot() < m) == (x < atLeast), "√\(x) < \(m) vs threshold \(atLeast)")
            }
        }
    }

    @Test func decidesRootComparisonsExactly() {
        var generator = SeededRandomGenerator(seed: 60)
        let margins = [0, 0.05, 0.1, 0.2, 0.5, 0.8, 1, 1.4142135, 2, 3.7, -0.5] + (0..<40).map { _ in generator.nextUnitInterval() * 2 }
        Self.check(Float.self, margins: margins.map { Float($0) })
        Self.check(Double.self, margins: margins)
    }

    @Test func edgeMargins() {
        #expect(SquaredDistanceThreshold.above(Float.infinity) == .infinity)
        #expect(SquaredDistanceThreshold.atLeast(-Float.infinity) == 0)
        #expect(SquaredDistanceThreshold.above(Double.nan).isNaN)
        #expect(SquaredDistanceThreshold.above(Float(0)) == .leastNonzeroMagnitude)
        #expect(SquaredDistanceThreshold.atLeast(Float(0)) == 0)
    }
}

/// Batch-hard selection on squared distances settles ties as the distances would.
@Suite("Batch-hard ties on squared distances")
struct BatchHardSquaredTieTests {
    @Test func earlierIndexWithTheSameRootWins() throws {
        // Two squared distances whose roots round to the same Float.
        var low: Float = 2, high: Float = 2
        while high.nextUp.squareRoot() == low.squareRoot() { high = high.nextUp }
        while low.nextDown.squareRoot() == high.squareRoot() { low = low.nextDown }
        #expect(low < high && low.squareRoot() == high.squareRoot())
        // Anchor 0 (label 0); positives 1, 2 (label 0); negatives 3, 4 (label 1).
        // Positive 1 is a hair nearer than 2 in d² but ties on the root: 1 must win.
        // Negative 3 is a hair farther than 4 in d² but ties on the root: 3 must win.
        let labels = [0, 0, 0, 1, 1]
        var squared = [Float](repeating: 9, count: 25)
        for i in 0..<5 { squared[i * 5 + i] = 0 }
        (squared[1], squared[2], squared[3], squared[4]) = (low, high, high, low)
        let pairing = ReferencePairing(labels: labels, referenceLabels: labels, selfOffset: 0)
        let fromSquares = BatchHardSelection.triplets(try Tensor(shape: [5, 5], scalars: squared), pairing: pairing,
                                                      isSimilarity: false, squaredDistances: true)
        let fromRoots = BatchHardSelection.triplets(try Tensor(shape: [5, 5], scalars: squared.map { $0.squareRoot() }),
                                                    pairing: pairing, isSimilarity: false)
        #expect(fromSquares == fromRoots)
        #expect(fromSquares.first == IndexTriplet(anchor: 0, positive: 1, negative: 3))
    }

    /// The same ties met by the selection from the upper triangle's parts
    /// (`UpperTriangleBatchHard`): each row's least and greatest come from parts on both sides
    /// of the diagonal, and the first column whose root ties wins there too.
    @Test func tiesAcrossTheUpperTrianglesParts() throws {
        var low: Float = 2, high: Float = 2
        while high.nextUp.squareRoot() == low.squareRoot() { high = high.nextUp }
        while low.nextDown.squareRoot() == high.squareRoot() { low = low.nextDown }
        // Anchor 2 (label 0): positives 0 (a hair nearer in d²) and 4, which tie on the root;
        // negatives 1 (a hair farther) and 3, which tie too: 0 and 1 must win, though they
        // sit above the anchor's diagonal entry and 3 and 4 beside it.
        let labels = [0, 1, 0, 1, 0], n = 5
        var squared = [Float](repeating: 9, count: n * n)
        for i in 0..<n { squared[i * n + i] = 0 }
        for (i, j, value) in [(0, 2, low), (2, 4, high), (1, 2, high), (2, 3, low)] {
            (squared[i * n + j], squared[j * n + i]) = (value, value)
        }
        let pairing = ReferencePairing(labels: labels, referenceLabels: labels, selfOffset: 0)
        let expected = BatchHardSelection.triplets(try Tensor(shape: [n, n], scalars: squared.map { $0.squareRoot() }),
                                                   pairing: pairing, isSimilarity: false)
        #expect(expected.contains(IndexTriplet(anchor: 2, positive: 0, negative: 1)))
        for layout in [[(0..<n, 0..<n)], [(0..<2, 0..<3), (0..<2, 3..<5), (2..<5, 0..<5)]] {
            let upper = UpperTriangleBatchHard<Float>(groups: SameLabelColumns(labels: labels, referenceLabels: labels))
            let visit = upper.makeVisit(leavingLowerTriangle: false)
            squared.withUnsafeBufferPointer { matrix in
                for (rows, columns) in layout { visit.part(UnsafeRawPointer(matrix.baseAddress!), rows: rows, columns: columns) }
            }
            #expect(visit.covered && upper.triplets(squared) == expected, "parts \(layout)")
        }
    }
}

import Testing
import MetricLearning
@testable import TensorCore

/// Pair values of a matrix against itself copy a pair listed earlier the other way round
/// instead of computing it again: the values must be bitwise those computed against a copy
/// of the matrix (which copies nothing), for mined-style lists (each pair both ways, by
/// anchor), shuffled lists, repeated pairs and pairs of a row with itself.
@Suite("Pair values copied from their mirrors")
struct PairValuesMirrorTests {
    static let x: Tensor<Float> = randomMatrix(40, 13, seed: 91)

    static func lists() -> [(name: String, rows: [Int], columns: [Int])] {
        var g = SeededRandomGenerator(seed: 92)
        let labels = (0..<40).map { _ in g.nextIndex(below: 6) }
        let mined = (0..<40).flatMap { a in (0..<40).filter { $0 != a && labels[$0] == labels[a] }.map { (a, $0) } }
        var shuffled = mined + [(3, 3), (5, 7), (5, 7), (7, 5)]
        for i in shuffled.indices.reversed() { shuffled.swapAt(i, g.nextIndex(below: i + 1)) }
        // Rows in more than 64 pairs, unordered: searched one by one no more.
        let crowded = (0..<70).map { (0, 1 + $0 % 39) } + (0..<70).map { (1 + $0 % 39, 0) }
        return [("mined", mined.map(\.0), mined.map(\.1)), ("shuffled", shuffled.map(\.0), shuffled.map(\.1)),
                ("crowded", crowded.map(\.0), crowded.map(\.1))]
    }

    @Test func mirroredValuesAreTheComputedOnes() throws {
        let copy = try Tensor(shape: Self.x.shape, scalars: Self.x.scalars.map { $0 })
        for (name, rows, columns) in Self.lists() {
            let ops: [(String, (Variable<Float>, Variable<Float>) -> Variable<Float>)] = [
                ("dot", { pairDotProducts($0, $1, rows: rows, columns: columns) }),
                ("squared", { pairSquaredDistances($0, $1, rows: rows, columns: columns) }),
                ("distance", { pairDistances($0, $1, rows: rows, columns: columns) }),
            ]
            for (kind, op) in ops {
                // Tracked: the path that copies (a matrix against itself) and one that cannot.
                let (own, _) = try valueWithGradient(at: Self.x) { op($0, $0).sum() }
                let itself = try valueWithGradient(at: Self.x) { v -> Variable<Float> in
                    let values = op(v, v)
                    let apart = op(v, Variable(copy))
                    #expect(values.value.scalars.map(\.bitPattern) == apart.value.scalars.map(\.bitPattern), "\(name) \(kind)")
                    return values.sum()
                }
                #expect(own == itself.value)
            }
        }
    }

    @Test func mirrorsAreEarlierPairsTheOtherWayRound() {
        for (name, rows, columns) in Self.lists() {
            let mirror = PairValues.earlierMirrors(rows: rows, columns: columns, groups: RowGroups(rows: rows + columns, count: 40))
            for (t, m) in mirror.enumerated() where m >= 0 {
                #expect(m < t && rows[m] == columns[t] && columns[m] == rows[t], "\(name) pair \(t)")
            }
            // Every pair of a mined list but the first of each two has its mirror.
            if name == "mined" { #expect(mirror.filter { $0 >= 0 }.count == rows.count / 2) }
            if name == "crowded" { #expect(mirror.filter { $0 >= 0 }.count > 0) }
        }
    }
}

import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// Every deterministic miner against a brute-force loop over all pairs or triplets,
/// on many random batches and a sweep of margins, for a distance and a similarity.
@Suite("Miners against brute force")
struct BruteForceMinerTests {
    static let distances: [any Distance<Double>] = [EuclideanDistance(), CosineSimilarity(), EuclideanDistance(normalizesEmbeddings: false, squared: true)]

    static func batches() -> [(Tensor<Double>, [Int])] {
        (0..<12).map { seed in
            let n = 6 + seed * 3, classes = 2 + seed % 5
            var g = SeededRandomGenerator(seed: UInt64(seed))
            let labels = (0..<n).map { _ in g.nextIndex(below: classes) }
            return (randomMatrix(n, 4 + seed % 3, seed: UInt64(100 + seed)), labels)
        }
    }

    @Test func tripletMarginMiner() throws {
        for (x, labels) in Self.batches() {
            for distance in Self.distances {
                let d = try distance.matrix(x, x)
                let n = labels.count
                for margin in [0.0, 0.05, 0.2, 0.5, 1.0] {
                    for type in TripletMarginMiner<Double>.TripletType.allCases {
                        var expected: Set<IndexTriplet> = []
                        for a in 0..<n { for p in 0..<n where p != a && labels[p] == labels[a] {
                            for q in 0..<n where labels[q] != labels[a] {
                                let gap = distance.isSimilarity ? d[a, p] - d[a, q] : d[a, q] - d[a, p]
                                let keep: Bool
                                switch type {
                                case .all: keep = gap <= margin
                                case .hard: keep = gap <= 0
                                case .semihard: keep = gap > 0 && gap <= margin
                                case .easy: keep = gap > margin
                                }
                                if keep { expected.insert(IndexTriplet(anchor: Int32(a), positive: Int32(p), negative: Int32(q))) }
                            }
                        } }
                        let mined = try TripletMarginMiner(margin: margin, type: type, distance: distance).mine(x, labels: labels)
                        guard case .triplets(let got) = mined else { Issue.record("not triplets"); continue }
                        #expect(Set(got) == expected && got.count == expected.count, "\(type) margin \(margin)")
                    }
                }
            }
        }
    }

    /// In Float the gaps are compared eight at a time; the kept triplets and their order
    /// (anchor, then positive, then negative, as PML lists them) must be the brute force's.
    @Test func tripletMarginMinerInFloatKeepsTheOrder() throws {
        for seed in 0..<4 {
            let n = 30 + seed * 7
            var g = SeededRandomGenerator(seed: UInt64(seed))
            let labels = (0..<n).map { _ in g.nextIndex(below: 3 + seed) }
            let x: Tensor<Float> = randomMatrix(n, 6, seed: UInt64(200 + seed))
            for distance in [EuclideanDistance<Float>() as any Distance<Float>, CosineSimilarity<Float>()] {
                let d = try distance.matrix(x, x)
                let sign: Float = distance.isSimilarity ? -1 : 1
                for type in TripletMarginMiner<Float>.TripletType.allCases {
                    var expected: [IndexTriplet] = []
                    for a in 0..<n { for p in 0..<n where p != a && labels[p] == labels[a] {
                        for q in 0..<n where labels[q] != labels[a] {
                            let gap = sign * (d[a, q] - d[a, p])
                            let keep: Bool
                            switch type {
                            case .all: keep = gap <= 0.3
                            case .hard: keep = gap <= 0
                            case .semihard: keep = gap > 0 && gap <= 0.3
                            case .easy: keep = gap > 0.3
                            }
                            if keep { expected.append(IndexTriplet(anchor: Int32(a), positive: Int32(p), negative: Int32(q))) }
                        }
                    } }
                    let mined = try TripletMarginMiner(margin: 0.3, type: type, distance: distance).mine(x, labels: labels)
                    #expect(!expected.isEmpty && mined.asTriplets() == expected, "\(type), seed \(seed)")
                }
            }
        }
    }

    @Test func batchHardMiner() throws {
        for (x, labels) in Self.batches() {
            for distance in Self.distances {
                let d = try distance.matrix(x, x)
                let n = labels.count
                var expected: [IndexTriplet] = []
                for a in 0..<n {
                    let positives = (0..<n).filter { $0 != a && labels[$0] == labels[a] }
                    let negatives = (0..<n).filter { labels[$0] != labels[a] }
                    guard !positives.isEmpty, !negatives.isEmpty else { continue }
                    let sign = distance.isSimilarity ? -1.0 : 1.0
                    let p = positives.max { sign * d[a, $0] < sign * d[a, $1] }!
                    let q = negatives.min { sign * d[a, $0] < sign * d[a, $1] }!
                    expected.append(IndexTriplet(anchor: Int32(a), positive: Int32(p), negative: Int32(q)))
                }
                #expect(try BatchHardMiner(distance: distance).mine(x, labels: labels) == .triplets(expected))
            }
        }
    }

    @Test func pairMarginMiner() throws {
        for (x, labels) in Self.batches() {
            for distance in Self.distances {
                let d = try distance.matrix(x, x)
                let n = labels.count
                for (pm, nm) in [(0.0, 0.5), (0.2, 0.8), (0.5, 1.2), (0.9, 0.1)] {
                    var pos: [IndexPair] = [], neg: [IndexPair] = []
                    for i in 0..<n { for j in 0..<n where i != j {
                        let v = d[i, j]
                        if labels[i] == labels[j] {
                            if distance.isSimilarity ? v < pm : v > pm { pos.append(IndexPair(anchor: Int32(i), other: Int32(j))) }
                        } else if distance.isSimilarity ? v > nm : v < nm {
                            neg.append(IndexPair(anchor: Int32(i), other: Int32(j)))
                        }
                    } }
                    let mined = try PairMarginMiner(positiveMargin: pm, negativeMargin: nm, distance: distance).mine(x, labels: labels)
                    #expect(mined == .pairs(positive: pos, negative: neg))
                }
            }
        }
    }

    /// Batches of several of the product's row blocks (96 rows) and, where the tile streams B,
    /// column blocks (1,024), whose pairs the miner selects from the Gram matrix's parts as they
    /// are computed, in `Float` and `Double`, with margins that keep many positives and negatives.
    @Test(arguments: [97, 1100]) func pairMarginMinerOnLargeBatches(n: Int) throws {
        func check<Scalar: TensorScalar>(_: Scalar.Type) throws {
            var g = SeededRandomGenerator(seed: UInt64(n))
            let labels = (0..<n).map { _ in g.nextIndex(below: 7) }
            let x: Tensor<Scalar> = randomMatrix(n, 6, seed: UInt64(n + 1))
            let distance = EuclideanDistance<Scalar>()
            let d = try distance.matrix(x, x)
            let (pm, nm): (Scalar, Scalar) = (1.0, 1.1)
            var pos: [IndexPair] = [], neg: [IndexPair] = []
            for i in 0..<n { for j in 0..<n where i != j {
                let v = d[i, j]
                if labels[i] == labels[j] {
                    if v > pm { pos.append(IndexPair(anchor: Int32(i), other: Int32(j))) }
                } else if v < nm {
                    neg.append(IndexPair(anchor: Int32(i), other: Int32(j)))
                }
            } }
            #expect(pos.count > n && neg.count > n, "margins that keep many pairs")
            let mined = try PairMarginMiner(positiveMargin: pm, negativeMargin: nm, distance: distance).mine(x, labels: labels)
            #expect(mined == .pairs(positive: pos, negative: neg), "\(Scalar.self), n \(n)")
        }
        try check(Float.self)
        try check(Double.self)
    }

    /// Batch-hard on batches of several of the product's row and column blocks, whose triplets
    /// the miner selects from the Gram matrix's upper triangle as it is computed
    /// (`UpperTriangleBatchHard`): the same as a search of the whole rows of the whole matrix
    /// (`BatchHardSelection`), also where distances tie — rows on a coarse grid, and rows
    /// repeated (distance 0), where the first column whose root ties must win.
    @Test(arguments: [97, 1100]) func batchHardMinerOnLargeBatchesWithTies(n: Int) throws {
        func check<Scalar: TensorScalar>(_: Scalar.Type, variant: Int, normalizes: Bool) throws {
            var g = SeededRandomGenerator(seed: UInt64(n + variant))
            let labels = (0..<n).map { _ in g.nextIndex(below: 7) }
            var rows = (randomMatrix(n, 6, seed: UInt64(n + 10 * variant)) as Tensor<Scalar>).scalars
            if variant > 0 { rows = rows.map { ($0 * 2).rounded() / 2 } }
            if variant == 2 { for i in stride(from: 0, to: n - 1, by: 5) { for k in 0..<6 { rows[(i + 1) * 6 + k] = rows[i * 6 + k] } } }
            let x = try Tensor(shape: [n, 6], scalars: rows)
            let squared = try EuclideanDistance<Scalar>(normalizesEmbeddings: normalizes, squared: true).matrix(x, x)
            let expected = BatchHardSelection.triplets(squared, pairing: BatchInputs(embeddings: x, labels: labels).pairing,
                                                       isSimilarity: false, squaredDistances: true)
            let mined = try BatchHardMiner(distance: EuclideanDistance<Scalar>(normalizesEmbeddings: normalizes)).mine(x, labels: labels)
            #expect(mined == .triplets(expected) && expected.count > n / 2, "\(Scalar.self), variant \(variant), normalised \(normalizes)")
            // On the grid, some anchors' nearest negatives tie (the same squared distance twice).
            let d = squared.scalars
            let tied = (0..<n).contains { a in
                var (least, count) = (Scalar.infinity, 0)
                for j in 0..<n where labels[j] != labels[a] {
                    if d[a * n + j] < least { (least, count) = (d[a * n + j], 1) } else if d[a * n + j] == least { count += 1 }
                }
                return count > 1
            }
            #expect(variant == 0 || tied, "ties in variant \(variant)")
        }
        // The large batch (two column blocks) once, in Float with ties; the smaller one throughout.
        for variant in n > 500 ? [2] : [0, 1, 2] {
            for normalizes in n > 500 ? [true] : [true, false] {
                try check(Float.self, variant: variant, normalizes: normalizes)
                if n < 500 { try check(Double.self, variant: variant, normalizes: normalizes) }
            }
        }
    }

    /// The kernels behind it against plain loops: the least value of another group along a
    /// row, its first column and the second least (repeats count), and the same folded down
    /// the columns of a block of rows; lengths around the vector widths, values with repeats.
    @Test func leastOfOtherGroupKernels() {
        func check<Scalar: TensorScalar>(_: Scalar.Type) {
            var g = SeededRandomGenerator(seed: 3)
            for count in [1, 7, 8, 15, 16, 17, 33, 70] {
                let values = (0..<(3 * count)).map { _ in Scalar(g.nextIndex(below: 9)) }
                let groups = (0..<count).map { _ in Int32(g.nextIndex(below: 3)) }
                var (least, second, index) = ([Scalar](repeating: .infinity, count: count), [Scalar](repeating: .infinity, count: count),
                                              [Int32](repeating: 0, count: count))
                for row in 0..<3 {
                    let slice = Array(values[(row * count)..<((row + 1) * count)]), group = Int32(row)
                    let others = (0..<count).filter { groups[$0] != group }
                    let sorted = others.map { slice[$0] }.sorted()
                    let along = slice.withUnsafeBufferPointer { v in groups.withUnsafeBufferPointer { gr in
                        LeastOfOtherGroup.along(v.baseAddress!, groups: gr.baseAddress!, count: count, group: group, first: 5)
                    } }
                    #expect(along.least == (sorted.first ?? .infinity) && along.second == (sorted.dropFirst().first ?? .infinity), "count \(count)")
                    if let first = others.first(where: { slice[$0] == sorted.first }) { #expect(along.index == Int32(first + 5)) }
                    slice.withUnsafeBufferPointer { v in groups.withUnsafeBufferPointer { gr in
                        LeastOfOtherGroup.down(v.baseAddress!, groups: gr.baseAddress!, count: count, group: group, row: Int32(row),
                                               least: &least, index: &index, second: &second)
                    } }
                }
                for j in 0..<count {
                    let column = (0..<3).filter { Int32($0) != groups[j] }.map { values[$0 * count + j] }
                    let sorted = column.sorted()
                    #expect(least[j] == (sorted.first ?? .infinity) && second[j] == (sorted.dropFirst().first ?? .infinity))
                    if let first = (0..<3).first(where: { Int32($0) != groups[j] && values[$0 * count + j] == sorted.first }) {
                        #expect(index[j] == Int32(first))
                    }
                }
            }
        }
        check(Float.self)
        check(Double.self)
    }

    /// A distance that reports the squared Euclidean kernel but computes its matrix another way
    /// (against a copy of the rows): the miner's selection inside the product never sees it,
    /// so the miner searches the whole rows afterwards, with the same result.
    struct CopiedSquaredEuclidean: Distance {
        var isSimilarity: Bool { false }
        var normalizesEmbeddings: Bool { true }
        var kernel: DistanceKernel? { .euclidean(squared: true) }
        func pairwise(normalized x: Variable<Double>, _ y: Variable<Double>) -> Variable<Double> { pairwiseSquaredDistances(x, y * 1) }
    }

    @Test func pairMarginMinerOverAMatrixComputedAnotherWay() throws {
        for (x, labels) in Self.batches() {
            let distance = CopiedSquaredEuclidean()
            let d = try distance.matrix(x, x)
            let n = labels.count
            var pos: [IndexPair] = [], neg: [IndexPair] = []
            for i in 0..<n { for j in 0..<n where i != j {
                let pair = IndexPair(anchor: Int32(i), other: Int32(j))
                if labels[i] == labels[j] {
                    if d[i, j] > 0.3 { pos.append(pair) }
                } else if d[i, j] < 1.5 {
                    neg.append(pair)
                }
            } }
            let mined = try PairMarginMiner(positiveMargin: 0.3, negativeMargin: 1.5, distance: distance).mine(x, labels: labels)
            #expect(mined == .pairs(positive: pos, negative: neg) && !neg.isEmpty)
        }
    }

    /// The pairs kept in parts (row blocks split into column blocks) listed by anchor, then
    /// column, and with their mirrors: as a scan of whole rows lists them.
    @Test func upperTrianglePartsAreListedAsWholeRows() {
        let n = 9
        var g = SeededRandomGenerator(seed: 5)
        let kept = (0..<n).flatMap { i in ((i + 1)..<n).filter { _ in g.nextIndex(below: 2) == 0 }.map { (i, $0) } }
        // Parts listed in order of row, then column: rows 0..<4 and 4..<9, each split at
        // column 6 (regrouped by anchor); whole rows, one row split at column 6 (joined).
        let layouts = [[(0..<4, 0..<6), (0..<4, 6..<9), (4..<9, 0..<6), (4..<9, 6..<9)],
                       [(0..<4, 0..<9), (4..<5, 0..<6), (4..<5, 6..<9), (5..<9, 0..<9)]]
        for layout in layouts {
            let parts = layout.map { rows, columns in
                kept.filter { rows.contains($0.0) && columns.contains($0.1) }.map { IndexPair(anchor: Int32($0.0), other: Int32($0.1)) }
            }
            let upper = UpperTrianglePairs<Float>.byAnchor(parts, count: n)
            #expect(upper == kept.map { IndexPair(anchor: Int32($0.0), other: Int32($0.1)) })
            let whole = (0..<n).flatMap { i in (0..<n).filter { j in kept.contains { $0 == (Swift.min(i, j), Swift.max(i, j)) } }.map { IndexPair(anchor: Int32(i), other: Int32($0)) } }
            #expect(UpperTrianglePairs<Float>.withMirrors(upper, count: n) == whole)
            #expect(kept.count > 4 && parts.filter { !$0.isEmpty }.count >= 3)
        }
    }

    @Test func multiSimilarityMiner() throws {
        for (x, labels) in Self.batches() {
            for distance in Self.distances {
                let d = try distance.matrix(x, x)
                let n = labels.count
                for epsilon in [0.0, 0.1, 0.3] {
                    var pos: Set<IndexPair> = [], neg: Set<IndexPair> = []
                    for a in 0..<n {
                        let ps = (0..<n).filter { $0 != a && labels[$0] == labels[a] }.map { d[a, $0] }
                        let ns = (0..<n).filter { labels[$0] != labels[a] }.map { d[a, $0] }
                        guard !ps.isEmpty, !ns.isEmpty else { continue }
                        for j in 0..<n where j != a {
                            let v = d[a, j]
                            let pair = IndexPair(anchor: Int32(a), other: Int32(j))
                            if labels[j] == labels[a] {
                                if distance.isSimilarity ? v - epsilon < ns.max()! : v + epsilon > ns.min()! { pos.insert(pair) }
                            } else if distance.isSimilarity ? v + epsilon > ps.min()! : v - epsilon < ps.max()! {
                                neg.insert(pair)
                            }
                        }
                    }
                    let mined = try MultiSimilarityMiner(epsilon: epsilon, distance: distance).mine(x, labels: labels)
                    guard case .pairs(let gp, let gn) = mined else { Issue.record("not pairs"); continue }
                    #expect(Set(gp) == pos && Set(gn) == neg && gp.count == pos.count && gn.count == neg.count)
                }
            }
        }
    }

    @Test func batchEasyHardMiner() throws {
        typealias S = BatchEasyHardMiner<Double>.Strategy
        let combinations: [(S, S)] = [(.easy, .semihard), (.hard, .hard), (.easy, .easy), (.hard, .semihard),
                                      (.semihard, .hard), (.all, .hard), (.easy, .all), (.all, .all)]
        for (x, labels) in Self.batches() {
            for distance in Self.distances {
                let d = try distance.matrix(x, x)
                let n = labels.count
                let c = { (a: Int, j: Int) in distance.isSimilarity ? d[a, j] : -d[a, j] }
                for (ps, ns) in combinations {
                    var pos: [IndexPair] = [], neg: [IndexPair] = []
                    for a in 0..<n {
                        let positives = (0..<n).filter { $0 != a && labels[$0] == labels[a] }
                        let negatives = (0..<n).filter { labels[$0] != labels[a] }
                        func pickPositive(_ s: S, below threshold: Double?) -> Int? {
                            let candidates = positives.filter { threshold == nil || c(a, $0) > threshold! }
                            return s == .easy ? candidates.max { c(a, $0) < c(a, $1) } : candidates.min { c(a, $0) < c(a, $1) }
                        }
                        func pickNegative(_ s: S, above threshold: Double?) -> Int? {
                            let candidates = negatives.filter { threshold == nil || c(a, $0) < threshold! }
                            return s == .easy ? candidates.min { c(a, $0) < c(a, $1) } : candidates.max { c(a, $0) < c(a, $1) }
                        }
                        var p: Int?, q: Int?
                        if ps == .semihard { q = pickNegative(ns, above: nil); p = q.flatMap { pickPositive(ps, below: c(a, $0)) } }
                        else if ns == .semihard { p = pickPositive(ps, below: nil); q = p.flatMap { pickNegative(ns, above: c(a, $0)) } }
                        else { p = ps == .all ? nil : pickPositive(ps, below: nil); q = ns == .all ? nil : pickNegative(ns, above: nil) }
                        if ps != .all && ns != .all {
                            if let p, let q {
                                pos.append(IndexPair(anchor: Int32(a), other: Int32(p)))
                                neg.append(IndexPair(anchor: Int32(a), other: Int32(q)))
                            }
                        } else {
                            if ps != .all, let p { pos.append(IndexPair(anchor: Int32(a), other: Int32(p))) }
                            if ns != .all, let q { neg.append(IndexPair(anchor: Int32(a), other: Int32(q))) }
                        }
                    }
                    let (allP, allN) = MinedTuples.allPairs(labels: labels).asPairs()
                    if ps == .all { pos = allP }
                    if ns == .all { neg = allN }
                    let mined = try BatchEasyHardMiner(positiveStrategy: ps, negativeStrategy: ns, distance: distance).mine(x, labels: labels)
                    #expect(mined == .pairs(positive: pos, negative: neg), "\(ps)/\(ns)")
                }
            }
        }
    }

    @Test func batchEasyHardRangesAndInvalidCombinations() throws {
        let (x, labels) = Self.batches()[5]
        let mined = try BatchEasyHardMiner<Double>(positiveStrategy: .hard, negativeStrategy: .hard,
                                                   allowedPositiveRange: 0...0.9, allowedNegativeRange: 0.6...2).mine(x, labels: labels)
        let d = try EuclideanDistance<Double>().matrix(x, x)
        guard case .pairs(let p, let n) = mined else { Issue.record("not pairs"); return }
        #expect(!p.isEmpty)
        #expect(p.allSatisfy { d[Int($0.anchor), Int($0.other)] <= 0.9 })
        #expect(n.allSatisfy { d[Int($0.anchor), Int($0.other)] >= 0.6 })
        #expect(throws: MetricLearningError.self) { try BatchEasyHardMiner<Double>(positiveStrategy: .semihard, negativeStrategy: .semihard).mine(x, labels: labels) }
        #expect(throws: MetricLearningError.self) { try BatchEasyHardMiner<Double>(positiveStrategy: .all, negativeStrategy: .semihard).mine(x, labels: labels) }
    }
}

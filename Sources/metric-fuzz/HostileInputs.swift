import MetricLearning

/// Draws hostile inputs from the library's `SeededRandomGenerator`: batch sizes 0–40, widths
/// 0–20, magnitudes from subnormal to the largest finite, duplicate and zero rows, NaN and
/// ±∞, labels at `Int.min`/`Int.max`, label counts that differ from the batch, garbage
/// tuples, references of the wrong width and out-of-range `selfOffset`s.
///
/// Each draw appends a short note to `notes`, so a case can be described in one line.
struct HostileInputs<S: TensorScalar> {
    /// The case's generator.
    var rng: SeededRandomGenerator
    /// How the inputs drawn so far were made.
    var notes: [String] = []

    init(seed: UInt64) { rng = SeededRandomGenerator(seed: seed) }

    // MARK: - Primitives

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { rng.nextUnitInterval() < p }
    /// A uniform integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + rng.nextIndex(below: range.count) }
    /// A uniform element of `choices`.
    mutating func pick<T>(_ choices: [T]) -> T { choices[rng.nextIndex(below: choices.count)] }

    /// A batch size in 0...40, small ones often (0 rarely: it is only ever rejected).
    mutating func batchSize() -> Int { chance(0.03) ? 0 : chance(0.3) ? int(1...4) : int(1...40) }
    /// A width in 0...20, small ones often (0 rarely).
    mutating func width() -> Int { chance(0.03) ? 0 : chance(0.25) ? int(1...2) : int(1...20) }

    // MARK: - Scalars and matrices

    /// How large the entries of a matrix (or one of its rows) are.
    enum Scale: String, CaseIterable {
        case unit, unitBall, small, large, tiny, huge, squareUnderflow, squareOverflow, subnormal, largest, zero, mixed
    }

    /// One scalar of `scale` (never `.mixed`).
    mutating func scalar(_ scale: Scale) -> S {
        let normal = S(rng.nextNormal())
        switch scale {
        case .unit, .mixed: return normal
        case .unitBall: return normal * S(0.3)
        case .small: return normal * S(1e-3)
        case .large: return normal * S(1e3)
        case .tiny: return normal * S(1e-30)
        case .huge: return normal * S(1e30)
        // Entries whose squares under- or overflow the type (Float ≈ 1e-23 / 4e19, Double ≈ 1e-162 / 3e154).
        case .squareUnderflow: return normal * S.leastNormalMagnitude.squareRoot() * S(0.5)
        case .squareOverflow: return normal * S.greatestFiniteMagnitude.squareRoot() * S(2)
        case .subnormal: return S.leastNormalMagnitude * S(rng.nextUnitInterval()) * (chance(0.5) ? 1 : -1)
        case .largest: return S.greatestFiniteMagnitude * S(0.5 + rng.nextUnitInterval() / 2) * (chance(0.5) ? 1 : -1)
        case .zero: return 0
        }
    }

    /// A scale, ordinary ones more often than extreme ones.
    mutating func scale() -> Scale {
        chance(0.4) ? pick([.unit, .unitBall, .small, .large]) : pick(Scale.allCases)
    }

    /// A `rows × cols` matrix of hostile entries; sometimes (when `badRank`) reshaped to
    /// another rank, and sometimes (when `nonFinite`) holding NaN or ±∞.
    mutating func matrix(_ rows: Int, _ cols: Int, _ name: String, nonFinite: Bool = true, badRank: Bool = true) -> Tensor<S> {
        let scale = scale()
        var note = "\(name)[\(rows)x\(cols) \(scale.rawValue)"
        var values = [S]()
        values.reserveCapacity(rows * cols)
        for _ in 0..<rows {
            let rowScale = scale == .mixed ? pick(Scale.allCases.filter { $0 != .mixed }) : scale
            for _ in 0..<cols { values.append(scalar(rowScale)) }
        }
        func row(_ i: Int) -> Range<Int> { (i * cols)..<(i * cols + cols) }
        if rows > 1 && chance(0.3) {
            let source = int(0...(rows - 1))
            let copies = int(1...min(rows - 1, 6))
            for _ in 0..<copies { values.replaceSubrange(row(int(0...(rows - 1))), with: values[row(source)]) }
            note += " dup(\(source)x\(copies))"
        }
        if rows > 1 && cols > 0 && chance(0.1) {
            let (i, j) = (int(0...(rows - 1)), int(0...(rows - 1)))
            values.replaceSubrange(row(j), with: values[row(i)])
            values[j * cols] = values[j * cols].nextUp
            note += " nearDup(\(i)->\(j))"
        }
        if rows > 0 && chance(0.2) {
            let zeros = int(1...min(rows, 4))
            for _ in 0..<zeros { values.replaceSubrange(row(int(0...(rows - 1))), with: repeatElement(0, count: cols)) }
            note += " zeroRows(\(zeros))"
        }
        if rows > 1 && chance(0.05) {
            let first = Array(values[row(0)])
            for i in 1..<rows { values.replaceSubrange(row(i), with: first) }
            note += " allSame"
        }
        if nonFinite && !values.isEmpty && chance(0.1) {
            let count = int(1...3)
            for _ in 0..<count {
                let bad: S = pick([.nan, .infinity, -.infinity])
                let at = int(0...(values.count - 1))
                values[at] = bad
                note += " \(bad)@\(at)"
            }
        }
        var shape = [rows, cols]
        if badRank && chance(0.04) {
            shape = pick([[rows * cols], [rows, cols, 1], [1, rows, cols]])
            note += " shape\(shape)"
        }
        notes.append(note + "]")
        return try! Tensor(shape: shape, scalars: values)
    }

    // MARK: - Labels

    /// `count` labels (sometimes a different count), drawn in one of several hostile styles:
    /// few classes, pairs, one class, all distinct, negative, `Int.min`/`Int.max`, 64-bit
    /// random, or from `pool` (another set's labels, so that references share classes).
    mutating func labels(_ count: Int, _ name: String, pool: [Int] = []) -> [Int] {
        var n = count
        if chance(0.08) { n = max(0, pick([0, count - 1, count + 1, count + int(2...5), count - int(2...5)])) }
        let styles = pool.isEmpty ? ["few", "pairs", "one", "distinct", "negative", "extremes", "random64"]
                                  : ["pool", "pool", "pool", "few", "one", "extremes"]
        let style = pick(styles)
        var labels = [Int]()
        switch style {
        case "few":
            let k = int(1...5)
            labels = (0..<n).map { _ in int(0...(k - 1)) }
        case "pairs":
            labels = (0..<n).map { $0 / 2 }
            labels.shuffle(using: &rng)
        case "one":
            let c = pick([0, 3, -7, Int.min, Int.max])
            labels = Array(repeating: c, count: n)
        case "distinct":
            let shift = pick([0, -20, Int.max - 64])
            labels = (0..<n).map { shift + $0 }
        case "negative":
            let k = int(1...4)
            labels = (0..<n).map { _ in -int(1...k) }
        case "extremes":
            labels = (0..<n).map { _ in pick([Int.min, Int.max, Int.min + 1, Int.max - 1, 0, -1]) }
        case "random64":
            labels = (0..<n).map { _ in Int(truncatingIfNeeded: rng.next()) }
        default:
            labels = (0..<n).map { _ in chance(0.85) ? pick(pool) : int(-3...10) }
        }
        notes.append("\(name)[\(n) \(style)]")
        return labels
    }

    /// `count` class labels for `classes` classes: in range, except sometimes one that is not.
    mutating func classLabels(_ count: Int, classes: Int) -> [Int] {
        var n = count
        if chance(0.06) { n = max(0, count + pick([-1, 1, 3])) }
        var labels = (0..<n).map { _ in classes > 0 ? int(0...(classes - 1)) : 0 }
        var note = "labels[\(n) of \(classes)"
        if chance(0.3) && classes > 0 {
            let c = int(0...(classes - 1))
            labels = Array(repeating: c, count: n)
            note += " one"
        }
        if n > 0 && chance(0.12) {
            let bad = pick([classes, classes + 1, -1, Int.min, Int.max])
            let at = int(0...(n - 1))
            labels[at] = bad
            note += " \(bad)@\(at)"
        }
        notes.append(note + "]")
        return labels
    }

    // MARK: - Tuples

    /// Mined tuples for `n` anchors against `m` references (nil often): pairs or triplets that
    /// follow the labels, random ones that ignore them, empty ones, or garbage with an index
    /// out of range, negative or at `Int32.min`/`Int32.max`.
    mutating func tuples(anchors n: Int, references m: Int, labels: [Int], referenceLabels: [Int], selfOffset: Int?) -> MinedTuples? {
        guard !chance(0.35) else { notes.append("tuples[nil]"); return nil }
        let style = pick(["pairs", "triplets", "randomPairs", "randomTriplets", "empty", "garbage", "garbage"])
        let (na, nr) = (min(n, labels.count), min(m, referenceLabels.count))
        func own(_ a: Int) -> Int? { selfOffset.flatMap { a.addingReportingOverflow($0).overflow ? nil : a + $0 } }
        func positives(_ a: Int) -> [Int] { (0..<nr).filter { referenceLabels[$0] == labels[a] && $0 != own(a) } }
        func negatives(_ a: Int) -> [Int] { (0..<nr).filter { referenceLabels[$0] != labels[a] } }
        var tuples: MinedTuples
        switch style {
        case "pairs" where na > 0:
            var p = [IndexPair](), q = [IndexPair]()
            for _ in 0..<int(0...40) {
                let a = int(0...(na - 1))
                if chance(0.5), let o = positives(a).randomElement(using: &rng) { p.append(IndexPair(anchor: Int32(a), other: Int32(o))) }
                else if let o = negatives(a).randomElement(using: &rng) { q.append(IndexPair(anchor: Int32(a), other: Int32(o))) }
            }
            tuples = .pairs(positive: p, negative: q)
        case "triplets" where na > 0:
            var t = [IndexTriplet]()
            for _ in 0..<int(0...40) {
                let a = int(0...(na - 1))
                if let p = positives(a).randomElement(using: &rng), let q = negatives(a).randomElement(using: &rng) {
                    t.append(IndexTriplet(anchor: Int32(a), positive: Int32(p), negative: Int32(q)))
                }
            }
            tuples = .triplets(t)
        case "randomPairs" where n > 0 && m > 0:
            func pair() -> IndexPair { IndexPair(anchor: Int32(int(0...(n - 1))), other: Int32(int(0...(m - 1)))) }
            tuples = .pairs(positive: (0..<int(0...20)).map { _ in pair() }, negative: (0..<int(0...20)).map { _ in pair() })
        case "randomTriplets" where n > 0 && m > 0:
            tuples = .triplets((0..<int(1...30)).map { _ in
                IndexTriplet(anchor: Int32(int(0...(n - 1))), positive: Int32(int(0...(m - 1))), negative: Int32(int(0...(m - 1))))
            })
        case "garbage":
            let badAnchor = pick([Int32(n), Int32(n + 3), -1, .min, .max, Int32(max(n, m - 1))])
            let badOther = pick([Int32(m), Int32(m + 7), -1, -2, .min, .max])
            let ok = Int32(0)
            tuples = pick([
                .pairs(positive: [IndexPair(anchor: badAnchor, other: ok)], negative: []),
                .pairs(positive: [], negative: [IndexPair(anchor: ok, other: badOther)]),
                .pairs(positive: [IndexPair(anchor: ok, other: ok), IndexPair(anchor: ok, other: badOther)], negative: [IndexPair(anchor: ok, other: ok)]),
                .triplets([IndexTriplet(anchor: badAnchor, positive: ok, negative: ok)]),
                .triplets([IndexTriplet(anchor: ok, positive: badOther, negative: ok)]),
                .triplets([IndexTriplet(anchor: ok, positive: ok, negative: badOther)]),
                .triplets([IndexTriplet(anchor: ok, positive: ok, negative: ok), IndexTriplet(anchor: badAnchor, positive: badOther, negative: badOther)]),
            ])
        default:
            tuples = chance(0.5) ? .pairs(positive: [], negative: []) : .triplets([])
        }
        notes.append("tuples[\(style) \(tuples)]")
        return tuples
    }

    // MARK: - References

    /// References for a batch of `n × d` `embeddings`: the batch's own tensor (under its labels
    /// or others, `isEmbeddings`), a set that contains the batch at `selfOffset` (which is
    /// sometimes wrong: negative, past the end, `Int.min`/`Int.max`), or a separate set
    /// (sometimes of another width, or with a count of labels that differs).
    mutating func references(for embeddings: Tensor<S>, labels: [Int])
        -> (references: Tensor<S>, labels: [Int], selfOffset: Int?, isEmbeddings: Bool) {
        let n = embeddings.rank == 2 ? embeddings.shape[0] : 0
        let d = embeddings.rank == 2 ? embeddings.shape[1] : width()
        if chance(0.1) {
            // The batch's own tensor (the same storage), under its labels or others.
            let style = pick(["same", "same", "other", "fewer", "more"])
            var refLabels = labels
            switch style {
            case "other": refLabels = labels.map { $0 == 0 ? 1 : 0 }
            case "fewer": refLabels = Array(labels.dropLast(int(1...2)))
            case "more": refLabels = labels + [0, 1].prefix(int(1...2))
            default: break
            }
            let offset: Int? = pick([nil, 0, 0, 0, 1, -1])
            notes.append("refs[the embeddings, \(style) labels \(refLabels)] selfOffset[\(offset.map(String.init) ?? "nil")]")
            return (embeddings, refLabels, offset, true)
        }
        if embeddings.rank == 2 && labels.count == n && chance(0.5) {
            // The batch inside a larger memory: [before, batch, after].
            let (before, after) = (int(0...12), int(0...12))
            let head = matrix(before, d, "before", badRank: false), tail = matrix(after, d, "after", badRank: false)
            let rows = try! Tensor<S>(shape: [before + n + after, d], scalars: head.scalars + embeddings.scalars + tail.scalars)
            let refLabels = self.labels(before, "beforeLabels", pool: labels) + labels + self.labels(after, "afterLabels", pool: labels)
            var offset: Int? = before
            if chance(0.2) { offset = pick([-1, before + after + 1, before + n + after, Int.max, Int.min, Int.max - n]) }
            notes.append("selfOffset[\(offset.map(String.init) ?? "nil")]")
            return (rows, refLabels, offset, false)
        }
        let m = batchSize()
        let width = chance(0.12) ? pick([d + 1, max(0, d - 1), 0]) : d
        let rows = matrix(m, width, "refs")
        let refLabels = self.labels(m, "refLabels", pool: labels.isEmpty ? [0, 1] : labels)
        var offset: Int? = nil
        if chance(0.2) { offset = pick([0, int(0...max(0, m - n)), -1, m, Int.max, Int.min]) }
        notes.append("selfOffset[\(offset.map(String.init) ?? "nil")]")
        return (rows, refLabels, offset, false)
    }

    // MARK: - Checks of what was drawn

    /// True when `tensor` is a matrix with at least one row and one column, of finite entries.
    static func isGoodMatrix(_ tensor: Tensor<S>) -> Bool {
        tensor.rank == 2 && tensor.shape[0] > 0 && tensor.shape[1] > 0 && tensor.isFinite
    }

    /// True when every index of `tuples` is an anchor in `0..<n` or a reference in `0..<m`.
    static func tuplesFit(_ tuples: MinedTuples?, anchors n: Int, references m: Int) -> Bool {
        guard let tuples else { return true }
        func fits(_ i: Int32, _ limit: Int) -> Bool { i >= 0 && Int(i) < limit }
        switch tuples {
        case .pairs(let p, let q): return (p + q).allSatisfy { fits($0.anchor, n) && fits($0.other, m) }
        case .triplets(let t): return t.allSatisfy { fits($0.anchor, n) && fits($0.positive, m) && fits($0.negative, m) }
        }
    }

    /// The largest magnitude among the finite entries of `tensors` (0 when there are none).
    static func largestMagnitude(_ tensors: [Tensor<S>]) -> Double {
        tensors.lazy.flatMap(\.scalars).filter(\.isFinite).reduce(0) { max($0, Double(abs($1))) }
    }

    /// The smallest non-zero magnitude among the finite entries of `tensors` (∞ when there are none).
    static func smallestMagnitude(_ tensors: [Tensor<S>]) -> Double {
        tensors.lazy.flatMap(\.scalars).filter { $0.isFinite && $0 != 0 }.reduce(Double.infinity) { min($0, Double(abs($1))) }
    }

    /// A tensor in full, for `--only`.
    static func dump(_ name: String, _ tensor: Tensor<S>) -> String {
        "\(name) shape \(tensor.shape): [\(tensor.scalars.map { "\($0)" }.joined(separator: ", "))]"
    }
}

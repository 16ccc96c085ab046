import MetricLearning

/// Mined tuples compared with expected ones as sets (order does not matter), as the
/// reference fixtures require, and by count, so a repeated tuple does not go unnoticed.
///
/// Pairs are compared positive with positive and negative with negative. When one side
/// holds pairs and the other triplets, the kinds differ and nothing else is compared.
///
/// ```swift
/// let diff = MinedTuplesComparison(actual: try miner.mine(c.embeddings, labels: c.labels!), expected: c.mined!)
/// diff.isMatch     // true when the sets are equal
/// diff.missing     // expected tuples the miner did not return
/// diff.unexpected  // tuples the miner returned that PML did not
/// ```
public struct MinedTuplesComparison: Sendable, Equatable, CustomStringConvertible {
    /// The actual tuples.
    public var actual: MinedTuples
    /// The expected tuples.
    public var expected: MinedTuples
    /// Expected tuples absent from `actual`, of the expected kind, sorted (empty when the kinds differ).
    public var missing: MinedTuples
    /// Actual tuples absent from `expected`, of the actual kind, sorted (empty when the kinds differ).
    public var unexpected: MinedTuples

    /// Compares `actual` with `expected` as sets.
    ///
    /// - Complexity: O(n log n) in the number of tuples.
    public init(actual: MinedTuples, expected: MinedTuples) {
        (self.actual, self.expected) = (actual, expected)
        switch (actual, expected) {
        case (.triplets(let a), .triplets(let e)):
            missing = .triplets(Self.sorted(Set(e).subtracting(a)))
            unexpected = .triplets(Self.sorted(Set(a).subtracting(e)))
        case (.pairs(let ap, let an), .pairs(let ep, let en)):
            missing = .pairs(positive: Self.sorted(Set(ep).subtracting(ap)), negative: Self.sorted(Set(en).subtracting(an)))
            unexpected = .pairs(positive: Self.sorted(Set(ap).subtracting(ep)), negative: Self.sorted(Set(an).subtracting(en)))
        case (.pairs, _):
            missing = .triplets([])
            unexpected = .pairs(positive: [], negative: [])
        case (.triplets, _):
            missing = .pairs(positive: [], negative: [])
            unexpected = .triplets([])
        }
    }

    /// True when both hold the same kind of tuples.
    public var kindsMatch: Bool {
        switch (actual, expected) {
        case (.pairs, .pairs), (.triplets, .triplets): return true
        default: return false
        }
    }

    /// True when both hold as many tuples of each kind (positive and negative pairs counted apart).
    public var countsMatch: Bool {
        switch (actual, expected) {
        case (.pairs(let ap, let an), .pairs(let ep, let en)): return ap.count == ep.count && an.count == en.count
        default: return actual.count == expected.count
        }
    }

    /// True when the kinds agree, the sets are equal and so are the counts.
    public var isMatch: Bool { kindsMatch && missing.isEmpty && unexpected.isEmpty && countsMatch }

    /// One line: whether the tuples match, else the counts and a sample of what is missing and unexpected.
    public var description: String {
        func kind(_ t: MinedTuples) -> String {
            if case .pairs = t { return "pairs" }
            return "triplets"
        }
        func list(_ t: MinedTuples) -> String {
            switch t {
            case .triplets(let x): return Self.sample(x)
            case .pairs(let p, let n): return "positive \(Self.sample(p)), negative \(Self.sample(n))"
            }
        }
        guard kindsMatch else { return "mined \(kind(actual)) where \(kind(expected)) were expected" }
        if isMatch { return "the mined \(kind(actual)) match (\(expected.count))" }
        if missing.isEmpty && unexpected.isEmpty {
            return "mined \(kind(actual)) are the expected set but \(actual.count) where \(expected.count) were expected (repeats)"
        }
        return "mined \(kind(actual)) differ: \(actual.count) mined, \(expected.count) expected; "
            + "missing \(missing.count): \(list(missing)); unexpected \(unexpected.count): \(list(unexpected))"
    }

    private static func sample<T: CustomStringConvertible>(_ items: [T]) -> String {
        let shown = items.prefix(8).map(\.description).joined(separator: ", ")
        return "[" + shown + (items.count > 8 ? ", … (\(items.count - 8) more)" : "") + "]"
    }

    private static func sorted(_ s: Set<IndexPair>) -> [IndexPair] {
        s.sorted { ($0.anchor, $0.other) < ($1.anchor, $1.other) }
    }

    private static func sorted(_ s: Set<IndexTriplet>) -> [IndexTriplet] {
        s.sorted { ($0.anchor, $0.positive, $0.negative) < ($1.anchor, $1.positive, $1.negative) }
    }
}

import TensorCore

/// A loss's terms with what a reducer may weigh them by: PML's loss dictionary entry (its
/// `losses`, `indices` and `reduction_type`, the batch's labels and the sub-loss's name).
///
/// `values` is the rank-1 vector of terms. Term t belongs to anchor `anchors[t]`, a row of
/// the batch: the anchor of a pair or triplet, or the element itself. Pairs also name
/// their other row (`others[t]`, in the references). `labels` are the batch's labels, so
/// `labels[anchors[t]]` is the class of term t. `name` is the sub-loss as PML names it
/// (`"loss"`; `"pos_loss"` and `"neg_loss"` for the two sides of a contrastive loss), which
/// `MultipleReducers` chooses by. `divisor` is what a loss asks `DivisorReducer` to divide
/// the sum by (PML's `divisor` entry), nil where the loss gives none.
///
/// A reducer that reads `anchors` or `labels` must not trust them: terms built by hand may
/// disagree in length or index outside the labels (see `checkedAnchors(needsLabels:)`).
public struct LossTerms<Scalar: TensorScalar>: Sendable {
    /// What each term is over (PML's `reduction_type`).
    public enum Kind: Sendable, Hashable {
        /// One term per element of the batch (or per anchor row), PML's `"element"`.
        case element
        /// One term per positive pair (anchor, other), PML's `"pos_pair"`.
        case positivePair
        /// One term per negative pair (anchor, other), PML's `"neg_pair"`.
        case negativePair
        /// One term per triplet (anchor, positive, negative), PML's `"triplet"`.
        case triplet
    }

    /// Where the anchors (and the pairs' other rows) come from; listed only when read.
    enum Indices: Sendable {
        case elements
        case pairs([IndexPair])
        case triplets([IndexTriplet])
        case positivePairs(ReferencePairing)
        case listed(anchors: [Int32], others: [Int32])
    }

    /// The terms, a rank-1 variable.
    public var values: Variable<Scalar>
    /// What each term is over.
    public var kind: Kind
    /// The batch's labels (empty when the terms come without them).
    public var labels: [Int]
    /// The sub-loss's name, as PML names it (`"loss"` unless the loss has several).
    public var name: String
    /// What `DivisorReducer` divides the sum by, where the loss gives it (PML's `divisor`).
    public var divisor: Scalar?
    var indices: Indices

    /// Terms with their anchors (and, for pairs, the other rows) listed.
    public init(
        _ values: Variable<Scalar>, kind: Kind, anchors: [Int32], others: [Int32] = [],
        labels: [Int] = [], name: String = "loss", divisor: Scalar? = nil
    ) {
        self.init(values, kind: kind, indices: .listed(anchors: anchors, others: others), labels: labels, name: name, divisor: divisor)
    }

    /// One term per element: term t belongs to row t.
    public init(elements values: Variable<Scalar>, labels: [Int] = [], name: String = "loss", divisor: Scalar? = nil) {
        self.init(values, kind: .element, indices: .elements, labels: labels, name: name, divisor: divisor)
    }

    /// One term per pair, of the given kind (`.positivePair` or `.negativePair`).
    public init(_ values: Variable<Scalar>, pairs: [IndexPair], kind: Kind, labels: [Int], name: String = "loss") {
        self.init(values, kind: kind, indices: .pairs(pairs), labels: labels, name: name, divisor: nil)
    }

    /// One term per triplet.
    public init(_ values: Variable<Scalar>, triplets: [IndexTriplet], labels: [Int], name: String = "loss") {
        self.init(values, kind: .triplet, indices: .triplets(triplets), labels: labels, name: name, divisor: nil)
    }

    init(_ values: Variable<Scalar>, kind: Kind, indices: Indices, labels: [Int], name: String, divisor: Scalar?) {
        (self.values, self.kind, self.indices, self.labels, self.name, self.divisor) = (values, kind, indices, labels, name, divisor)
    }

    /// The number of terms.
    public var count: Int { values.value.count }

    /// Each term's anchor row (the element's own row for `.element` terms); listed on each read.
    public var anchors: [Int32] {
        switch indices {
        case .elements: return (0..<count).map { Int32(truncatingIfNeeded: $0) }
        case .pairs(let pairs): return pairs.map(\.anchor)
        case .triplets(let triplets): return triplets.map(\.anchor)
        case .positivePairs(let pairing): return pairing.positivePairs().positive.map(\.anchor)
        case .listed(let anchors, _): return anchors
        }
    }

    /// Each pair's other row (empty for elements and triplets); listed on each read.
    public var others: [Int32] {
        switch indices {
        case .elements, .triplets: return []
        case .pairs(let pairs): return pairs.map(\.other)
        case .positivePairs(let pairing): return pairing.positivePairs().positive.map(\.other)
        case .listed(_, let others): return others
        }
    }

    /// The number of rows in the batch: the number of labels, or without labels one more
    /// than the largest anchor (the number of terms for elements).
    public var batchSize: Int {
        if !labels.isEmpty { return labels.count }
        if case .elements = indices { return count }
        return anchors.max().map { Int($0) + 1 } ?? 0
    }

    /// The anchors as `Int`, after checking that there is one per term, each in
    /// `0..<batchSize`, with a label when `needsLabels` (pairs also need one other row each).
    /// - Throws: `MetricLearningError.Kind.invalidTuples` naming the disagreement, or
    ///   `invalidLabels` when labels are needed and missing.
    public func checkedAnchors(needsLabels: Bool) throws -> [Int] {
        let anchors = anchors, n = batchSize
        guard anchors.count == count else {
            throw MetricLearningError(.invalidTuples, "\(count) loss terms \"\(name)\" but \(anchors.count) anchors")
        }
        if kind == .positivePair || kind == .negativePair, others.count != count {
            throw MetricLearningError(.invalidTuples, "\(count) pair terms \"\(name)\" but \(others.count) other rows")
        }
        if needsLabels && labels.isEmpty && count > 0 {
            throw MetricLearningError(.invalidLabels, "loss terms \"\(name)\" carry no labels: the reducer weighs terms by class")
        }
        if let bad = anchors.first(where: { $0 < 0 || Int($0) >= n }) {
            throw MetricLearningError(.invalidTuples, "anchor \(bad) of loss terms \"\(name)\" is out of range for a batch of \(n)")
        }
        return anchors.map(Int.init)
    }

    /// A result that carries `error` (thrown by `checked()` or `valueWithGradient`): how a
    /// reducer, which cannot throw, reports terms or settings it cannot reduce.
    public func failure(_ error: any Error) -> Variable<Scalar> {
        Variable.record([values]) { throw error }
    }
}

import MetricLearning
import MetricLearningRegistry

/// A hostile batch for a metric loss or a miner: embeddings and labels, against themselves
/// or against references (that may contain the batch at `selfOffset`).
struct MetricBatch<S: TensorScalar> {
    /// Separate references, their labels and where the batch sits among them.
    struct References {
        var tensor: Tensor<S>
        var labels: [Int]
        var selfOffset: Int?
        /// The references are the embeddings' own tensor (one variable in a loss).
        var isEmbeddings: Bool
    }

    /// The anchors (any shape: bad ones included).
    var embeddings: Tensor<S>
    /// The anchors' labels (any count).
    var labels: [Int]
    /// Separate references, or nil for the batch against itself.
    var references: References?

    /// Draws a batch; with probability `separate`, one against references. With
    /// `balanced` (a loss that needs equal class counts), the labels are mostly such.
    init(_ gen: inout HostileInputs<S>, separate: Double, balanced: Bool = false) {
        let n = gen.batchSize(), d = gen.width()
        embeddings = gen.matrix(n, d, "emb")
        labels = gen.labels(n, "labels")
        if balanced && gen.chance(0.7) {
            // m items of each of n/m classes, shuffled, m a divisor of the label count.
            let count = labels.count, m = gen.pick((1...max(1, count)).filter { count % $0 == 0 })
            labels = (0..<count).map { $0 / m }
            labels.shuffle(using: &gen.rng)
            gen.notes.append("balanced[\(m) per class]")
        }
        if gen.chance(separate) {
            let (tensor, labels, offset, isEmbeddings) = gen.references(for: embeddings, labels: labels)
            references = References(tensor: tensor, labels: labels, selfOffset: offset, isEmbeddings: isEmbeddings)
        }
    }

    /// The batch with every embedding and reference multiplied by `factor`.
    func scaled(by factor: S) -> MetricBatch {
        var copy = self
        copy.embeddings = embeddings * factor
        copy.references?.tensor = references.map { $0.isEmbeddings ? copy.embeddings : $0.tensor * factor } ?? copy.embeddings
        return copy
    }

    /// N: the anchors' rows (0 for a tensor that is not a matrix).
    var anchorCount: Int { embeddings.rank == 2 ? embeddings.shape[0] : 0 }
    /// M: the references' rows.
    var referenceCount: Int {
        guard let references else { return anchorCount }
        return references.tensor.rank == 2 ? references.tensor.shape[0] : 0
    }
    /// The references' labels.
    var referenceLabels: [Int] { references?.labels ?? labels }
    /// Where anchor 0's own copy is among the references.
    var selfOffset: Int? { references == nil ? 0 : references!.selfOffset }
    /// True when the references are not the batch itself (one variable under its own labels
    /// at offset 0): a loss that compares a batch with itself only must refuse them.
    var hasSeparateReferences: Bool {
        guard let references else { return false }
        return !(references.isEmbeddings && references.selfOffset == 0 && references.labels == labels)
    }
    /// Every floating-point input.
    var tensors: [Tensor<S>] { [embeddings] + (references.map { $0.isEmbeddings ? [] : [$0.tensor] } ?? []) }

    /// True when the design calls the batch valid: matrices of finite values with rows and
    /// columns, as many labels as rows, equal widths and a `selfOffset` that places the batch
    /// inside the references. (Labels may be anything; the references need not really
    /// contain the batch.)
    var isValid: Bool {
        guard HostileInputs<S>.isGoodMatrix(embeddings), labels.count == anchorCount else { return false }
        guard let references else { return true }
        let (n, m) = (anchorCount, referenceCount)
        guard HostileInputs<S>.isGoodMatrix(references.tensor), references.labels.count == m,
              references.tensor.shape[1] == embeddings.shape[1] else { return false }
        if let offset = references.selfOffset { return offset >= 0 && offset <= m - n }
        return true
    }

    /// True when the batch can be read as packaged triplets (a miner with the `readsLayout`
    /// trait): a multiple of 3 rows, and references that contain the batch or have at least
    /// as many rows.
    var holdsPackagedTriplets: Bool {
        anchorCount % 3 == 0 && (references?.selfOffset != nil || referenceCount >= anchorCount)
    }

    /// Whether `entry` must accept this batch: a valid batch that, for a miner reading the
    /// layout, holds packaged triplets.
    func isValid(for entry: RegistryEntry<any Miner<S>>) -> Bool {
        isValid && (!entry.traits.contains(.readsLayout) || holdsPackagedTriplets)
    }

    /// The batch as inputs of loss `f`, with `e` and `r` the (tracked) embeddings and references.
    func inputs(_ e: Variable<S>, _ r: Variable<S>?) -> BatchInputs<S> {
        guard let references, let r else { return BatchInputs(embeddings: e, labels: labels) }
        return BatchInputs(embeddings: e, labels: labels, references: r, referenceLabels: references.labels, selfOffset: references.selfOffset)
    }

    /// The batch of plain tensors, for miners.
    var tensorInputs: BatchInputs<S> {
        guard let references else { return BatchInputs(embeddings: embeddings, labels: labels) }
        return BatchInputs(embeddings: embeddings, labels: labels, references: references.tensor,
                           referenceLabels: references.labels, selfOffset: references.selfOffset)
    }

    /// The value of `f` and its gradients with respect to the embeddings (and the references,
    /// unless they are the embeddings: then one variable is both).
    func valueWithGradients(_ f: (BatchInputs<S>) throws -> Variable<S>) throws -> (value: S, gradients: [Tensor<S>]) {
        if references == nil || references!.isEmbeddings {
            let (value, gradient) = try valueWithGradient(at: embeddings) { try f(inputs($0, references == nil ? nil : $0)) }
            return (value, [gradient])
        }
        let (value, gradients) = try valueWithGradient(at: tensors) { try f(inputs($0[0], $0[1])) }
        return (value, gradients)
    }

    /// `.nonFinite` problems of a value and its gradients.
    static func finiteness(_ value: S, _ gradients: [Tensor<S>]) -> [FuzzOutcome] {
        (value.isFinite ? [] : [.nonFinite("the value is \(value)")])
            + gradients.indices.filter { !gradients[$0].isFinite }.map { .nonFinite("gradient \($0) is not finite") }
    }

    /// The tuples' problems, if `tuples` mined from this (valid) batch index outside it, pair
    /// an anchor with its own copy, or (unless `labelled` is false: a miner that reads the
    /// layout) pair labels the wrong way.
    func problems(of tuples: MinedTuples, labelled: Bool = true) -> [FuzzOutcome] {
        let (n, m, refs) = (anchorCount, referenceCount, referenceLabels)
        let offset = selfOffset
        func check(_ a: Int32, _ o: Int32, positive: Bool) -> String? {
            guard a >= 0 && Int(a) < n && o >= 0 && Int(o) < m else { return "(\(a), \(o)) is outside \(n) anchors × \(m) references" }
            let (i, j) = (Int(a), Int(o))
            if labelled && positive && labels[i] != refs[j] { return "positive (\(a), \(o)) has labels \(labels[i]) and \(refs[j])" }
            if positive, let offset, j == offset + i { return "positive (\(a), \(o)) pairs the anchor with its own copy" }
            if labelled && !positive && labels[i] == refs[j] { return "negative (\(a), \(o)) has the same label \(labels[i])" }
            return nil
        }
        var found: [String] = []
        switch tuples {
        case .pairs(let p, let q):
            found = p.compactMap { check($0.anchor, $0.other, positive: true) } + q.compactMap { check($0.anchor, $0.other, positive: false) }
        case .triplets(let t):
            found = t.compactMap { check($0.anchor, $0.positive, positive: true) ?? check($0.anchor, $0.negative, positive: false) }
        }
        return found.isEmpty ? [] : [.invalidTuples("\(found.count) of \(tuples.count) tuples: \(found.prefix(3).joined(separator: "; "))")]
    }

    /// The inputs in full, for `--only`.
    var dumps: [String] {
        var lines = [HostileInputs<S>.dump("embeddings", embeddings), "labels \(labels)"]
        if let references {
            lines += [references.isEmbeddings ? "references: the embeddings" : HostileInputs<S>.dump("references", references.tensor),
                      "referenceLabels \(references.labels)",
                      "selfOffset \(references.selfOffset.map(String.init) ?? "nil")"]
        }
        return lines
    }
}

import TensorCore

/// How a classifier loss lays out its one parameter (PML's layouts), and the checks of a
/// batch against it at the public boundary.
@usableFromInline enum ClassifierParameterLayout: Sendable {
    /// One row per class, `[classCount, embeddingSize]`: PML's `proxies` (ProxyNCA,
    /// ProxyAnchor, Manifold).
    case rows(name: String)
    /// `perClass` columns per class, `[embeddingSize, classCount·perClass]`, class c's
    /// columns c·perClass..<(c + 1)·perClass: PML's `fc` of SoftTriple, `weight` of P2SGrad.
    case columns(name: String, perClass: Int)

    /// Validates embeddings, the parameter and labels in `0..<classCount`; returns batch
    /// size, width and class count.
    /// - Throws: `MetricLearningError` for a bad batch, a parameter whose shape does not
    ///   fit, a label outside the classes, or a non-finite parameter entry.
    @discardableResult
    @usableFromInline func check<Scalar: TensorScalar>(
        _ embeddings: Variable<Scalar>, _ parameter: Variable<Scalar>, labels: [Int]
    ) throws -> (count: Int, width: Int, classes: Int) {
        let (n, d) = try BatchValidation.check(embeddings, labels: labels)
        let w = try parameter.checked().value
        let (name, expected, fits, classes): (String, String, Bool, Int)
        switch self {
        case .rows(let label):
            (name, expected) = (label, "[classCount, embeddingSize] = [C ≥ 1, \(d)]")
            fits = w.rank == 2 && w.shape[0] > 0 && w.shape[1] == d
            classes = fits ? w.shape[0] : 0
        case .columns(let label, let k):
            (name, expected) = (label, k == 1 ? "[embeddingSize, classCount] = [\(d), C ≥ 1]" : "[embeddingSize, classCount·\(k)] = [\(d), C·\(k) ≥ \(k)]")
            fits = w.rank == 2 && w.shape[0] == d && w.shape[1] > 0 && w.shape[1] % k == 0
            classes = fits ? w.shape[1] / k : 0
        }
        guard fits else { throw MetricLearningError(.shapeMismatch, "\(name) must be \(expected), got shape \(w.shape)") }
        if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
            throw MetricLearningError(.invalidLabels, "label \(bad) is outside 0..<\(classes) (\(name) for \(classes) classes)")
        }
        let columns = w.shape[1]
        if let bad = w.storage.withUnsafeBufferPointer({ Reductions.firstNonFinite($0.baseAddress!, $0.count) }) {
            throw MetricLearningError(.nonFiniteInput, "weight [\(bad / columns), \(bad % columns)] of the \(name) is \(w.scalars[bad]); it must be finite")
        }
        return (n, d, classes)
    }
}

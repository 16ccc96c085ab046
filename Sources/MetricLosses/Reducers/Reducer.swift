import TensorCore

/// Turns a vector of per-tuple (or per-sample) loss terms into one scalar.
///
/// An empty vector of terms reduces to 0 with a zero gradient, never NaN.
public protocol Reducer<Scalar>: Sendable {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// The scalar loss from a rank-1 vector of terms.
    func reduce(_ terms: Variable<Scalar>) -> Variable<Scalar>
    /// How this reducer divides the sum of the terms, when it is one a fused loss path can
    /// reproduce without the terms (see `TermReduction`); nil (the default) otherwise.
    var termReduction: TermReduction? { get }
}

extension Reducer {
    /// No reduction a fused path can reproduce: losses list their terms.
    public var termReduction: TermReduction? { nil }
}

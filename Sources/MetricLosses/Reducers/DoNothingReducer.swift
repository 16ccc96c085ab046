import TensorCore

/// Leaves the terms unreduced for you to inspect or reduce yourself: PML's `DoNothingReducer`.
///
/// PML's returns the loss dictionary instead of a number. A Swift loss must return a scalar,
/// so this reducer returns the plain sum of the terms (gradients flow, and fused paths never
/// replace the terms), and hands the terms themselves, with their context, to
/// `recording(_:)`:
///
/// ```swift
/// let loss = ContrastiveLoss<Double>(reducer: DoNothingReducer())
/// let (value, gradient) = try valueWithGradient(at: embeddings) { x in
///     let (_, terms) = try DoNothingReducer<Double>.recording { try loss(x, labels: labels) }
///     // terms[0] is "pos_loss" (positive pairs), terms[1] "neg_loss" (negative pairs):
///     // their values are on this tape, so any reduction of them differentiates.
///     return terms[0].values.max() + terms[1].values.mean()
/// }
/// ```
///
/// To reduce by a rule of your own in every call, conform to `Reducer` instead: it gets
/// the same `LossTerms`.
public struct DoNothingReducer<Scalar: TensorScalar>: Reducer, Codable {
    /// Creates the reducer.
    public init() {}

    /// The sum of the terms; inside `recording(_:)` the terms are also recorded.
    public func reduce(_ terms: LossTerms<Scalar>) -> Variable<Scalar> {
        TermsRecording.current?.append(terms)
        return terms.values.sum()
    }

    /// Runs `body` and returns its result with the terms every `DoNothingReducer` of this
    /// scalar type reduced during it, in order (the innermost recording takes them when
    /// recordings nest). Outside a recording the reducer records nothing.
    public static func recording<Result>(_ body: () throws -> Result) rethrows -> (result: Result, terms: [LossTerms<Scalar>]) {
        let recording = TermsRecording()
        let result = try TermsRecording.$current.withValue(recording, operation: body)
        return (result, recording.terms.compactMap { $0 as? LossTerms<Scalar> })
    }
}

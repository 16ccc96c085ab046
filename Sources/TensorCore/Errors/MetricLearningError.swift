/// Every error the library throws: bad input named with its values.
///
/// Degenerate but valid input (an empty set of tuples, one class, zero vectors)
/// is not an error; it yields finite values.
public struct MetricLearningError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The broad kind of problem, for programmatic handling.
    public enum Kind: String, Sendable {
        /// A shape that does not match the scalars, or shapes that do not fit an operation.
        case shapeMismatch
        /// Labels that do not fit the batch or the class count.
        case invalidLabels
        /// Mined indices that point outside the batch.
        case invalidTuples
        /// NaN or infinity where finite numbers are required.
        case nonFiniteInput
        /// A hyperparameter outside its allowed range.
        case invalidParameter
        /// An empty input where at least one element is required.
        case emptyInput
        /// A differentiated function that did not return a scalar, or mixed computations.
        case invalidDifferentiation
        /// A value or gradient too large for the scalar type although every input was finite
        /// (squared distances of `Float` embeddings near 1e19, say).
        case overflow
    }

    /// The kind of problem.
    public let kind: Kind
    /// A sentence naming the problem and the offending values.
    public let message: String

    /// Creates an error of `kind` with a message naming the values.
    public init(_ kind: Kind, _ message: String) {
        (self.kind, self.message) = (kind, message)
    }

    public var description: String { "MetricLearningError.\(kind.rawValue): \(message)" }
}

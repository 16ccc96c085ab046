import MetricLearning

/// What one call did: fine (a result, a named bad input, a named overflow) or a defect.
enum FuzzOutcome {
    /// Returned, with finite results (or, from a component without input checks, whatever
    /// non-finite input gave).
    case passed
    /// Threw a `MetricLearningError` for input the fuzzer made bad.
    case rejected(MetricLearningError)
    /// Threw `MetricLearningError.overflow` for finite input too large for the scalar type.
    case overflow(MetricLearningError)
    /// Threw `MetricLearningError.overflow` for large input although the result does not grow
    /// with the input: the same call on the inputs scaled down by powers of two gives one
    /// finite value at three scales. Not counted as a defect (an overflow is named, as the
    /// policy allows) but reported: the design promises finite results at any magnitude.
    case suspectOverflow(MetricLearningError, String)
    /// Returned a finite value for huge input that differs from the one value the call
    /// gives at three moderate scales of the same input (powers of two, exact): a
    /// scale-invariant result that the input's magnitude changed (a norm that under- or
    /// overflowed, say). Reported, not counted as a defect: the result is finite.
    case scaleVariant(String)

    /// Threw an error that is not a `MetricLearningError`.
    case otherError(any Error)
    /// Returned a NaN or ∞ value or gradient although every input was finite.
    case nonFinite(String)
    /// Threw `.overflow` although every input was of moderate size (|x| ≤ 1e3): a NaN or ∞
    /// no range limit explains.
    case spuriousOverflow(MetricLearningError)
    /// Threw a `MetricLearningError` for input that is valid (the design promises a finite result).
    case refusedValid(MetricLearningError)
    /// Returned without complaint for input that is bad (the design promises a named error).
    case acceptedBad(String)
    /// A miner returned tuples outside the batch, or pairing labels the wrong way.
    case invalidTuples(String)
    /// One loss computed two ways that must agree, with different values: the fused
    /// mine-and-reduce path and mining then reducing, or the embeddings as their own
    /// references (one variable) and a copy of them.
    case mismatch(String)

    /// True for the outcomes that are defects of the library.
    var isDefect: Bool {
        switch self {
        case .passed, .rejected, .overflow, .suspectOverflow, .scaleVariant: false
        default: true
        }
    }

    /// A short name for summaries.
    var category: String {
        switch self {
        case .passed: "passed"
        case .rejected: "rejected"
        case .overflow: "overflow"
        case .suspectOverflow: "suspect overflow"
        case .scaleVariant: "scale-variant"
        case .otherError: "other error"
        case .nonFinite: "non-finite"
        case .spuriousOverflow: "spurious overflow"
        case .refusedValid: "refused valid"
        case .acceptedBad: "accepted bad"
        case .invalidTuples: "invalid tuples"
        case .mismatch: "mismatch"
        }
    }

    /// The details: the error's message or what was wrong.
    var detail: String {
        switch self {
        case .passed: ""
        case .rejected(let e), .overflow(let e), .spuriousOverflow(let e), .refusedValid(let e): e.description
        case .suspectOverflow(let e, let why): "\(e.description) [\(why)]"
        case .otherError(let e): "\(type(of: e)): \(e)"
        case .nonFinite(let s), .acceptedBad(let s), .invalidTuples(let s), .mismatch(let s), .scaleVariant(let s): s
        }
    }
}

extension FuzzOutcome {
    /// True for the outcomes reported for a look although they are not defects.
    var isSuspect: Bool {
        switch self {
        case .suspectOverflow, .scaleVariant: true
        default: false
        }
    }
}

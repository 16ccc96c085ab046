import Dispatch

/// The terms `DoNothingReducer` hands over during one `recording(_:)` call.
final class TermsRecording: @unchecked Sendable {
    /// The recording in progress on this task, if any.
    @TaskLocal static var current: TermsRecording?

    private let queue = DispatchQueue(label: "MetricLosses.TermsRecording")
    private var recorded: [any Sendable] = []

    /// Records one set of terms (of either scalar type).
    func append(_ terms: any Sendable) { queue.sync { recorded.append(terms) } }

    /// Everything recorded so far, in order.
    var terms: [any Sendable] { queue.sync { recorded } }
}

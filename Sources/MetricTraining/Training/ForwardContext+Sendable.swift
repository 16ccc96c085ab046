/// A context is a mutable random stream shared by reference: one per task, never shared
/// between tasks (see `ForwardContext`).
@available(*, unavailable)
extension ForwardContext: Sendable {}

import TensorCore

/// What a forward pass needs besides parameters: the mode, and the random stream of dropout.
///
/// Not `Sendable`: it is one mutable random stream, shared by reference by the passes that use
/// it, so that successive passes draw successive dropout masks. Tasks that train concurrently
/// each make their own context (with their own seed); their masks then do not depend on how
/// the tasks are scheduled.
public final class ForwardContext {
    /// Training mode: batch statistics in batch norm (which then updates its running ones),
    /// active dropout.
    public var isTraining: Bool
    /// The random stream dropout draws from.
    public var generator: SeededRandomGenerator

    /// Creates a context.
    public init(isTraining: Bool, seed: UInt64 = 0) {
        self.isTraining = isTraining
        self.generator = SeededRandomGenerator(seed: seed)
    }
}

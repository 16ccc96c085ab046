import TensorCore

/// What a forward pass needs besides parameters: the mode, and the random stream of dropout.
public final class ForwardContext {
    /// Training mode: batch statistics in batch norm, active dropout.
    public var isTraining: Bool
    /// The random stream dropout draws from.
    public var generator: SeededRandomGenerator

    /// Creates a context.
    public init(isTraining: Bool, seed: UInt64 = 0) {
        self.isTraining = isTraining
        self.generator = SeededRandomGenerator(seed: seed)
    }
}

/// Scalars a forward pass leaves for its pullback to take over and rewrite in place (for
/// example exponentials that become the gradient), so neither a copy nor a second buffer
/// is needed. `take()` hands them over once; a second call gets nil.
@usableFromInline package final class PullbackBuffer<Scalar: TensorScalar> {
    @usableFromInline package var scalars: [Scalar]?

    @usableFromInline package init(_ scalars: [Scalar]) { self.scalars = scalars }

    /// The scalars, now owned by the caller alone.
    @usableFromInline package func take() -> [Scalar]? {
        defer { scalars = nil }
        return scalars
    }
}

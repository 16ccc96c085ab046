import MetricLearning

/// A learnable parameter of a catalogue case (a class-weight matrix or the proxies), in
/// PML's layout: its value as the loss used it and the expected gradient of the loss.
///
/// ```swift
/// let w = referenceCase.parameter(named: "W")!   // ArcFace: [embeddingSize, classes]
/// w.value.shape == w.shape                        // true (checked when decoding)
/// ```
public struct ReferenceParameter: Sendable, Equatable {
    /// PML's attribute name, e.g. `"W"`, `"proxies"`, `"fc"`, `"weight"`.
    public var name: String
    /// The declared shape.
    public var shape: [Int]
    /// The value the loss was computed with.
    public var value: Tensor<Double>
    /// The expected gradient of the loss with respect to the value.
    public var gradient: Tensor<Double>

    /// A parameter from its parts.
    public init(name: String, shape: [Int], value: Tensor<Double>, gradient: Tensor<Double>) {
        (self.name, self.shape, self.value, self.gradient) = (name, shape, value, gradient)
    }
}

/// The PML objects a catalogue case was computed with: its loss, and its miner for mined cases.
///
/// ```swift
/// let pml = referenceCase.pml!
/// pml.loss.className     // "TripletMarginLoss"
/// pml.miner?.className   // "AngularMiner", or nil when nothing was mined
/// ```
public struct PMLConfiguration: Sendable, Hashable, Decodable {
    /// The loss (or regularizer, distance, reducer wrapper) that gave the value and gradients.
    public var loss: PMLObject
    /// The miner whose output was given to the loss, in mined cases.
    public var miner: PMLObject?

    /// A configuration from its objects.
    public init(loss: PMLObject, miner: PMLObject? = nil) {
        (self.loss, self.miner) = (loss, miner)
    }
}

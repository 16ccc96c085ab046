/// A register tile that keeps A packed as scalars, broadcasting each as it multiplies, and
/// streams B's panels past a panel of A held in L1 (the `FusedMultiplyAdd` trait's tiles).
protocol BroadcastingTile: MicroTile {}

extension BroadcastingTile {
    static var aLanes: Int { 1 }
    static var streamsB: Bool { true }
}

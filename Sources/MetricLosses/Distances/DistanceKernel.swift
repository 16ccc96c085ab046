/// The standard matrix a distance computes, for fast paths that share or fuse it.
///
/// A distance reports its kernel through `Distance.kernel`. Two distances with the same
/// kernel and the same `normalizesEmbeddings` compute the same matrix, so a miner and a
/// loss can share it; fast paths may also compute the kernel in their own way (squared
/// distances instead of roots, a Gram product). User-defined distances report nil (the
/// default) and are never assumed equal to another.
public enum DistanceKernel: Hashable, Sendable {
    /// ‖x − y‖, or ‖x − y‖² when `squared`.
    case euclidean(squared: Bool)
    /// ⟨x, y⟩ (cosine similarity when the rows are normalised).
    case dotProduct
}

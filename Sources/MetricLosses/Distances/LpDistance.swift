import TensorCore

/// The p-norm distance ‖x − y‖ₚ = (Σₖ |xₖ − yₖ|ᵖ)^(1/p), raised to `power`, by default between
/// rows normalised by their own p-norm.
///
/// PML's `LpDistance`: p = 2, power 1 and `normalizesEmbeddings` true by default, as there;
/// any finite p ≥ 1 and power > 0 (PML's `p`, `power`, `normalize_embeddings`). Rows are
/// normalised as PyTorch's `normalize(x, p)`, x / max(‖x‖ₚ, 1e-12). With p = 2 and power 1
/// or 2 it computes what `EuclideanDistance` computes and reports the same kernel, so fused
/// paths take it (PML's builder gives `EuclideanDistance` there).
///
/// The gradient at a zero distance is 0, as PyTorch's `cdist`, and so is that of dᵖᵒʷᵉʳ at 0
/// for a power below 1: duplicates and the diagonal never give NaN. Hyperparameters out of
/// range are an `invalidParameter` error carried by the matrix.
///
/// - Complexity: O(N·M·D); for p other than 1 and 2 one `pow` per element, forward and
///   backward. p = 2 takes the Euclidean kernels (one matrix product).
public struct LpDistance<Scalar: TensorScalar>: Distance, Codable {
    /// The exponent of the norm (PML's `p`).
    public let p: Scalar
    /// The exponent the norm is raised to (PML's `power`).
    public let power: Scalar
    /// Whether rows are divided by their p-norm before comparing (PML's `normalize_embeddings`).
    public let normalizesEmbeddings: Bool
    /// False: a larger distance is farther.
    public var isSimilarity: Bool { false }
    /// The Euclidean kernel for p = 2 with power 1 or 2; nil otherwise.
    public var kernel: DistanceKernel? { p == 2 && (power == 1 || power == 2) ? .euclidean(squared: power == 2) : nil }

    /// Creates the distance; the defaults are PML's.
    public init(p: Scalar = 2, power: Scalar = 1, normalizesEmbeddings: Bool = true) {
        (self.p, self.power, self.normalizesEmbeddings) = (p, power, normalizesEmbeddings)
    }

    /// Rows divided by their p-norm when `normalizesEmbeddings`, unchanged otherwise.
    public func prepare(_ x: Variable<Scalar>) -> Variable<Scalar> {
        normalizesEmbeddings ? x.normalizedRows(p: p) : x
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func pairwise(normalized x: Variable<Scalar>, _ y: Variable<Scalar>) -> Variable<Scalar> {
        p == 2 && power == 2 ? pairwiseSquaredDistances(x, y) : pairwiseLpDistances(x, y, p: p).raised(to: power)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func values(_ x: Variable<Scalar>, against y: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
        pairValues(x, against: y, rows: rows, columns: columns) {
            p == 2 && power == 2 ? pairSquaredDistances($0, $1, rows: rows, columns: columns)
                : pairLpDistances($0, $1, p: p, rows: rows, columns: columns).raised(to: power)
        }
    }
}

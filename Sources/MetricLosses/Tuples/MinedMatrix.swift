import Dispatch
import TensorCore

/// The matrix a miner mined from, handed on with its tuples so that the loss after it does
/// not compute the same matrix again (PML computes it twice: its issue #211).
///
/// It holds the values of a library distance (one that reports a `DistanceKernel`) of a
/// batch's embeddings against its references, and the two variables they came from. A loss
/// reads it through `BatchInputs.minedMatrix` (`matrix(_:)` and `values(_:rows:columns:)`
/// use it) only for those same variables and a distance that computes the same matrix — or,
/// from squared Euclidean distances, their square roots — where the loss would compute that
/// matrix itself, so that every value is bitwise the one it would compute. Pairs few enough
/// for the loss to compute one by one it still computes.
public struct MinedMatrix<Scalar: TensorScalar>: Sendable {
    /// The values, `[N, M]`, without a gradient.
    public var values: Tensor<Scalar> { stored.values }
    /// The values as the miner left them: a batch's matrix against itself may wait for its
    /// lower triangle until they are first read.
    private let stored: Values
    /// Which matrix they are.
    public let kernel: DistanceKernel
    /// True when the rows were L2-normalised before comparing.
    public let normalizesEmbeddings: Bool
    /// The anchors and references the values came from.
    let embeddings: Variable<Scalar>, references: Variable<Scalar>

    /// The matrix `values` that `distance` gave for `inputs` (`inputs.valueMatrix(distance)`);
    /// nil when `distance` reports no kernel, as then no loss can tell what it computed.
    public init?(_ values: Tensor<Scalar>, of distance: any Distance<Scalar>, inputs: BatchInputs<Scalar>) {
        self.init(values, of: distance, inputs: inputs, lowerTriangleLeftOut: false)
    }

    /// `init(_:of:inputs:)` for a square `values` whose strict lower triangle, with
    /// `lowerTriangleLeftOut`, is still to be filled with the mirror image of its upper one
    /// (`DistanceMatrixVisit`): filled when the values are first read.
    init?(_ values: Tensor<Scalar>, of distance: any Distance<Scalar>, inputs: BatchInputs<Scalar>, lowerTriangleLeftOut: Bool) {
        let (n, m) = (inputs.labels.count, inputs.referenceLabels.count)
        guard let kernel = distance.kernel, values.shape == [n, m], !lowerTriangleLeftOut || n == m else { return nil }
        (stored, self.kernel, normalizesEmbeddings) = (Values(values, lowerTriangleLeftOut: lowerTriangleLeftOut), kernel, distance.normalizesEmbeddings)
        (embeddings, references) = (inputs.embeddings, inputs.references)
    }

    /// Gives the values' storage back to `ScratchMemory`, for the next step's miner, without
    /// filling a lower triangle nobody read.
    func recycle() { stored.recycle() }

    /// The values, and whether their lower triangle is still to be mirrored from the upper one.
    private final class Values: @unchecked Sendable {
        /// Guards `tensor` and `pending`: a loss may read the values on several threads.
        private let queue = DispatchQueue(label: "MetricLosses.MinedMatrix")
        private var tensor: Tensor<Scalar>, pending: Bool

        init(_ tensor: Tensor<Scalar>, lowerTriangleLeftOut: Bool) { (self.tensor, pending) = (tensor, lowerTriangleLeftOut) }

        var values: Tensor<Scalar> {
            queue.sync {
                if pending {
                    DistanceMatrix.mirrorUpperTriangle(&tensor.storage, count: tensor.shape[0])
                    pending = false
                }
                return tensor
            }
        }

        func recycle() { queue.sync { ScratchMemory.recycle(tensor.storage) } }
    }

    /// How `distance` reads these values for `x` against `y`: as they are, as the roots of
    /// squared distances, or not at all (other rows, another matrix).
    private func reading(for distance: any Distance<Scalar>, _ x: Variable<Scalar>, _ y: Variable<Scalar>) -> (wanted: DistanceKernel, roots: Bool)? {
        guard let wanted = distance.kernel, distance.normalizesEmbeddings == normalizesEmbeddings,
              x.isSameVariable(as: embeddings), y.isSameVariable(as: references) else { return nil }
        if wanted == kernel { return (wanted, false) }
        return wanted == .euclidean(squared: false) && kernel == .euclidean(squared: true) ? (wanted, true) : nil
    }

    /// The differentiable matrix of `distance` for `x` against `y` (`distance.matrix(x, y)`)
    /// with these values; nil when they are not its values.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func matrix(_ distance: any Distance<Scalar>, _ x: Variable<Scalar>, _ y: Variable<Scalar>) -> Variable<Scalar>? {
        guard let (wanted, roots) = reading(for: distance, x, y) else { return nil }
        let (px, py) = distance.preparedPairs(x, y)
        switch wanted {
        case .dotProduct:
            return pairwiseDotProducts(px, py, known: values)
        case .euclidean(let squared):
            guard squared || EuclideanRescale.exponent(px.value, py.value) == nil else { return nil }
            return pairwiseDistances(px, py, root: !squared, known: roots ? values.map { $0.squareRoot() } : values)
        }
    }

    /// The differentiable values of `distance` at (rows[t], columns[t]) of `x` against `y`
    /// (`distance.values(x, against: y, rows:columns:)`) gathered from these values when the
    /// distance would gather them from its matrix; nil when they are not its values, or when
    /// the pairs are few enough to be computed one by one. Those the loss computes itself:
    /// read from the matrix they would differ from its own in the last bits, and a loss with
    /// a hinge or a count of active terms (as `MarginLoss`) can turn such bits into a
    /// different value, so that mining then reducing would no longer give what this gives.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func values(_ distance: any Distance<Scalar>, _ x: Variable<Scalar>, _ y: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar>? {
        guard rows.count == columns.count, !distance.prefersPairs(count: rows.count, x, y) else { return nil }
        return matrix(distance, x, y)?.gatheringElements(rows: rows, columns: columns)
    }
}

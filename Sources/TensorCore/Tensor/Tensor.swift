/// A dense, row-major tensor of `Float` or `Double` with value semantics.
///
/// Storage is a contiguous Swift array, so copies are cheap until one of them is
/// mutated (copy-on-write). Rank 0 is a scalar, rank 1 a vector, rank 2 a matrix
/// whose rows are samples and whose columns are features.
public struct Tensor<Scalar: TensorScalar>: Equatable, Sendable, CustomStringConvertible {
    /// The extent of each axis, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count` is the product of `shape`.
    /// (Build a new tensor, or use the subscript, to change them.)
    public var scalars: [Scalar] { storage }
    @usableFromInline package var storage: [Scalar]

    /// Creates a tensor from a shape and its row-major scalars.
    ///
    /// - Throws: `MetricLearningError.shapeMismatch` when an extent is negative or
    ///   the product of `shape` overflows or differs from `scalars.count`.
    public init(shape: [Int], scalars: [Scalar]) throws {
        let expected = try Tensor.validate(shape: shape)
        guard expected == scalars.count else {
            throw MetricLearningError(.shapeMismatch, "shape \(shape) holds \(expected) scalars, but \(scalars.count) were given")
        }
        (self.shape, self.storage) = (shape, scalars)
    }

    /// Creates a tensor without checking; the caller guarantees the count.
    @usableFromInline package init(uncheckedShape shape: [Int], scalars: [Scalar]) {
        assert(shape.reduce(1, *) == scalars.count, "shape \(shape) vs \(scalars.count) scalars")
        (self.shape, self.storage) = (shape, scalars)
    }

    /// A rank-0 tensor holding one scalar.
    public init(_ scalar: Scalar) {
        self.shape = []
        self.storage = [scalar]
    }

    /// A rank-1 tensor holding `scalars`.
    public init(_ scalars: [Scalar]) {
        self.shape = [scalars.count]
        self.storage = scalars
    }

    /// A rank-2 tensor from equally long rows.
    ///
    /// - Throws: `MetricLearningError.shapeMismatch` when the rows differ in length.
    public init(rows: [[Scalar]]) throws {
        let width = rows.first?.count ?? 0
        if let bad = rows.firstIndex(where: { $0.count != width }) {
            throw MetricLearningError(.shapeMismatch, "row \(bad) has \(rows[bad].count) scalars, row 0 has \(width)")
        }
        self.shape = [rows.count, width]
        self.storage = rows.flatMap { $0 }
    }

    /// The number of axes.
    public var rank: Int { shape.count }
    /// The number of scalars.
    public var count: Int { storage.count }

    /// The only scalar of a one-element tensor (any rank), or `nil`.
    public var scalar: Scalar? { storage.count == 1 ? storage[0] : nil }

    /// The scalar at a multi-dimensional index (row-major), or trap on a programming error.
    public subscript(_ index: Int...) -> Scalar {
        get { storage[flatIndex(index)] }
        set { storage[flatIndex(index)] = newValue }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) does not fit shape \(shape)")
        var flat = 0
        for (i, extent) in zip(index, shape) {
            precondition(i >= 0 && i < extent, "index \(index) is outside shape \(shape)")
            flat = flat * extent + i
        }
        return flat
    }

    /// The same scalars under another shape with the same count.
    ///
    /// - Throws: `MetricLearningError.shapeMismatch` when the counts differ.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func reshaped(to newShape: [Int]) throws -> Tensor {
        try Tensor(shape: newShape, scalars: storage)
    }

    public var description: String { "Tensor\(shape)(\(storage.prefix(12).map(\.description).joined(separator: ", "))\(count > 12 ? ", …" : ""))" }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @discardableResult
    static func validate(shape: [Int]) throws -> Int {
        if let bad = shape.first(where: { $0 < 0 }) {
            throw MetricLearningError(.shapeMismatch, "shape \(shape) has a negative extent \(bad)")
        }
        guard let count = checkedProduct(shape) else {
            throw MetricLearningError(.shapeMismatch, "shape \(shape) holds more scalars than an Int can count")
        }
        return count
    }
}

/// The product of non-negative `extents`, or nil when it overflows `Int` (0 whenever an
/// extent is 0).
package func checkedProduct(_ extents: [Int]) -> Int? {
    if extents.contains(0) { return 0 }
    var product = 1
    for extent in extents {
        let (next, overflow) = product.multipliedReportingOverflow(by: extent)
        if overflow { return nil }
        product = next
    }
    return product
}

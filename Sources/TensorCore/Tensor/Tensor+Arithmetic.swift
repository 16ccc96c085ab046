/// An elementwise binary operation, shared by tensors and variables.
@usableFromInline package enum BinaryOperation: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", maximum = "max", minimum = "min"

    /// `a op b` elementwise under broadcasting; the switch sits outside the loops.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable
    func apply<Scalar: TensorScalar>(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>, plan: BroadcastPlan) -> Tensor<Scalar> {
        let out: [Scalar]
        switch self {
        case .add: out = plan.apply(a.storage, b.storage) { $0 + $1 }
        case .subtract: out = plan.apply(a.storage, b.storage) { $0 - $1 }
        case .multiply: out = plan.apply(a.storage, b.storage) { $0 * $1 }
        case .divide: out = plan.apply(a.storage, b.storage) { $0 / $1 }
        case .maximum: out = plan.apply(a.storage, b.storage) { Swift.max($0, $1) }
        case .minimum: out = plan.apply(a.storage, b.storage) { Swift.min($0, $1) }
        }
        return Tensor(uncheckedShape: plan.resultShape, scalars: out)
    }
}

extension Tensor {
    /// `self op other` elementwise, broadcasting equal shapes, scalars, rows `[1, n]` or
    /// `[n]` against `[m, n]`, and columns `[m, 1]` against `[m, n]`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package func elementwise(_ op: BinaryOperation, _ other: Tensor) throws -> Tensor {
        let plan = try BroadcastPlan(shape, other.shape, operation: "'\(op.rawValue)'")
        return op.apply(self, other, plan: plan)
    }

    /// Elementwise sum with broadcasting.
    /// - Throws: `MetricLearningError.shapeMismatch` when the shapes do not broadcast.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.elementwise(.add, rhs) }
    /// Elementwise difference with broadcasting.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func - (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.elementwise(.subtract, rhs) }
    /// Elementwise product with broadcasting.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func * (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.elementwise(.multiply, rhs) }
    /// Elementwise quotient with broadcasting.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func / (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.elementwise(.divide, rhs) }
    /// Elementwise maximum with broadcasting.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func maximum(_ lhs: Tensor, _ rhs: Tensor) throws -> Tensor { try lhs.elementwise(.maximum, rhs) }
    /// Elementwise minimum with broadcasting.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func minimum(_ lhs: Tensor, _ rhs: Tensor) throws -> Tensor { try lhs.elementwise(.minimum, rhs) }

    /// Adds `rhs` to every element.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func + (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.map { $0 + rhs } }
    /// Subtracts `rhs` from every element.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func - (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.map { $0 - rhs } }
    /// Multiplies every element by `rhs`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func * (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.map { $0 * rhs } }
    /// Divides every element by `rhs`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func / (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.map { $0 / rhs } }
    /// `lhs + x` for every element x.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func + (lhs: Scalar, rhs: Tensor) -> Tensor { rhs.map { lhs + $0 } }
    /// `lhs - x` for every element x.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func - (lhs: Scalar, rhs: Tensor) -> Tensor { rhs.map { lhs - $0 } }
    /// `lhs * x` for every element x.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func * (lhs: Scalar, rhs: Tensor) -> Tensor { rhs.map { lhs * $0 } }
    /// `lhs / x` for every element x.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func / (lhs: Scalar, rhs: Tensor) -> Tensor { rhs.map { lhs / $0 } }
    /// The elementwise negation.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }

    /// A tensor of the same shape with `transform` applied to every element.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable
    public func map(_ transform: (Scalar) -> Scalar) -> Tensor {
        let n = count
        let out = [Scalar](uninitializedCount: n) { buffer in
            storage.withUnsafeBufferPointer { src in
                for i in 0..<n { buffer[i] = transform(src[i]) }
            }
        }
        return Tensor(uncheckedShape: shape, scalars: out)
    }

    /// `self` where `mask` is true, `other` elsewhere (same shape, `mask.count == count`).
    /// - Throws: `MetricLearningError.shapeMismatch` when the shapes or the mask disagree.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func replacing(with other: Tensor, where mask: [Bool]) throws -> Tensor {
        guard other.shape == shape, mask.count == count else {
            throw MetricLearningError(.shapeMismatch, "replacing: tensor \(shape), replacement \(other.shape), mask of \(mask.count)")
        }
        var out = storage
        for i in 0..<count where mask[i] { out[i] = other.storage[i] }
        return Tensor(uncheckedShape: shape, scalars: out)
    }
}

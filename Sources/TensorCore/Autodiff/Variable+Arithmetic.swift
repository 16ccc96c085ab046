extension Variable {
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package static func binary(_ op: BinaryOperation, _ lhs: Variable, _ rhs: Variable) -> Variable {
        record([lhs, rhs]) {
            let a = lhs.value, b = rhs.value
            let plan = try BroadcastPlan(a.shape, b.shape, operation: "'\(op.rawValue)'")
            let out = op.apply(a, b, plan: plan)
            return (out, { g in
                let ga: [Scalar], gb: [Scalar]
                switch op {
                case .add: ga = g.storage; gb = g.storage
                case .subtract: ga = g.storage; gb = g.storage.map { -$0 }
                case .multiply:
                    ga = Self.times(g.storage, plan.apply(a.storage, b.storage) { _, y in y })
                    gb = Self.times(g.storage, plan.apply(a.storage, b.storage) { x, _ in x })
                case .divide:
                    ga = Self.times(g.storage, plan.apply(a.storage, b.storage) { _, y in 1 / y })
                    gb = Self.times(g.storage, plan.apply(a.storage, b.storage) { x, y in -x / (y * y) })
                case .maximum, .minimum:
                    let pickA = plan.apply(a.storage, b.storage) { x, y in (op == .maximum ? x >= y : x <= y) ? 1 : 0 }
                    ga = Self.times(g.storage, pickA)
                    gb = Self.times(g.storage, pickA.map { 1 - $0 })
                }
                return [plan.reduce(ga, toOperandShape: a.shape, strides: plan.lhs),
                        plan.reduce(gb, toOperandShape: b.shape, strides: plan.rhs)]
            })
        }
    }

    /// The elementwise product of two equally long arrays.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package static func times(_ x: [Scalar], _ y: [Scalar]) -> [Scalar] {
        zip(x, y).map { $0 * $1 }
    }

    /// Elementwise sum with broadcasting (as for tensors).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func + (lhs: Variable, rhs: Variable) -> Variable { binary(.add, lhs, rhs) }
    /// Elementwise difference with broadcasting.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func - (lhs: Variable, rhs: Variable) -> Variable { binary(.subtract, lhs, rhs) }
    /// Elementwise product with broadcasting.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func * (lhs: Variable, rhs: Variable) -> Variable { binary(.multiply, lhs, rhs) }
    /// Elementwise quotient with broadcasting.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func / (lhs: Variable, rhs: Variable) -> Variable { binary(.divide, lhs, rhs) }
    /// Elementwise maximum with broadcasting; ties send the gradient to `lhs`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func maximum(_ lhs: Variable, _ rhs: Variable) -> Variable { binary(.maximum, lhs, rhs) }
    /// Elementwise minimum with broadcasting; ties send the gradient to `lhs`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func minimum(_ lhs: Variable, _ rhs: Variable) -> Variable { binary(.minimum, lhs, rhs) }

    /// Applies `f` elementwise with derivative `df(x, y)` (x the input, y the output).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package func unary(_ f: (Scalar) -> Scalar, derivative df: @escaping (Scalar, Scalar) -> Scalar) -> Variable {
        unary(value: value.map(f), derivative: df)
    }

    /// Records an elementwise operation whose output `y` is already computed, with
    /// derivative `df(x, y)`; the forward pass stays a tight loop of the caller's.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package func unary(value y: Tensor<Scalar>, derivative df: @escaping (Scalar, Scalar) -> Scalar) -> Variable {
        let x = value
        return Variable.record([self]) {
            (y, { g in
                var out = g.storage
                x.storage.withUnsafeBufferPointer { xs in
                    y.storage.withUnsafeBufferPointer { ys in
                        out.withUnsafeMutableBufferPointer { o in
                            for i in 0..<o.count { o[i] *= df(xs[i], ys[i]) }
                        }
                    }
                }
                return [Tensor(uncheckedShape: x.shape, scalars: out)]
            })
        }
    }

    /// Records an elementwise operation whose output `y` is already computed and whose
    /// derivative is the constant `slope`: the pullback scales the gradient, or hands it on
    /// as it is for a slope of 1.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package func unary(value y: Tensor<Scalar>, slope: Scalar) -> Variable {
        Variable.record([self]) {
            (y, { g in
                guard slope != 1 else { return [g] }
                var out = g.storage
                out.withUnsafeMutableBufferPointer { o in
                    for i in 0..<o.count { o[i] *= slope }
                }
                return [Tensor(uncheckedShape: g.shape, scalars: out)]
            })
        }
    }

    /// Adds `rhs` to every element.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func + (lhs: Variable, rhs: Scalar) -> Variable { lhs.unary(value: lhs.value + rhs, slope: 1) }
    /// Subtracts `rhs` from every element.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func - (lhs: Variable, rhs: Scalar) -> Variable { lhs.unary(value: lhs.value - rhs, slope: 1) }
    /// Multiplies every element by `rhs`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func * (lhs: Variable, rhs: Scalar) -> Variable { lhs.unary(value: lhs.value * rhs, slope: rhs) }
    /// Divides every element by `rhs`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func / (lhs: Variable, rhs: Scalar) -> Variable { lhs.unary(value: lhs.value / rhs, slope: 1 / rhs) }
    /// `lhs + x` for every element x.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func + (lhs: Scalar, rhs: Variable) -> Variable { rhs + lhs }
    /// `lhs − x` for every element x.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func - (lhs: Scalar, rhs: Variable) -> Variable { rhs.unary(value: lhs - rhs.value, slope: -1) }
    /// `lhs · x` for every element x.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func * (lhs: Scalar, rhs: Variable) -> Variable { rhs * lhs }
    /// `lhs / x` for every element x.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func / (lhs: Scalar, rhs: Variable) -> Variable { rhs.unary({ lhs / $0 }, derivative: { x, _ in -lhs / (x * x) }) }
    /// The elementwise negation.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static prefix func - (operand: Variable) -> Variable { operand * -1 }
}

extension Variable {
    /// eˣ elementwise; derivative eˣ.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func exp() -> Variable { unary(value: value.exp(), derivative: { _, y in y }) }
    /// ln x elementwise; derivative 1/x.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func log() -> Variable { unary(value: value.log(), derivative: { x, _ in 1 / x }) }
    /// ln(1 + x) elementwise; derivative 1/(1 + x).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func log1p() -> Variable { unary({ Scalar.log1p($0) }, derivative: { x, _ in 1 / (1 + x) }) }
    /// √x elementwise; derivative 1/(2√x), taken as 0 at x = 0 so gradients stay finite.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func squareRoot() -> Variable {
        unary(value: value.squareRoot(), derivative: { _, y in y > 0 ? 1 / (2 * y) : 0 })
    }
    /// x² elementwise; derivative 2x.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func squared() -> Variable { unary(value: value.squared(), derivative: { x, _ in 2 * x }) }
    /// |x| elementwise; derivative sign(x), 0 at 0.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func abs() -> Variable {
        unary({ Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) })
    }
    /// max(x, 0) elementwise; derivative 1 for x > 0, else 0 (as PyTorch).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func relu() -> Variable {
        // Its own pullback, not `unary`'s: a loop without a call per element (the hinge of
        // every margin loss).
        let x = value
        let pullback: Pullback = { g in
            var out = g.storage
            x.storage.withUnsafeBufferPointer { xs in
                out.withUnsafeMutableBufferPointer { o in
                    for i in 0..<o.count { o[i] *= xs[i] > 0 ? 1 : 0 }
                }
            }
            return [Tensor(uncheckedShape: x.shape, scalars: out)]
        }
        return Variable.record([self]) { (x.relu(), pullback) }
    }
    /// ln(1 + eˣ) elementwise, overflow-free; derivative the logistic function.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func softplus() -> Variable {
        unary({ Tensor<Scalar>.softplus($0) }, derivative: { x, _ in Tensor<Scalar>.sigmoid(x) })
    }
    /// tanh x elementwise; derivative 1 − tanh²x.
    public func tanh() -> Variable { unary(value: value.tanh(), derivative: { _, y in 1 - y * y }) }

    /// x limited to [lower, upper]; derivative 1 inside the closed interval, 0 outside (as PyTorch).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func clamped(lower: Scalar = -.infinity, upper: Scalar = .infinity) -> Variable {
        unary({ Swift.min(Swift.max($0, lower), upper) }, derivative: { x, _ in x >= lower && x <= upper ? 1 : 0 })
    }

    /// `self` where `mask` is false, `other` where it is true; the gradient follows the choice.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func replacing(with other: Variable, where mask: [Bool]) -> Variable {
        let a = value, b = other.value
        return Variable.record([self, other]) {
            let out = try a.replacing(with: b, where: mask)
            return (out, { g in
                var ga = g.storage, gb = g.storage
                for i in 0..<mask.count { if mask[i] { ga[i] = 0 } else { gb[i] = 0 } }
                return [Tensor(uncheckedShape: a.shape, scalars: ga), Tensor(uncheckedShape: b.shape, scalars: gb)]
            })
        }
    }

    /// The same scalars under another shape with the same count.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func reshaped(to newShape: [Int]) -> Variable {
        let old = value.shape
        return Variable.record([self]) {
            (try value.reshaped(to: newShape), { g in [Tensor(uncheckedShape: old, scalars: g.storage)] })
        }
    }
}

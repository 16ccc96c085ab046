/// Compares the reverse-mode gradient of `function` with central finite differences.
///
/// Each element xᵢ is moved by a step hᵢ = ε^(1/3)·max(1, |xᵢ|) (ε the scalar's machine
/// epsilon; the step actually representable is used) and the derivative estimated as
/// (f(x + hᵢ) − f(x − hᵢ)) / 2hᵢ. Use `Double` for tight tolerances, and keep inputs
/// away from kinks such as a hinge at 0: there the two sides disagree by design.
/// - Throws: what `function` throws, or its carried failure.
/// - Complexity: 2 evaluations of `function` per input element.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func checkGradients<Scalar: TensorScalar>(
    at inputs: [Tensor<Scalar>], in function: ([Variable<Scalar>]) throws -> Variable<Scalar>
) throws -> GradientCheckReport {
    let (value, gradients) = try valueWithGradient(at: inputs, in: function)
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func evaluate(_ point: [Tensor<Scalar>]) throws -> Double {
        let out = try function(point.map { Variable($0) }).checked()
        guard out.value.count == 1 else {
            throw MetricLearningError(.invalidDifferentiation, "the checked function returned shape \(out.value.shape); it must return one scalar")
        }
        return Double(out.value.storage[0])
    }
    let epsilonCubeRoot = Scalar.exp(Scalar.log(Scalar.ulpOfOne) / 3)
    var elements: [GradientCheckReport.Element] = []
    var point = inputs
    for (inputIndex, input) in inputs.enumerated() {
        for flat in 0..<input.count {
            let x = input.storage[flat]
            let step = epsilonCubeRoot * Swift.max(1, Swift.abs(x))
            let up = x + step, down = x - step
            point[inputIndex].storage[flat] = up
            let fUp = try evaluate(point)
            point[inputIndex].storage[flat] = down
            let fDown = try evaluate(point)
            point[inputIndex].storage[flat] = x
            let numeric = (fUp - fDown) / Double(up - down)
            elements.append(.init(input: inputIndex, index: input.multiIndex(of: flat),
                                  analytic: Double(gradients[inputIndex].storage[flat]), numeric: numeric))
        }
    }
    return GradientCheckReport(elements: elements, value: Double(value))
}

/// Compares the gradient of a function of one tensor with finite differences.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func checkGradients<Scalar: TensorScalar>(
    at input: Tensor<Scalar>, in function: (Variable<Scalar>) throws -> Variable<Scalar>
) throws -> GradientCheckReport {
    try checkGradients(at: [input]) { try function($0[0]) }
}

extension Tensor {
    /// The multi-dimensional index of a row-major flat position.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func multiIndex(of flat: Int) -> [Int] {
        var rest = flat
        var index = [Int](repeating: 0, count: rank)
        for axis in stride(from: rank - 1, through: 0, by: -1) where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }
}

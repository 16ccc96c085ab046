import MetricLearning

extension JSONValue {
    /// The value as a `Tensor<Double>`, or `nil` when it is not one.
    ///
    /// A number is a rank-0 tensor; nested arrays of numbers with equal lengths at each
    /// depth are a tensor of that shape (row-major); an object `{"tensor": …}` (as the
    /// catalogue writes a tensor keyword argument) is the tensor inside it.
    ///
    /// ```swift
    /// let value: JSONValue = [[1, 2, 3], [4, 5, 6]]
    /// value.tensorValue?.shape   // [2, 3]
    /// ```
    public var tensorValue: Tensor<Double>? { try? denseTensor() }

    /// The value as a tensor, or an error that says where it is ragged or not numeric.
    func denseTensor() throws(TensorShapeProblem) -> Tensor<Double> {
        if case .object(let o) = self, o.count == 1, let inner = o["tensor"] {
            return try inner.denseTensor()
        }
        var shape: [Int] = []
        var probe = self
        while case .array(let a) = probe {
            shape.append(a.count)
            guard let first = a.first else { break }
            probe = first
        }
        var scalars: [Double] = []
        scalars.reserveCapacity(shape.reduce(1, *))
        try collect(into: &scalars, shape: shape[...], path: [])
        do {
            return try Tensor(shape: shape, scalars: scalars)
        } catch {
            throw TensorShapeProblem(message: "\(error)")
        }
    }

    private func collect(into scalars: inout [Double], shape: ArraySlice<Int>, path: [Int]) throws(TensorShapeProblem) {
        guard let extent = shape.first else {
            guard case .number(let x) = self else {
                throw TensorShapeProblem(message: "element \(path) is \(kindName), not a number")
            }
            scalars.append(x)
            return
        }
        guard case .array(let elements) = self else {
            throw TensorShapeProblem(message: "element \(path) is \(kindName), where an array of \(extent) was expected")
        }
        guard elements.count == extent else {
            throw TensorShapeProblem(message: "element \(path) has \(elements.count) entries where \(extent) were expected (ragged array)")
        }
        for (i, element) in elements.enumerated() {
            try element.collect(into: &scalars, shape: shape.dropFirst(), path: path + [i])
        }
    }

    /// A word for the kind of value, for messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a Boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Why a JSON value is not a dense tensor.
struct TensorShapeProblem: Error {
    let message: String
}

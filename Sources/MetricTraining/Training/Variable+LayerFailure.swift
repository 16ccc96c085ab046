import TensorCore

extension Variable {
    /// A variable that carries `error`, or the failure `input` already carries (it came first):
    /// how a layer reports inputs or parameters that do not fit, as the operations it is built
    /// from do.
    static func carrying(_ error: any Error, after input: Variable) -> Variable {
        record([input]) { throw error }
    }
}

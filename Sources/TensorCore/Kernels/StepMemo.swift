import Dispatch

/// What one mine-and-reduce call would otherwise work out twice: a miner and the loss after
/// it each check that the batch is finite and each normalise its rows.
///
/// While a memo is bound to the task (`remembering(_:)`), `BatchValidation.check` and
/// `Variable.normalizedRows()` look a matrix's result up before computing it and keep it
/// after; normalised rows are also known to need no rescaling (`EuclideanRescale`), and their
/// row norms (`Tensor.rowNorms()`) come with them.
///
/// Results are kept by the identity of the storage they came from, and the memo holds that
/// storage: while it is remembered, its buffer can be neither freed (its address taken by
/// another) nor written (a write to a shared array copies it first). So a result found is
/// bitwise the one computing it again would give. Unbound (outside such a call), a lookup
/// costs one task-local read.
@usableFromInline package final class StepMemo: @unchecked Sendable {
    /// The memo of the call in progress on this task, if any.
    @TaskLocal static var current: StepMemo?

    /// What a result is of.
    enum Kind: Sendable { case firstNonFinite, normalizedRows, rescaleExponent, rowNorms }

    /// Guards `entries` (work on child tasks could reach the memo from other threads).
    private let queue = DispatchQueue(label: "TensorCore.StepMemo")
    /// Each result with what it is of and the storage it came from.
    private var entries: [(kind: Kind, source: any Sendable, result: any Sendable)] = []

    private init() {}

    /// True while a memo is bound to the task.
    static var isBound: Bool { current != nil }

    /// Runs `body` with a memo bound: a new one, or the one of the call already in progress.
    package static func remembering<Result>(_ body: () throws -> Result) rethrows -> Result {
        if current != nil { return try body() }
        return try $current.withValue(StepMemo()) { try body() }
    }

    /// `compute()`, the result of `kind` for `storage`: the remembered one if there is one,
    /// else computed and, while a memo is bound, remembered.
    static func result<Scalar: TensorScalar, Result: Sendable>(
        _ kind: Kind, of storage: [Scalar], _ compute: () throws -> Result
    ) rethrows -> Result {
        guard let memo = current else { return try compute() }
        // Unwrapped first: nil cast to an optional `Result` (as `Int?`) would succeed.
        if let entry = memo.lookUp(kind, storage), let found = entry as? Result { return found }
        let result = try compute()
        remember(result, as: kind, of: storage)
        return result
    }

    /// Keeps `result` as the result of `kind` for `storage`, while a memo is bound.
    static func remember<Scalar: TensorScalar, Result: Sendable>(_ result: Result, as kind: Kind, of storage: [Scalar]) {
        guard let memo = current else { return }
        memo.queue.sync { memo.entries.append((kind, storage, result)) }
    }

    /// The result of `kind` kept for the very buffer of `storage`, if any.
    private func lookUp<Scalar: TensorScalar>(_ kind: Kind, _ storage: [Scalar]) -> (any Sendable)? {
        let wanted = storage.withUnsafeBufferPointer { (UnsafeRawPointer($0.baseAddress), $0.count) }
        return queue.sync {
            entries.first { entry in
                guard entry.kind == kind, let source = entry.source as? [Scalar] else { return false }
                return source.withUnsafeBufferPointer { (UnsafeRawPointer($0.baseAddress), $0.count) } == wanted
            }?.result
        }
    }
}

extension Reductions {
    /// `firstNonFinite` of a whole storage, remembered for the call in progress (`StepMemo`).
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func firstNonFinite<Scalar: TensorScalar>(in storage: [Scalar]) -> Int? {
        StepMemo.result(.firstNonFinite, of: storage) {
            storage.withUnsafeBufferPointer { $0.isEmpty ? nil : firstNonFinite($0.baseAddress!, $0.count) }
        }
    }
}

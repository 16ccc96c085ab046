import MetricLearning
import MetricLearningTesting

/// The keyword arguments of one PML object while a builder reads them: every argument must
/// be read, so an option the library does not implement is an unsupported case, never
/// silently ignored.
package final class PMLArguments {
    /// The class the arguments were given to.
    package let className: String
    private let kwargs: KeywordArguments
    private var read: Set<String> = []

    package init(_ object: PMLObject) {
        className = object.className
        kwargs = object.kwargs
    }

    /// A number, or PML's default when left out.
    package func double(_ key: String, default value: Double) throws -> Double {
        try argument(key, "a number", kwargs.double) ?? value
    }

    /// A whole number, or PML's default when left out.
    package func int(_ key: String, default value: Int) throws -> Int {
        try argument(key, "a whole number", kwargs.int) ?? value
    }

    /// A Boolean, or PML's default when left out.
    package func bool(_ key: String, default value: Bool) throws -> Bool {
        try argument(key, "a Boolean", kwargs.bool) ?? value
    }

    /// A string, or PML's default when left out.
    package func string(_ key: String, default value: String) throws -> String {
        try argument(key, "a string", kwargs.string) ?? value
    }

    /// A tensor (`{"tensor": …}`, nested arrays or a number), or nil when left out.
    package func tensor(_ key: String) throws -> Tensor<Double>? {
        try argument(key, "a tensor", kwargs.tensor)
    }

    /// A dictionary of nested objects (`MultipleReducers`' `reducers`), or nil when left out.
    package func objects(_ key: String) throws -> [String: PMLObject]? {
        try argument(key, "a dictionary of PML objects", kwargs.objects)
    }

    /// A nested object (a distance, a reducer), or nil when left out.
    package func object(_ key: String) throws -> PMLObject? {
        try argument(key, "a PML object", kwargs.object)
    }

    /// Marks `key` read and returns its value as `convert` reads it, or nil when it is left out.
    /// - Throws: `PMLUnsupported` when the value is there but not `what` (`convert` gives nil).
    private func argument<Value>(_ key: String, _ what: String, _ convert: (String) -> Value?) throws -> Value? {
        read.insert(key)
        guard kwargs.contains(key) else { return nil }
        guard let value = convert(key) else { throw PMLUnsupported("\(className).\(key) is not \(what)") }
        return value
    }

    /// Throws for every argument no builder read.
    package func finish() throws {
        let unread = kwargs.keys.filter { !read.contains($0) }
        if !unread.isEmpty { throw PMLUnsupported("\(className) with \(unread.joined(separator: ", ")) is not supported") }
    }
}

/// A reference case the library cannot run (yet): an unknown class or option, named.
package struct PMLUnsupported: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

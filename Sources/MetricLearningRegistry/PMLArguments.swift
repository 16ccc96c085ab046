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
        read.insert(key)
        guard kwargs.contains(key) else { return value }
        guard let number = kwargs.double(key) else { throw PMLUnsupported("\(className).\(key) is not a number") }
        return number
    }

    /// A whole number, or PML's default when left out.
    package func int(_ key: String, default value: Int) throws -> Int {
        read.insert(key)
        guard kwargs.contains(key) else { return value }
        guard let number = kwargs.int(key) else { throw PMLUnsupported("\(className).\(key) is not a whole number") }
        return number
    }

    /// A Boolean, or PML's default when left out.
    package func bool(_ key: String, default value: Bool) throws -> Bool {
        read.insert(key)
        guard kwargs.contains(key) else { return value }
        guard let flag = kwargs.bool(key) else { throw PMLUnsupported("\(className).\(key) is not a Boolean") }
        return flag
    }

    /// A string, or PML's default when left out.
    package func string(_ key: String, default value: String) throws -> String {
        read.insert(key)
        guard kwargs.contains(key) else { return value }
        guard let text = kwargs.string(key) else { throw PMLUnsupported("\(className).\(key) is not a string") }
        return text
    }

    /// A nested object (a distance, a reducer), or nil when left out.
    package func object(_ key: String) throws -> PMLObject? {
        read.insert(key)
        guard kwargs.contains(key) else { return nil }
        guard let object = kwargs.object(key) else { throw PMLUnsupported("\(className).\(key) is not a PML object") }
        return object
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

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How many threads the library's kernels may use.
///
/// By default, every online processor. Results never depend on it: work is split the
/// same way for any count and each part is summed in a fixed order. The limit is
/// task-local, so concurrent tasks can choose differently without shared state:
///
/// ```swift
/// let result = try ComputeThreads.withLimit(1) { try loss.valueWithGradient(embeddings: x, labels: y) }
/// ```
public enum ComputeThreads {
    @TaskLocal static var override: Int?

    /// The least work (a rough count of scalar operations) worth splitting over threads; tests
    /// lower it to run the parallel splits on small inputs.
    @TaskLocal static var minimumParallelWork = defaultParallelWork

    /// The processors the system reports online (at least 1).
    public static let available: Int = Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// The current limit: the task-local override, or every available processor.
    public static var limit: Int { Swift.max(1, override ?? available) }

    /// Runs `body` with kernels limited to `threads` threads (at least 1).
    public static func withLimit<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
        try $override.withValue(Swift.max(1, threads)) { try body() }
    }
}

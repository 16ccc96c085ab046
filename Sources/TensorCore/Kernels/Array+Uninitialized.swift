extension Array {
    /// An array of `count` elements, every one of which `initialize` writes; `[]` for a count of
    /// 0, without calling `initialize`.
    ///
    /// Use it instead of `Array(unsafeUninitializedCapacity:initializingWith:)`: at capacity 0
    /// that initializer hands out the standard library's shared empty-array storage and then
    /// writes its count, so two threads making empty results at once race on one global
    /// (ThreadSanitizer reports it). Nothing is written for an empty result here.
    @inlinable package init(
        uninitializedCount count: Int, initializingWith initialize: (UnsafeMutableBufferPointer<Element>) throws -> Void
    ) rethrows {
        guard count > 0 else {
            self = []
            return
        }
        try self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            try initialize(buffer)
            initialized = count
        }
    }
}

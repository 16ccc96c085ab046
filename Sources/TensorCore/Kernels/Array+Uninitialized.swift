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
        try self.init(freshUninitializedCount: count, initializingWith: initialize)
    }

    /// `init(uninitializedCount:initializingWith:)` in a newly allocated buffer, never one
    /// kept by `ScratchMemory`.
    @inlinable package init(
        freshUninitializedCount count: Int, initializingWith initialize: (UnsafeMutableBufferPointer<Element>) throws -> Void
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

extension Array where Element: TensorScalar {
    /// An array of `count` elements, every one of which `initialize` writes, in a buffer kept
    /// by `ScratchMemory` when one of this count is free (its stale contents are overwritten),
    /// else a fresh one; `[]` for a count of 0.
    @inlinable package init(
        uninitializedCount count: Int, initializingWith initialize: (UnsafeMutableBufferPointer<Element>) throws -> Void
    ) rethrows {
        guard var reused = ScratchMemory.take(Element.self, count: count) else {
            try self.init(freshUninitializedCount: count, initializingWith: initialize)
            return
        }
        try reused.withUnsafeMutableBufferPointer { try initialize($0) }
        self = reused
    }

    /// `count` zeros, in a buffer kept by `ScratchMemory` when one of this count is free.
    @inlinable package init(zeroedCount count: Int) {
        guard var reused = ScratchMemory.take(Element.self, count: count) else {
            self.init(repeating: 0, count: count)
            return
        }
        reused.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        self = reused
    }
}

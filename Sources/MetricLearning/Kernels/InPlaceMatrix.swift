/// Steps on a row-major matrix that rewrite it in place: an [N, N] buffer costs page faults
/// every time it is freshly allocated, so a pullback that owns one reuses it.
@usableFromInline enum InPlaceMatrix {
    /// Replaces the square matrix g ([size, size]) by g + gᵀ, tile pair by tile pair; every
    /// element is written by one task once, so the result does not depend on the threads.
    ///
    /// - Complexity: O(size²).
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func symmetrize<Scalar: TensorScalar>(_ g: inout [Scalar], size n: Int) {
        // 16 floats are 64 bytes: tiles of different tasks never share a cache line (when the
        // rows are aligned), and each task takes a contiguous run of tile rows.
        let tile = 16, tiles = (n + tile - 1) / tile
        g.withUnsafeMutableBufferPointer { gb in
            nonisolated(unsafe) let gp = gb.baseAddress!
            // Task I owns the tile pairs (I, J ≥ I): rows of tile I and their mirrors.
            _ = parallelRanges(tiles, work: n * n * 2) { tileRows in
              for ti in tileRows {
                let i0 = ti * tile, i1 = Swift.min(i0 + tile, n)
                for j0 in stride(from: i0, to: n, by: tile) {
                    let j1 = Swift.min(j0 + tile, n)
                    for i in i0..<i1 {
                        for j in Swift.max(j0, i)..<j1 {
                            let sum = gp[i * n + j] + gp[j * n + i]
                            gp[i * n + j] = sum
                            gp[j * n + i] = sum
                        }
                    }
                }
              }
            }
        }
    }
}

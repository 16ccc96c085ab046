import Dispatch

/// How this build's kernels compute: whether they fuse multiply-adds, whether that is fast on
/// the build's target CPU, and the matrix product's register tile.
///
/// There are three builds:
/// - **x86-64, default** (`swift build -c release`; baseline SSE2, no FMA): a multiply and an
///   add, each rounded; a 6 × 8 tile of `SIMD4<Float>`.
/// - **arm64**: fused multiply-add (one `fmla`, baseline there); the same tile.
/// - **x86-64 with the package trait `FusedMultiplyAdd`**, built for a CPU that has FMA
///   (`swift build -c release --traits FusedMultiplyAdd -Xswiftc -target-cpu -Xswiftc native`,
///   or a consumer's `.package(…, traits: ["FusedMultiplyAdd"])` with that flag): fused, with
///   a 12 × 32 tile of `SIMD16<Float>` (AVX-512's 32 registers) or a 6 × 16 tile of
///   `SIMD8<Float>` (AVX2's 16), whichever runs faster when timed once before the first product.
///
/// The tile changes speed, never results: results are bitwise the same for any tile and thread
/// count within one build. A build that fuses and one that does not differ in the last bits.
///
/// The trait without an FMA-capable target CPU still compiles, but every fused multiply-add is
/// then a call to the C library's `fma`, tens of times slower: ``fusedMultiplyAddIsSlow``
/// tells (the library itself never prints; `metric-bench` prints a warning).
public enum KernelBuild {
    /// Whether the kernels round each multiply-add once (fused): on arm64, and with the
    /// `FusedMultiplyAdd` trait.
    public static var fusesMultiplyAdd: Bool {
        #if arch(arm64) || FUSED_MULTIPLY_ADD
        true
        #else
        false
        #endif
    }

    /// Whether the kernels fuse multiply-adds but each is a call rather than an instruction:
    /// the `FusedMultiplyAdd` trait without `-Xswiftc -target-cpu -Xswiftc native` (or another
    /// CPU with FMA, such as `haswell`), where each is a C library call, or a debug build, where
    /// the standard library's fused multiply-add is not inlined either.
    ///
    /// Measured once, at the first read, by timing a short loop fused and unfused (under a
    /// millisecond): slow means the fused loop takes over four times as long. Always false on
    /// arm64 and where the kernels do not fuse.
    public static let fusedMultiplyAddIsSlow: Bool = {
        #if FUSED_MULTIPLY_ADD && !arch(arm64)
        let (fused, separate) = (chainTime(fused: true), chainTime(fused: false))
        // The chains' values enter the answer, so the optimiser keeps their loops.
        return fused.value.isFinite && separate.value.isFinite && fused.nanoseconds > 4 * separate.nanoseconds
        #else
        return false
        #endif
    }()

    /// The matrix product's register tile for `Float`, as rows × columns of C and the vector
    /// type, for example `6 × 8 SIMD4<Float>`.
    public static var matrixTile: String {
        #if FUSED_MULTIPLY_ADD && arch(x86_64)
        prefersTallTile ? "12 × 32 SIMD16<Float>" : "6 × 16 SIMD8<Float>"
        #else
        "6 × 8 SIMD4<Float>"
        #endif
    }

    /// With the trait on x86-64: whether the 12 × 2 tile of `SIMD16` outruns the 6 × 2 tile of
    /// `SIMD8` (it does where the target has AVX-512; without it, its 24 accumulators spill).
    /// Timed once on equal work in L1, the best of five runs each.
    static let prefersTallTile: Bool = {
        #if FUSED_MULTIPLY_ADD && arch(x86_64)
        let kc = 128
        let a = (0..<(12 * kc)).map { Float($0 % 7) * 0.25 }, b = (0..<(32 * kc)).map { Float($0 % 5) * 0.5 }
        var c = [Float](repeating: 0, count: 12 * 32)
        func time(_ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> UInt64 {
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        (0..<5).map { _ in
                            let start = DispatchTime.now().uptimeNanoseconds
                            body(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!)
                            return DispatchTime.now().uptimeNanoseconds - start
                        }.min()!
                    }
                }
            }
        }
        // The same multiply-adds: 4 × (12 × 32) against 16 × (6 × 16) per step of depth.
        let tall = time { a, b, c in
            for _ in 0..<4 { TallBroadcastTile<SIMD16<Float>>.multiply(kc: kc, a: a, b: b, c: c, ldc: 32, accumulate: true) }
        }
        let narrow = time { a, b, c in
            for _ in 0..<16 { BroadcastTile<SIMD8<Float>>.multiply(kc: kc, a: a, b: b, c: c, ldc: 16, accumulate: true) }
        }
        // c's value enters the answer, so the optimiser keeps the loops.
        return tall <= narrow && c[0].isFinite
        #else
        return false
        #endif
    }()

    /// Nanoseconds for 1024 steps of four independent multiply-add chains of `SIMD8<Float>`,
    /// through `multiplyAdd` or as a separate multiply and add (the best of five runs), and the
    /// chains' final sum.
    @inline(never)
    static func chainTime(fused: Bool) -> (nanoseconds: UInt64, value: Float) {
        var best = UInt64.max
        var seed = SIMD8<Float>(repeating: Float(DispatchTime.now().uptimeNanoseconds & 1))
        let (x, y) = (SIMD8<Float>(repeating: 0.5), SIMD8<Float>(repeating: 1))
        for _ in 0..<5 {
            var (s0, s1, s2, s3) = (seed, seed + 1, seed + 2, seed + 3)
            let start = DispatchTime.now().uptimeNanoseconds
            if fused {
                for _ in 0..<1024 { (s0, s1, s2, s3) = (multiplyAdd(s0, x, y), multiplyAdd(s1, x, y), multiplyAdd(s2, x, y), multiplyAdd(s3, x, y)) }
            } else {
                for _ in 0..<1024 { (s0, s1, s2, s3) = (s0 * x + y, s1 * x + y, s2 * x + y, s3 * x + y) }
            }
            best = Swift.min(best, DispatchTime.now().uptimeNanoseconds - start)
            seed = (s0 + s1) + (s2 + s3)
        }
        return (best, seed.sum())
    }
}

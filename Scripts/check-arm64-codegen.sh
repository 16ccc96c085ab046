#!/usr/bin/env bash
# Compiles TensorCore's hot kernels for arm64 and counts, inside their loops, the fused
# multiply-adds and the multiplications whose result goes straight into an addition.
#
#   Scripts/check-arm64-codegen.sh [--check] [--keep] [kernels-directory]
#
# No arm64 machine is needed: the toolchain's embedded Swift compiles for
# aarch64-none-none-elf on any host (-O, whole module, assembly only). Embedded Swift has no
# Foundation, Dispatch or libc, so copies of the kernel files are compiled together with
# small stand-ins (written below) for what they use from the rest of TensorCore: a serial
# `parallelFor`, a `TensorScalar` with only `exp`, a `Tensor` with only what
# `DistanceMatrix.compute` touches, a `DistanceMatrixVisit` that is never bound. Public Float and Double entry points make the compiler
# emit every kernel specialisation the library runs (embedded Swift emits generic code only
# where it is used).
#
# Loops are the blocks LLVM marks as such in the assembly ("Loop Header", "in Loop", "Parent
# Loop"), in functions of the kernels' module. Counted there:
#   fmla   fused multiply-add instructions (fmla, fmls, fmadd, fmsub, fnmadd, fnmsub);
#   pairs  an fmul whose result is next read by an fadd or fsub (an unfused c += a * b).
# The last line of output is exactly `fmla: N, fmul+fadd pairs: M`. With --check the script
# exits 1 unless N > 0 and M = 0. --keep leaves the work directory (assembly included).
set -euo pipefail

check=false keep=false kernels=""
for argument in "$@"; do
    case "$argument" in
        --check) check=true ;;
        --keep) keep=true ;;
        -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "error: unknown option $argument" >&2; exit 2 ;;
        *) kernels=$argument ;;
    esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
kernels=${kernels:-$root/Sources/TensorCore/Kernels}
[ -d "$kernels" ] || { echo "error: no kernels directory at $kernels" >&2; exit 2; }

swiftc=${SWIFTC:-$(command -v swiftc || true)}
[ -n "$swiftc" ] || { echo "error: swiftc not found (put a Swift 6 toolchain on PATH or set SWIFTC)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/arm64-codegen.XXXXXX")
if $keep; then echo "work directory: $work" >&2; else trap 'rm -rf "$work"' EXIT; fi

flags=(-target aarch64-none-none-elf -enable-experimental-feature Embedded -wmo -O -S -parse-as-library)

# Embedded Swift for aarch64 ships with swift.org toolchains from 6.0 on (not with every
# Xcode toolchain, nor with older releases).
echo 'public func probe(_ a: Float, _ b: Float) -> Float { a * b }' > "$work/probe.swift"
if ! "$swiftc" "${flags[@]}" "$work/probe.swift" -o "$work/probe.s" 2> "$work/probe.log"; then
    echo "error: $swiftc cannot compile embedded Swift for aarch64-none-none-elf:" >&2
    sed 's/^/  /' "$work/probe.log" | head -n 8 >&2
    echo "Use a swift.org toolchain (6.0 or later) that has lib/swift/embedded/aarch64-none-none-elf." >&2
    exit 2
fi

# Copies of the kernel files. Their only change: embedded Swift has no `any Error`, so
# a function's `throws` becomes `throws(MetricLearningError)`, the one error TensorCore throws.
# MultiplyAdd.swift holds the fused multiply-add helper and Reductions+Lanes.swift the lane
# extrema; a tree from before either compiles without it.
sources=()
mkdir "$work/Kernels"
for file in MultiplyAdd.swift Array+Uninitialized.swift MatrixMultiply.swift MicroTile.swift BroadcastingTile.swift SixAccumulatorRows.swift PreBroadcastTile.swift BroadcastTile.swift TallBroadcastTile.swift Reductions.swift Reductions+Lanes.swift VectorExponential.swift DistanceMatrix.swift; do
    if [ -f "$kernels/$file" ]; then
        sed -E '/func /s/\) throws -> /) throws(MetricLearningError) -> /' "$kernels/$file" > "$work/Kernels/$file"
        sources+=("$work/Kernels/$file")
    elif [ "$file" != MultiplyAdd.swift ] && [ "$file" != Reductions+Lanes.swift ]; then
        echo "error: $kernels/$file is missing (update the list in $0)" >&2
        exit 2
    fi
done

cat > "$work/Stand-ins.swift" <<'SWIFT'
// What the kernels use from the rest of TensorCore, without libm, Dispatch or Foundation.
public protocol TensorScalar: BinaryFloatingPoint, SIMDScalar, Sendable {
    static func exp(_ x: Self) -> Self
}
@_silgen_name("expf") func expf(_ x: Float) -> Float
@_silgen_name("exp") func expd(_ x: Double) -> Double
extension Float: TensorScalar { public static func exp(_ x: Float) -> Float { expf(x) } }
extension Double: TensorScalar { public static func exp(_ x: Double) -> Double { expd(x) } }

package func parallelFor(_ count: Int, work: Int, _ body: (Int) -> Void) {
    for i in 0..<count { body(i) }
}
package func parallelRanges<Result>(_ count: Int, chunks: Int = 16, work: Int, _ body: (Range<Int>) -> Result) -> [Result] {
    let parts = Swift.max(1, Swift.min(chunks, count))
    return (0..<parts).map { part in body(count * part / parts..<count * (part + 1) / parts) }
}

// The product clock and the scratch pool are off here: products untimed, nothing kept.
enum ProductClock {
    struct Exclusion {
        @inline(__always) func measuring(_ body: () -> Void) { body() }
    }
    @inline(__always) static func timing(_ body: (Exclusion) -> Void) { body(Exclusion()) }
}
@usableFromInline package enum ScratchMemory {
    package final class Block {
        package let pointer: UnsafeMutableRawPointer
        package let byteCount: Int
        init(byteCount: Int) { (pointer, self.byteCount) = (.allocate(byteCount: Swift.max(byteCount, 1), alignment: 64), byteCount) }
        deinit { pointer.deallocate() }
    }
    package static func block(byteCount: Int) -> Block { Block(byteCount: byteCount) }
    package static func recycle(_ block: Block) {}
    @usableFromInline package static func take<Scalar>(_: Scalar.Type, count: Int) -> [Scalar]? { nil }
    package static func recycle<Scalar>(_ scalars: consuming [Scalar]) {}
}

// No caller's work on the parts of a distance matrix (no task-locals here).
package final class DistanceMatrixVisit {
    static var current: DistanceMatrixVisit? { nil }
    let count = 0
    func leavesOut(_ matrix: UnsafeRawPointer) -> Bool { false }
    func part(_ matrix: UnsafeRawPointer, rows: Range<Int>, columns: Range<Int>) {}
}

package struct MetricLearningError: Error {
    package enum Kind { case shapeMismatch }
    package init(_ kind: Kind, _ message: String) {}
}
public struct Tensor<Scalar: TensorScalar> {
    package var storage: [Scalar]
    package var shape: [Int]
    package init(uncheckedShape shape: [Int], scalars: [Scalar]) { (self.shape, storage) = (shape, scalars) }
    package func matrixExtents(_ operation: String) throws(MetricLearningError) -> (Int, Int) { (shape[0], shape[1]) }
    package func rowNorms() throws(MetricLearningError) -> Tensor {   // not a kernel: any values do
        Tensor(uncheckedShape: [shape[0]], scalars: Array(storage.prefix(shape[0])))
    }
}
SWIFT

cat > "$work/EntryPoints.swift" <<'SWIFT'
// Every kernel specialisation the library runs, for Float and Double (embedded Swift emits
// generic code only where it is used); each group its own function, named in the table.
@inline(never) func product<Scalar: TensorScalar>(_ a: UnsafePointer<Scalar>, _ c: UnsafeMutablePointer<Scalar>, _ n: Int, gram: Bool) {
    MatrixMultiply.multiply(m: n, n: n, k: n, a: MatrixView(base: a, rowStride: n, columnStride: 1),
                            b: MatrixView(base: a, rowStride: gram ? 1 : n, columnStride: gram ? n : 1), c: c, symmetric: gram)
}
@inline(never) func reductions<Scalar: TensorScalar>(_ y: UnsafeMutablePointer<Scalar>, _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ n: Int) -> Scalar {
    Reductions.addScaled(y, a, b[0], n)
    Reductions.addScaledDifference(y, a, b, b[1], n, scale: b[2])
    Reductions.multiply(y, a, n)
    return Reductions.dot(a, b, n) + Reductions.squaredDistance(a, b, n) + Reductions.sum(a, n)
}
@inline(never) func exponentials<Scalar: TensorScalar>(_ p: UnsafeMutablePointer<Scalar>, _ n: Int) -> Scalar {
    VectorExponential.apply(p, count: n)
    return VectorExponential.applySummed(p, count: n, subtracting: p[0])
}
@inline(never) func distances<Scalar: TensorScalar>(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>) -> Scalar {
    (try? DistanceMatrix.compute(x, y, root: true))?.storage.first ?? 0
}
public func kernels<Scalar: TensorScalar>(_ p: UnsafeMutablePointer<Scalar>, _ n: Int, _ x: Tensor<Scalar>) -> Scalar {
    product(p, p + n * n, n, gram: false)
    product(p, p + n * n, n, gram: true)
    return reductions(p, p + n, p + 2 * n, n) + exponentials(p, n) + distances(x, x)
}
public func floatKernels(_ p: UnsafeMutablePointer<Float>, _ n: Int, _ x: Tensor<Float>) -> Float { kernels(p, n, x) }
public func doubleKernels(_ p: UnsafeMutablePointer<Double>, _ n: Int, _ x: Tensor<Double>) -> Double { kernels(p, n, x) }
SWIFT

if ! "$swiftc" "${flags[@]}" -module-name TensorCore -package-name MetricLearning \
        "$work/Stand-ins.swift" "$work/EntryPoints.swift" "${sources[@]}" -o "$work/kernels.s" 2> "$work/compile.log"; then
    grep -E 'error:' "$work/compile.log" | head -n 20 >&2 || cat "$work/compile.log" >&2
    echo "error: the kernels did not compile as embedded Swift; if they now use more of TensorCore," >&2
    echo "       add a stand-in for it in $0" >&2
    exit 1
fi

# Per function of the module, inside loop blocks: the fused multiply-adds, and each fmul whose
# result is next read by an fadd or fsub (checked before anything overwrites it).
table=$(awk '
    function flush() {
        if (name != "" && fused + pairs > 0) printf "%d\t%d\t%s\n", fused, pairs, name
        fused = 0; pairs = 0; delete pending
    }
    /^[^.\t \/#][^ \t]*:/ {                      # a global symbol: the next function
        flush(); name = $0; sub(/:.*/, "", name); if (name !~ /TensorCore/) name = ""; next
    }
    /^\.Lfunc_end/ { flush(); name = ""; next }
    /^(\.LBB[0-9_]+:|\/\/ %bb\.[0-9]+:)/ {      # a basic block, in a loop when LLVM says so
        inLoop = ($0 ~ /Loop/); if (!inLoop) delete pending; next
    }
    /^[ \t]+\/\/.*Loop/ { inLoop = 1; next }       # a nested header: "Parent Loop …" lines
    name == "" || !inLoop || !/^\t[a-z]/ { next }
    {
        op = $1; text = $0; sub(/^\t[a-z0-9.]+/, "", text); sub(/\/\/.*/, "", text)
        # The FP/SIMD registers, in operand order (v3, q3, d3, s3 and h3 are one register).
        k = 0; delete reg
        n = split(text, token, /[^A-Za-z0-9]+/)
        for (i = 1; i <= n; i++) if (token[i] ~ /^[vqdsh][0-9]+$/) reg[++k] = substr(token[i], 2) + 0
        if (op ~ /^(fmla|fmls|fmadd|fmsub|fnmadd|fnmsub)$/) fused++
        # Stores and compares only read; fmla, bsl and lane inserts read their destination too.
        readsAll = (op ~ /^(st|fcmp|fccmp)/); readsFirst = readsAll || op ~ /^(fmla|fmls|bsl|bif|bit|ins|mov)$/
        for (r in pending) {
            read = 0
            for (i = readsFirst ? 1 : 2; i <= k; i++) if (reg[i] == r + 0) read = 1
            if (read) { if (op ~ /^(fadd|fsub)$/) pairs++; delete pending[r] }
            else if (!readsAll && k > 0 && reg[1] == r + 0) delete pending[r]
        }
        if (op == "fmul" && k > 0) pending[reg[1]] = 1
    }
    END { flush() }
' "$work/kernels.s")

fused=0 pairs=0
if [ -n "$table" ]; then
    demangle=cat
    if swift demangle --simplified <<< '$es4SIMDP' > /dev/null 2>&1; then demangle='swift demangle --simplified'; fi
    echo "In loops, per function (fused multiply-adds, fmul+fadd pairs):"
    while IFS=$'\t' read -r f p symbol; do
        case "$symbol" in *Sf_T*g5*) type=" (Float)" ;; *Sd_T*g5*) type=" (Double)" ;; *) type="" ;; esac
        label=$($demangle <<< "$symbol" | sed -E 's/^specialized //; s/(closure #[0-9]+ in )+/closure in /')
        printf '  %4d %4d  %s\n' "$f" "$p" "$(cut -c1-100 <<< "$label")$type"
        fused=$((fused + f)); pairs=$((pairs + p))
    done <<< "$table"
fi
if $check && { [ "$fused" -eq 0 ] || [ "$pairs" -ne 0 ]; }; then
    echo "check failed: the hot loops should use fused multiply-add on arm64 and leave no fmul+fadd pairs" >&2
    echo "fmla: $fused, fmul+fadd pairs: $pairs"
    exit 1
fi
echo "fmla: $fused, fmul+fadd pairs: $pairs"

/// Kernels that find the least value a row has among the columns of other groups, a part of
/// the row at a time: along one row, and down the columns of a block of rows (the same
/// entries seen as the rows of a symmetric matrix's lower triangle). Batch-hard mining
/// selects each anchor's nearest negative with them while its distance matrix is computed.
///
/// Each entry is compared on its own, so the results do not depend on the vector width.
package enum LeastOfOtherGroup {
    /// The least of values[j], j in 0..<count, over the columns whose groups[j] differ from
    /// `group`; the lowest `first + j` attaining it; and the second least (a repeat of the
    /// least counts as the second). +∞ where there is none.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func along<Scalar: TensorScalar>(_ values: UnsafePointer<Scalar>, groups: UnsafePointer<Int32>, count: Int,
                                                    group: Int32, first: Int32) -> (least: Scalar, index: Int32, second: Scalar) {
        var result: (least: Scalar, index: Int32, second: Scalar) = (.infinity, 0, .infinity), j = 0
        if Scalar.self == Float.self {
            let vector = values.withMemoryRebound(to: Float.self, capacity: count) {
                along($0, groups: groups, count: count, group: group, first: first)
            }
            (result, j) = ((Scalar(vector.least), vector.index, Scalar(vector.second)), vector.done)
        }
        while j < count {
            if groups[j] != group {
                let x = values[j]
                result.second = Swift.min(result.second, Swift.max(result.least, x))
                if x < result.least { (result.least, result.index) = (x, first + Int32(j)) }
            }
            j += 1
        }
        return result
    }

    /// `along` for `Float`, a vector of lanes at a time (two chains of them): the result for
    /// the whole vectors and how many entries they covered. Lanes keep the least and second
    /// least values only; the least's first column is searched for afterwards.
    @usableFromInline
    static func along(_ values: UnsafePointer<Float>, groups: UnsafePointer<Int32>, count: Int,
                      group: Int32, first: Int32) -> (least: Float, index: Int32, second: Float, done: Int) {
        typealias V = Reductions.Wide<Float>
        typealias I = Reductions.Wide<Int32>
        let w = V.scalarCount
        let (rawValues, rawGroups) = (UnsafeRawPointer(values), UnsafeRawPointer(groups))
        let own = I(repeating: group), far = V(repeating: .infinity)
        var (least, second, least1, second1) = (far, far, far, far)
        /// The vector at entry j, with +∞ in the columns of the row's own group.
        @inline(__always) func others(_ j: Int) -> V {
            rawValues.loadUnaligned(fromByteOffset: j * 4, as: V.self)
                .replacing(with: far, where: rawGroups.loadUnaligned(fromByteOffset: j * 4, as: I.self) .== own)
        }
        /// second = min(second, max(least, x)), then least = min(least, x).
        @inline(__always) func fold(_ x: V, _ least: inout V, _ second: inout V) {
            let high = least.replacing(with: x, where: x .> least)
            second.replace(with: high, where: high .< second)
            least.replace(with: x, where: x .< least)
        }
        var j = 0
        while j + 2 * w <= count {
            fold(others(j), &least, &second)
            fold(others(j + w), &least1, &second1)
            j += 2 * w
        }
        // The chains joined, and a last whole vector.
        fold(least1, &least, &second)
        second.replace(with: second1, where: second1 .< second)
        if j + w <= count {
            fold(others(j), &least, &second)
            j += w
        }
        // The lanes joined: the least of their least values; the second is the least of
        // their seconds and of the other lanes' least values (the same value in two lanes
        // is a repeat).
        let smallest = least.min()
        var rest = second.min(), seen = false
        for lane in 0..<w {
            if least[lane] == smallest && !seen { seen = true } else { rest = Swift.min(rest, least[lane]) }
        }
        // The first column of another group holding the least.
        var index: Int32 = 0
        if smallest < .infinity {
            var from = 0
            while let k = Reductions.firstIndex(values + from, j - from, below: smallest.nextUp) {
                if groups[from + k] != group {
                    index = first + Int32(from + k)
                    break
                }
                from += k + 1
            }
        }
        return (smallest, index, rest, j)
    }

    /// Folds values[j] (index `row`) into the candidates of the columns j in 0..<count whose
    /// groups[j] differ from `group`: candidate j is `least[j]`, `index[j]`, `second[j]`.
    /// Rows folded in increasing order keep the lowest index on ties.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func down<Scalar: TensorScalar>(_ values: UnsafePointer<Scalar>, groups: UnsafePointer<Int32>, count: Int,
                                                   group: Int32, row: Int32, least: UnsafeMutablePointer<Scalar>,
                                                   index: UnsafeMutablePointer<Int32>, second: UnsafeMutablePointer<Scalar>) {
        var j = 0
        if Scalar.self == Float.self {
            j = values.withMemoryRebound(to: Float.self, capacity: count) { v in
                least.withMemoryRebound(to: Float.self, capacity: count) { l in
                    second.withMemoryRebound(to: Float.self, capacity: count) { s in
                        down(v, groups: groups, count: count, group: group, row: row, least: l, index: index, second: s)
                    }
                }
            }
        }
        while j < count {
            if groups[j] != group {
                let x = values[j]
                second[j] = Swift.min(second[j], Swift.max(least[j], x))
                if x < least[j] { (least[j], index[j]) = (x, row) }
            }
            j += 1
        }
    }

    /// `down` for `Float`, a vector of lanes at a time; returns how many columns it covered.
    @usableFromInline
    static func down(_ values: UnsafePointer<Float>, groups: UnsafePointer<Int32>, count: Int, group: Int32, row: Int32,
                     least: UnsafeMutablePointer<Float>, index: UnsafeMutablePointer<Int32>, second: UnsafeMutablePointer<Float>) -> Int {
        typealias V = Reductions.Wide<Float>
        typealias I = Reductions.Wide<Int32>
        let w = V.scalarCount
        let (rawValues, rawGroups) = (UnsafeRawPointer(values), UnsafeRawPointer(groups))
        let (rawLeast, rawIndex, rawSecond) = (UnsafeMutableRawPointer(least), UnsafeMutableRawPointer(index), UnsafeMutableRawPointer(second))
        let own = I(repeating: group), rows = I(repeating: row)
        var j = 0
        while j + w <= count {
            let offset = j * 4
            let other = rawGroups.loadUnaligned(fromByteOffset: offset, as: I.self) .!= own
            let x = rawValues.loadUnaligned(fromByteOffset: offset, as: V.self)
            var l = rawLeast.loadUnaligned(fromByteOffset: offset, as: V.self)
            var s = rawSecond.loadUnaligned(fromByteOffset: offset, as: V.self)
            let high = l.replacing(with: x, where: x .> l)
            s.replace(with: high, where: other .& (high .< s))
            let below = other .& (x .< l)
            l.replace(with: x, where: below)
            rawLeast.storeBytes(of: l, toByteOffset: offset, as: V.self)
            rawSecond.storeBytes(of: s, toByteOffset: offset, as: V.self)
            rawIndex.storeBytes(of: rawIndex.loadUnaligned(fromByteOffset: offset, as: I.self).replacing(with: rows, where: below),
                                toByteOffset: offset, as: I.self)
            j += w
        }
        return j
    }
}

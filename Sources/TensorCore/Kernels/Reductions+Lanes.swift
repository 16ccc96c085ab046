/// The least and greatest lane of a vector, by halves in registers.
///
/// The standard library's `min()` and `max()` of a floating-point vector go lane by lane,
/// with the vector stored to the stack for each lane and NaN checks around each comparison:
/// measured, that tail took longer than the vectorised loop before it on a 512-wide row.
/// The accumulators these read never hold NaN (the loops skip it), so comparing halves
/// gives the same value.
extension Reductions {
    /// The least lane of v, which holds no NaN.
    @inlinable @inline(__always)
    static func leastLane(_ v: SIMD16<Float>) -> Float { leastLane(lesser(v.lowHalf, v.highHalf)) }

    /// The least lane of v, which holds no NaN.
    @inlinable @inline(__always)
    static func leastLane(_ v: SIMD8<Float>) -> Float { leastLane(lesser(v.lowHalf, v.highHalf)) }

    /// The least lane of v, which holds no NaN.
    @inlinable @inline(__always)
    static func leastLane(_ v: SIMD4<Float>) -> Float {
        let pair = lesser(v.lowHalf, v.highHalf)
        return pair[1] < pair[0] ? pair[1] : pair[0]
    }

    /// The greatest lane of v, which holds no NaN.
    @inlinable @inline(__always)
    static func greatestLane(_ v: SIMD16<Float>) -> Float { greatestLane(greater(v.lowHalf, v.highHalf)) }

    /// The greatest lane of v, which holds no NaN.
    @inlinable @inline(__always)
    static func greatestLane(_ v: SIMD8<Float>) -> Float { greatestLane(greater(v.lowHalf, v.highHalf)) }

    /// The greatest lane of v, which holds no NaN.
    @inlinable @inline(__always)
    static func greatestLane(_ v: SIMD4<Float>) -> Float {
        let pair = greater(v.lowHalf, v.highHalf)
        return pair[1] > pair[0] ? pair[1] : pair[0]
    }

    // Lane by lane, the lesser or greater of a and b. One overload per width: a comparison
    // generic over the vector type is built lane by lane, even when specialised.

    @inlinable @inline(__always)
    static func lesser(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: b, where: b .< a) }

    @inlinable @inline(__always)
    static func lesser(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> { a.replacing(with: b, where: b .< a) }

    @inlinable @inline(__always)
    static func lesser(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> SIMD2<Float> { a.replacing(with: b, where: b .< a) }

    @inlinable @inline(__always)
    static func greater(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: b, where: b .> a) }

    @inlinable @inline(__always)
    static func greater(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> { a.replacing(with: b, where: b .> a) }

    @inlinable @inline(__always)
    static func greater(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> SIMD2<Float> { a.replacing(with: b, where: b .> a) }
}

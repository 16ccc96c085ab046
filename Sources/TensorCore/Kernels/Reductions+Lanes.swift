/// The least or greatest lane of a vector, by halves in registers.
///
/// The standard library's `min()` and `max()` of a floating-point vector go lane by lane,
/// with the vector stored to the stack for each lane and NaN checks around each comparison:
/// measured, that tail took longer than the vectorised loop before it on a 512-wide row.
/// The accumulators these read never hold NaN (the loops skip it), so comparing halves
/// gives the same value.
extension Reductions {
    /// The greatest lane of v with `greatest`, else the least; v holds no NaN.
    @inlinable @inline(__always)
    static func extremeLane(_ v: SIMD16<Float>, greatest: Bool) -> Float {
        extremeLane(pick(v.lowHalf, v.highHalf, greatest: greatest), greatest: greatest)
    }

    /// The greatest lane of v with `greatest`, else the least; v holds no NaN.
    @inlinable @inline(__always)
    static func extremeLane(_ v: SIMD8<Float>, greatest: Bool) -> Float {
        extremeLane(pick(v.lowHalf, v.highHalf, greatest: greatest), greatest: greatest)
    }

    /// The greatest lane of v with `greatest`, else the least; v holds no NaN.
    @inlinable @inline(__always)
    static func extremeLane(_ v: SIMD4<Float>, greatest: Bool) -> Float {
        let pair = pick(v.lowHalf, v.highHalf, greatest: greatest)
        return pick(SIMD2(repeating: pair[0]), SIMD2(repeating: pair[1]), greatest: greatest)[0]
    }

    // Lane by lane, the greater of a and b with `greatest`, else the lesser. One overload per
    // width: a comparison generic over the vector type is built lane by lane, even when specialised.

    @inlinable @inline(__always)
    static func pick(_ a: SIMD8<Float>, _ b: SIMD8<Float>, greatest: Bool) -> SIMD8<Float> {
        a.replacing(with: b, where: greatest ? b .> a : b .< a)
    }

    @inlinable @inline(__always)
    static func pick(_ a: SIMD4<Float>, _ b: SIMD4<Float>, greatest: Bool) -> SIMD4<Float> {
        a.replacing(with: b, where: greatest ? b .> a : b .< a)
    }

    @inlinable @inline(__always)
    static func pick(_ a: SIMD2<Float>, _ b: SIMD2<Float>, greatest: Bool) -> SIMD2<Float> {
        a.replacing(with: b, where: greatest ? b .> a : b .< a)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// A floating-point type the library computes in: `Float` or `Double`.
///
/// The elementary functions come from the platform's C math library, so the
/// library needs no Foundation.
public protocol TensorScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable, CustomStringConvertible
{
    /// eˣ.
    static func exp(_ x: Self) -> Self
    /// ln x.
    static func log(_ x: Self) -> Self
    /// ln(1 + x), accurate for small x.
    static func log1p(_ x: Self) -> Self
    /// cos x.
    static func cos(_ x: Self) -> Self
    /// arccos x, in radians.
    static func acos(_ x: Self) -> Self
    /// tan x.
    static func tan(_ x: Self) -> Self
    /// xʸ.
    static func pow(_ x: Self, _ y: Self) -> Self
}

extension Float: TensorScalar {
    @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
    @inlinable public static func log(_ x: Float) -> Float { logf(x) }
    @inlinable public static func log1p(_ x: Float) -> Float { log1pf(x) }
    @inlinable public static func cos(_ x: Float) -> Float { cosf(x) }
    @inlinable public static func acos(_ x: Float) -> Float { acosf(x) }
    @inlinable public static func tan(_ x: Float) -> Float { tanf(x) }
    @inlinable public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
}

extension Double: TensorScalar {
    @inlinable public static func exp(_ x: Double) -> Double { _exp(x) }
    @inlinable public static func log(_ x: Double) -> Double { _log(x) }
    @inlinable public static func log1p(_ x: Double) -> Double { _log1p(x) }
    @inlinable public static func cos(_ x: Double) -> Double { _cos(x) }
    @inlinable public static func acos(_ x: Double) -> Double { _acos(x) }
    @inlinable public static func tan(_ x: Double) -> Double { _tan(x) }
    @inlinable public static func pow(_ x: Double, _ y: Double) -> Double { _pow(x, y) }
}

// The C functions, reachable under names that the static members above do not shadow.
@usableFromInline package func _exp(_ x: Double) -> Double { exp(x) }
@usableFromInline package func _log(_ x: Double) -> Double { log(x) }
@usableFromInline package func _log1p(_ x: Double) -> Double { log1p(x) }
@usableFromInline package func _cos(_ x: Double) -> Double { cos(x) }
@usableFromInline package func _acos(_ x: Double) -> Double { acos(x) }
@usableFromInline package func _tan(_ x: Double) -> Double { tan(x) }
@usableFromInline package func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }

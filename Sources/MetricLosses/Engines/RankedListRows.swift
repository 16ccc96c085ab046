import TensorCore

/// The row kernel of `RankedListLoss` over the dense `[N, M]` distance matrix.
///
/// Row i's positive entries with d > α − m (and d > 0) and negative entries with d < α (and
/// d > 0) are its mined sets. On each side, with x = d − (α − m), w = e^(T₊x) for the
/// positives and x = α − d, w = e^(T₋x) for the negatives,
///
///     L = Σ w·x / (Σ w + M·ε),   ε = 10⁻⁵ (PML adds ε at every one of the M columns)
///
/// and the term is (1 − λ)·L₊ + λ·L₋. The weights are shifted by the side's largest
/// exponent z when it is positive (w = e^(Tx − z), M·ε·e^(−z)), which leaves L unchanged and
/// finite for any temperature. The weights are not detached, as in PML:
///
///     ∂L₊/∂d = w·((1 + T₊x) − T₊L₊)/B₊,   ∂L₋/∂d = −w·((1 + T₋x) − T₋L₋)/B₋
///
/// for the denominators B. The forward pass keeps the row in the buffer; the pullback
/// recomputes the weights.
///
/// - Complexity: O(N·M).
@usableFromInline struct RankedListRows<Scalar: TensorScalar>: SoftmaxRowKernel {
    /// Per entry: 1 for a candidate positive, 2 for a candidate negative, 0 otherwise.
    @usableFromInline let kinds: [UInt8]
    /// The negative boundary α and the positive boundary α − m.
    @usableFromInline let alpha: Scalar, positiveBoundary: Scalar
    /// T₊ and T₋.
    @usableFromInline let positiveTemperature: Scalar, negativeTemperature: Scalar
    /// λ, the weight of the negative side.
    @usableFromInline let imbalance: Scalar

    @usableFromInline init(kinds: [UInt8], rows: Int, alpha: Scalar, margin: Scalar, positiveTemperature: Scalar, negativeTemperature: Scalar,
                           imbalance: Scalar) {
        (self.kinds, self.termCount, self.alpha, self.positiveBoundary) = (kinds, rows, alpha, alpha - margin)
        (self.positiveTemperature, self.negativeTemperature, self.imbalance) = (positiveTemperature, negativeTemperature, imbalance)
    }

    /// N: one term per anchor row.
    @usableFromInline let termCount: Int

    /// Per row and side: L, the denominator B and the shift z.
    @usableFromInline struct Side: Sendable {
        var loss: Scalar = 0, denominator: Scalar = 1, shift: Scalar = 0
    }

    /// The selected entry's x and exponent on `side` (0 positive, 1 negative), or nil.
    @inline(__always)
    func selected(_ d: Scalar, kind: UInt8, side: UInt8) -> (x: Scalar, exponent: Scalar)? {
        guard kind == side + 1, d > 0 else { return nil }
        if side == 0 { return d > positiveBoundary ? (d - positiveBoundary, positiveTemperature * (d - positiveBoundary)) : nil }
        return d < alpha ? (alpha - d, negativeTemperature * (alpha - d)) : nil
    }

    /// One side of a row: L, B and z.
    func side(_ row: UnsafePointer<Scalar>, _ kinds: UnsafePointer<UInt8>, m: Int, side: UInt8) -> Side {
        var shift: Scalar = 0
        for j in 0..<m { if let s = selected(row[j], kind: kinds[j], side: side) { shift = Swift.max(shift, s.exponent) } }
        var (numerator, weights): (Scalar, Scalar) = (0, 0)
        for j in 0..<m {
            guard let s = selected(row[j], kind: kinds[j], side: side) else { continue }
            let w = Scalar.exp(s.exponent - shift)
            (numerator, weights) = (numerator + w * s.x, weights + w)
        }
        let denominator = weights + Scalar(m) * 1e-5 * Scalar.exp(-shift)
        return Side(loss: numerator / denominator, denominator: denominator, shift: shift)
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int) -> (terms: [Scalar], state: [Side]) {
        if UnsafePointer(target) != source { target.update(from: source, count: n * m) }
        var terms = [Scalar](repeating: 0, count: n), state = [Side](repeating: Side(), count: 2 * n)
        kinds.withUnsafeBufferPointer { kb in
            terms.withUnsafeMutableBufferPointer { tb in
                state.withUnsafeMutableBufferPointer { sb in
                    nonisolated(unsafe) let (kp, tp, sp, source) = (kb.baseAddress!, tb.baseAddress!, sb.baseAddress!, source)
                    _ = parallelRanges(n, work: n * m * 16) { range in
                        for i in range {
                            let (plus, minus) = (side(source + i * m, kp + i * m, m: m, side: 0), side(source + i * m, kp + i * m, m: m, side: 1))
                            (sp[2 * i], sp[2 * i + 1]) = (plus, minus)
                            tp[i] = (1 - imbalance) * plus.loss + imbalance * minus.loss
                        }
                    }
                }
            }
        }
        return (terms, state)
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func gradient(_ buffer: UnsafeMutablePointer<Scalar>, _ state: [Side], upstream: [Scalar], n: Int, m: Int) {
        nonisolated(unsafe) let buffer = buffer
        kinds.withUnsafeBufferPointer { kb in
            nonisolated(unsafe) let kp = kb.baseAddress!
            _ = parallelRanges(n, work: n * m * 16) { range in
                for i in range {
                    let (row, kinds) = (buffer + i * m, kp + i * m)
                    for j in 0..<m {
                        let kind = kinds[j]
                        guard kind != 0, let s = selected(row[j], kind: kind, side: kind - 1) else { row[j] = 0; continue }
                        let side = state[2 * i + Int(kind) - 1]
                        let (factor, temperature) = kind == 1 ? ((1 - imbalance) * upstream[i], positiveTemperature)
                                                              : (-imbalance * upstream[i], negativeTemperature)
                        row[j] = factor * Scalar.exp(s.exponent - side.shift) * ((1 + temperature * s.x) - temperature * side.loss) / side.denominator
                    }
                }
            }
        }
    }
}

// Integer dot products of K-quant weight rows with q8_K activations (layouts in KQuants.swift).
// Per super-block, with a the activation codes and d_a their f32 scale:
//   q2_K, q4_K, q5_K:  d_a * (d * Σ_j sc_j Σ q a  -  dmin * Σ_j m_j Σ a)
//   q3_K, q6_K:        d_a * d * Σ_j sc_j Σ q a          (q already centred: q3 - 4·…, q6 - 32)
// Σ a over a sub-block comes from q8_K's bsums (sums of 16 codes), so the min term costs one
// integer multiply per sub-block.

extension KQuant {
    /// The sum of q8_K codes over elements `start..<start + length` (a multiple of 16), from bsums.
    @inline(__always)
    static func activationSum(_ act: UnsafeRawPointer, _ start: Int, _ length: Int) -> Int {
        var sum = 0
        for g in start / 16..<(start + length) / 16 {
            sum += Int(act.int16(Q8_K.bsums + 2 * g))
        }
        return sum
    }

    static func dotQ2_KQ8_K(_ w: UnsafeRawPointer, _ q8: UnsafeRawPointer, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q2_K.bytes, act = q8 + b * Q8_K.bytes, qs = block + Q2_K.qs
            var scaled = 0, mins = 0
            for j in 0..<16 {
                var sum = 0
                for e in 16 * j..<16 * j + 16 {
                    sum += twoBit(qs, e) * Int(act.int8(Q8_K.qs + e))
                }
                let packed = block.byte(Q2_K.scales + j)
                scaled += Int(packed & 0x0F) * sum
                mins += Int(packed >> 4) * activationSum(act, 16 * j, 16)
            }
            let da = act.f32(Q8_K.d)
            total += da * block.f16(Q2_K.d) * Float(scaled) - da * block.f16(Q2_K.dmin) * Float(mins)
        }
        return total
    }

    static func dotQ3_KQ8_K(_ w: UnsafeRawPointer, _ q8: UnsafeRawPointer, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q3_K.bytes, act = q8 + b * Q8_K.bytes
            let qs = block + Q3_K.qs, hmask = block + Q3_K.hmask, scales = block + Q3_K.scales
            var scaled = 0
            for j in 0..<16 {
                var sum = 0
                for e in 16 * j..<16 * j + 16 {
                    let q = twoBit(qs, e) - (highBit(hmask, e) == 1 ? 0 : 4)
                    sum += q * Int(act.int8(Q8_K.qs + e))
                }
                scaled += q3Scale(scales, j) * sum
            }
            total += act.f32(Q8_K.d) * block.f16(Q3_K.d) * Float(scaled)
        }
        return total
    }

    /// q4_K and q5_K against q8_K: (Σ_j sc_j Σ q a, Σ_j m_j Σ a) in integers; `qh` nil for q4_K.
    @inline(__always)
    static func integerDotWithSixBitScales(_ block: UnsafeRawPointer, _ act: UnsafeRawPointer,
                                           scales: Int, qs: Int, qh: Int?) -> (scaled: Int, mins: Int) {
        var scaled = 0, mins = 0
        for j in 0..<8 {
            var sum = 0
            for e in 32 * j..<32 * j + 32 {
                var q = nibble(block + qs, e)
                if let qh { q |= highBit(block + qh, e) << 4 }
                sum += q * Int(act.int8(Q8_K.qs + e))
            }
            let (scale, min) = scaleMin(block + scales, j)
            scaled += scale * sum
            mins += min * activationSum(act, 32 * j, 32)
        }
        return (scaled, mins)
    }

    static func dotQ4_KQ8_K(_ w: UnsafeRawPointer, _ q8: UnsafeRawPointer, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q4_K.bytes, act = q8 + b * Q8_K.bytes
            let (scaled, mins) = integerDotWithSixBitScales(block, act, scales: Q4_K.scales, qs: Q4_K.qs, qh: nil)
            let da = act.f32(Q8_K.d)
            total += da * block.f16(Q4_K.d) * Float(scaled) - da * block.f16(Q4_K.dmin) * Float(mins)
        }
        return total
    }

    static func dotQ5_KQ8_K(_ w: UnsafeRawPointer, _ q8: UnsafeRawPointer, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q5_K.bytes, act = q8 + b * Q8_K.bytes
            let (scaled, mins) = integerDotWithSixBitScales(block, act, scales: Q5_K.scales, qs: Q5_K.qs, qh: Q5_K.qh)
            let da = act.f32(Q8_K.d)
            total += da * block.f16(Q5_K.d) * Float(scaled) - da * block.f16(Q5_K.dmin) * Float(mins)
        }
        return total
    }

    static func dotQ6_KQ8_K(_ w: UnsafeRawPointer, _ q8: UnsafeRawPointer, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q6_K.bytes, act = q8 + b * Q8_K.bytes
            var scaled = 0
            for j in 0..<16 {
                var sum = 0
                for e in 16 * j..<16 * j + 16 {
                    sum += (q6Code(block, e) - 32) * Int(act.int8(Q8_K.qs + e))
                }
                scaled += Int(block.int8(Q6_K.scales + j)) * sum
            }
            total += act.f32(Q8_K.d) * block.f16(Q6_K.d) * Float(scaled)
        }
        return total
    }
}

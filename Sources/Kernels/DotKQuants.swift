// Dot products of K-quant weight rows (q2_K…q6_K, q8_K; layouts in KQuants.swift) with f32
// vectors, one 256-element super-block at a time. Per sub-block the kernel sums code * x (and x,
// for the formats with mins) and applies the sub-block's scale and min once:
//   Σ (d*sc*q - dmin*m) * x  =  d*sc * Σ q*x  -  dmin*m * Σ x.

extension KQuant {
    static func dotQ2_K(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q2_K.bytes, xb = x + b * blockSize, qs = block + Q2_K.qs
            var scaled: Float = 0, mins: Float = 0
            for j in 0..<16 {
                var codes: Float = 0, plain: Float = 0
                for e in 16 * j..<16 * j + 16 {
                    codes += Float(twoBit(qs, e)) * xb[e]
                    plain += xb[e]
                }
                let packed = block.byte(Q2_K.scales + j)
                scaled += Float(packed & 0x0F) * codes
                mins += Float(packed >> 4) * plain
            }
            total += block.f16(Q2_K.d) * scaled - block.f16(Q2_K.dmin) * mins
        }
        return total
    }

    static func dotQ3_K(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q3_K.bytes, xb = x + b * blockSize
            let qs = block + Q3_K.qs, hmask = block + Q3_K.hmask, scales = block + Q3_K.scales
            var scaled: Float = 0
            for j in 0..<16 {
                var codes: Float = 0
                for e in 16 * j..<16 * j + 16 {
                    let q = twoBit(qs, e) - (highBit(hmask, e) == 1 ? 0 : 4)
                    codes += Float(q) * xb[e]
                }
                scaled += Float(q3Scale(scales, j)) * codes
            }
            total += block.f16(Q3_K.d) * scaled
        }
        return total
    }

    /// q4_K and q5_K share everything but the fifth bit (`qh` is nil for q4_K).
    @inline(__always)
    static func dotWithSixBitScales(_ block: UnsafeRawPointer, _ xb: UnsafePointer<Float>,
                                    scales: Int, qs: Int, qh: Int?) -> (scaled: Float, mins: Float) {
        var scaled: Float = 0, mins: Float = 0
        for j in 0..<8 {
            var codes: Float = 0, plain: Float = 0
            for e in 32 * j..<32 * j + 32 {
                var q = nibble(block + qs, e)
                if let qh { q |= highBit(block + qh, e) << 4 }
                codes += Float(q) * xb[e]
                plain += xb[e]
            }
            let (scale, min) = scaleMin(block + scales, j)
            scaled += Float(scale) * codes
            mins += Float(min) * plain
        }
        return (scaled, mins)
    }

    static func dotQ4_K(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q4_K.bytes
            let (scaled, mins) = dotWithSixBitScales(block, x + b * blockSize, scales: Q4_K.scales,
                                                     qs: Q4_K.qs, qh: nil)
            total += block.f16(Q4_K.d) * scaled - block.f16(Q4_K.dmin) * mins
        }
        return total
    }

    static func dotQ5_K(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q5_K.bytes
            let (scaled, mins) = dotWithSixBitScales(block, x + b * blockSize, scales: Q5_K.scales,
                                                     qs: Q5_K.qs, qh: Q5_K.qh)
            total += block.f16(Q5_K.d) * scaled - block.f16(Q5_K.dmin) * mins
        }
        return total
    }

    static func dotQ6_K(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q6_K.bytes, xb = x + b * blockSize
            var scaled: Float = 0
            for j in 0..<16 {
                var codes: Float = 0
                for e in 16 * j..<16 * j + 16 {
                    codes += Float(q6Code(block, e) - 32) * xb[e]
                }
                scaled += Float(block.int8(Q6_K.scales + j)) * codes
            }
            total += block.f16(Q6_K.d) * scaled
        }
        return total
    }

    static func dotQ8_K(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q8_K.bytes, xb = x + b * blockSize
            var codes: Float = 0
            for e in 0..<blockSize { codes += Float(block.int8(Q8_K.qs + e)) * xb[e] }
            total += block.f32(Q8_K.d) * codes
        }
        return total
    }
}

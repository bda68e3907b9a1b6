// GGML's non-linear 4-bit formats IQ4_NL and IQ4_XS (ggml-common.h: block_iq4_nl, block_iq4_xs):
// layouts, scalar dequantize, dot with f32, integer dot with q8 activations, and a quantizer.
// Each 4-bit code indexes the fixed table `values` (kvalues_iq4nl) instead of being used linearly.
//
// Layouts (offsets in bytes, little-endian):
//   iq4_nl   18 B per 32:  d f16 @0, qs[16] @2 (nibbles as q4_0).       x = d * values[q]
//   iq4_xs  136 B per 256: d f16 @0, scales_h u16 @2, scales_l[4] @4, qs[128] @8. Eight sub-blocks
//           of 32, each with qs[16] nibbles as q4_0 and a 6-bit scale
//           ls_j = ((scales_l[j / 2] >> 4 (j % 2)) & 15) | ((scales_h >> 2 j) & 3) << 4;
//           x = d * (ls_j - 32) * values[q].
// Integer path (ggml's vec_dot_type): iq4_nl with q8_0 activations, iq4_xs with q8_K.
//   iq4_nl · q8_0:  d_w d_a Σ values[q] a
//   iq4_xs · q8_K:  d_w d_a Σ_j (ls_j - 32) Σ values[q] a

/// Block geometry and the value table of IQ4_NL / IQ4_XS.
enum IQ4 {
    /// kvalues_iq4nl: the 16 levels a code selects (times the block's scale).
    static let values: [Int8] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113]

    enum NL { static let bytes = 18, d = 0, qs = 2, blockSize = 32 }
    enum XS { static let bytes = 136, d = 0, scalesH = 2, scalesL = 4, qs = 8, blockSize = 256 }

    @inline(__always)
    static func value(_ code: Int) -> Int { Int(values[code]) }

    /// Table value of element `i` (0..<32) of a 16-byte nibble array.
    @inline(__always)
    static func element(_ qs: UnsafeRawPointer, _ i: Int) -> Int {
        value(Legacy.nibble(qs, i))
    }

    /// The 6-bit scale of sub-block `j` (0..<8) of an iq4_xs block, minus 32 (-32...31).
    @inline(__always)
    static func xsScale(_ block: UnsafeRawPointer, _ j: Int) -> Int {
        let low = Int(block.byte(XS.scalesL + j / 2) >> UInt8(4 * (j % 2))) & 15
        let high = Int(block.uint16(XS.scalesH) >> UInt16(2 * j)) & 3
        return (low | high << 4) - 32
    }
}

// MARK: - Dequantize and dot with f32

extension IQ4 {
    static func dequantizeNL(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = source + b * NL.bytes, out = y + b * NL.blockSize
            let d = block.f16(NL.d)
            for i in 0..<32 { out[i] = d * Float(element(block + NL.qs, i)) }
        }
    }

    static func dequantizeXS(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = source + b * XS.bytes, out = y + b * XS.blockSize
            let d = block.f16(XS.d)
            for j in 0..<8 {
                // GGML computes dl = d * ls first, then dl * value
                let dl = d * Float(xsScale(block, j))
                let qs = block + XS.qs + 16 * j
                for i in 0..<32 { out[32 * j + i] = dl * Float(element(qs, i)) }
            }
        }
    }

    static func dotNL(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * NL.bytes, xb = x + b * NL.blockSize
            var codes: Float = 0
            for i in 0..<32 { codes += Float(element(block + NL.qs, i)) * xb[i] }
            total += block.f16(NL.d) * codes
        }
        return total
    }

    static func dotXS(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * XS.bytes, xb = x + b * XS.blockSize
            var sum: Float = 0
            for j in 0..<8 {
                let qs = block + XS.qs + 16 * j
                var codes: Float = 0
                for i in 0..<32 { codes += Float(element(qs, i)) * xb[32 * j + i] }
                sum += Float(xsScale(block, j)) * codes
            }
            total += block.f16(XS.d) * sum
        }
        return total
    }
}

// MARK: - Integer dot products

extension IQ4 {
    /// Σ values[q_i] * a_i over 32 elements, in integers.
    @inline(__always)
    static func integerDot(_ qs: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Int {
        var sum = 0
        for i in 0..<32 { sum += element(qs, i) * Int(a.int8(i)) }
        return sum
    }

    static func dotNLQ8_0(_ w: UnsafeRawPointer, _ q8: UnsafeRawPointer, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * NL.bytes, act = q8 + b * Legacy.Q8_0.bytes
            let sum = integerDot(block + NL.qs, act + Legacy.Q8_0.qs)
            total += block.f16(NL.d) * act.f16(Legacy.Q8_0.d) * Float(sum)
        }
        return total
    }

    static func dotXSQ8_K(_ w: UnsafeRawPointer, _ q8: UnsafeRawPointer, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * XS.bytes, act = q8 + b * KQuant.Q8_K.bytes
            var sum = 0
            for j in 0..<8 {
                sum += xsScale(block, j) * integerDot(block + XS.qs + 16 * j, act + KQuant.Q8_K.qs + 32 * j)
            }
            total += block.f16(XS.d) * act.f32(KQuant.Q8_K.d) * Float(sum)
        }
        return total
    }
}

// MARK: - Quantizers

extension IQ4 {
    /// The code whose table value is nearest to `v` (the lower one on ties).
    @inline(__always)
    static func nearestCode(_ v: Float) -> Int {
        if !(v > Float(values[0])) { return 0 }
        if v >= Float(values[15]) { return 15 }
        var low = 0, high = 15
        while high - low > 1 {
            let mid = (low + high) / 2
            if v < Float(values[mid]) { high = mid } else { low = mid }
        }
        return v - Float(values[low]) <= Float(values[high]) - v ? low : high
    }

    /// The scale d minimizing Σ (x - d values[q(x/d)])² over 32 elements, searched over the
    /// inverse scales GGML tries ((step + values[0]) / max for step in -7...7, and the one that maps
    /// max to values[0]); for each candidate the codes are the nearest table entries and d the
    /// least-squares scale for those codes. Returns 0 for an all-zero block.
    static func bestScale(_ x: UnsafePointer<Float>) -> Float {
        var amax: Float = 0, signedMax: Float = 0
        for i in 0..<32 where abs(x[i]) > amax {
            amax = abs(x[i])
            signedMax = x[i]
        }
        guard amax > 0 else { return 0 }
        var bestD = signedMax / Float(values[0]), bestScore: Float = -1
        for step in -8...7 {
            let id = step == -8 ? Float(values[0]) / signedMax : (Float(step) + Float(values[0])) / signedMax
            var sumQX: Float = 0, sumQ2: Float = 0
            for i in 0..<32 {
                let q = Float(values[nearestCode(id * x[i])])
                sumQX += q * x[i]
                sumQ2 += q * q
            }
            // maximizing (Σqx)² / Σq² minimizes the squared error at d = Σqx / Σq²
            if sumQ2 > 0, sumQX * sumQX > bestScore * sumQ2 {
                bestScore = sumQX * sumQX / sumQ2
                bestD = sumQX / sumQ2
            }
        }
        return bestD
    }

    /// Writes 32 codes of `x` against the stored scale `d` as nibbles into `qs`.
    @inline(__always)
    static func packCodes(_ x: UnsafePointer<Float>, d: Float, into qs: UnsafeMutableRawPointer) {
        let id: Float = d != 0 ? 1 / d : 0
        Legacy.packNibbles({ nearestCode(x[$0] * id) }, into: qs)
    }

    static func quantizeNL(_ source: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = source + b * NL.blockSize, block = destination + b * NL.bytes
            let d = block.setF16(bestScale(x), at: NL.d)
            packCodes(x, d: d, into: block + NL.qs)
        }
    }

    /// Each sub-block's best scale, then one f16 d with 6-bit multipliers
    /// (d = max |scale| / 32, the largest-magnitude scale mapping to -32), then codes against
    /// each sub-block's stored scale.
    static func quantizeXS(_ source: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = source + b * XS.blockSize, block = destination + b * XS.bytes
            var scales = [Float](repeating: 0, count: 8)
            var amax: Float = 0, signedMax: Float = 0
            for j in 0..<8 {
                scales[j] = bestScale(x + 32 * j)
                if abs(scales[j]) > amax { amax = abs(scales[j]); signedMax = scales[j] }
            }
            let d = block.setF16(signedMax / -32, at: XS.d)
            let id: Float = d != 0 ? 1 / d : 0
            var scalesH: UInt16 = 0
            for j in 0..<8 {
                let l = nearestInt(id * scales[j], -32, 31) + 32
                scalesH |= UInt16(l >> 4) << UInt16(2 * j)
                let low = UInt8(l & 15) << UInt8(4 * (j % 2))
                block.setByte((j % 2 == 0 ? 0 : (block + XS.scalesL + j / 2).load(as: UInt8.self)) | low,
                              at: XS.scalesL + j / 2)
                packCodes(x + 32 * j, d: d * Float(l - 32), into: block + XS.qs + 16 * j)
            }
            block.setUInt16(scalesH, at: XS.scalesH)
        }
    }
}

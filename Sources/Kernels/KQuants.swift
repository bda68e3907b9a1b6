// GGML's K-quant 256-element super-blocks (ggml-common.h: block_q2_K … block_q6_K, block_q8_K):
// geometry, per-element code access, scale unpacking and the dequantizers.
//
// Layouts (offsets in bytes, little-endian; element e = 0..<256):
//   q2_K  84 B: scales[16] @0 (low nibble scale, high nibble min, per 16 elements), qs[64] @16,
//               d f16 @80, dmin f16 @82.                   x = d*sc*q - dmin*m,  q in 0...3
//   q3_K 110 B: hmask[32] @0, qs[64] @32, scales[12] @96 (16 six-bit values, stored +32), d @108.
//               x = d*(sc-32)*(q - (high bit set ? 0 : 4)),  q in 0...3
//   q4_K 144 B: d @0, dmin @2, scales[12] @4 (8 six-bit scale/min pairs, per 32), qs[128] @16.
//               x = d*sc*q - dmin*m,  q in 0...15
//   q5_K 176 B: d @0, dmin @2, scales[12] @4, qh[32] @16, qs[128] @48.  q in 0...31
//   q6_K 210 B: ql[128] @0, qh[64] @128, scales int8[16] @192 (per 16), d @208.
//               x = d*sc*(q - 32),  q in 0...63
//   q8_K 292 B: d f32 @0, qs int8[256] @4, bsums int16[16] @260 (sums of 16 consecutive qs).
// 2-bit codes (q2_K, q3_K low bits): element e is in byte 32*(e/128) + e%32, bits 2*((e%128)/32).
// High bits (q3_K hmask, q5_K qh): byte e%32, bit e/32.
// 4-bit codes (q4_K, q5_K low bits): byte 32*(e/64) + e%32, low nibble if (e/32) is even.
// q6_K: low 4 bits in ql[64*(e/128) + e%32 + 32*(k&1)] nibble k>>1, high 2 bits in
//       qh[32*(e/128) + e%32] bits 2k, where k = (e%128)/32.

/// Block geometry and bit access of the K-quant formats.
enum KQuant {
    static let blockSize = 256

    enum Q2_K { static let bytes = 84, scales = 0, qs = 16, d = 80, dmin = 82 }
    enum Q3_K { static let bytes = 110, hmask = 0, qs = 32, scales = 96, d = 108 }
    enum Q4_K { static let bytes = 144, d = 0, dmin = 2, scales = 4, qs = 16 }
    enum Q5_K { static let bytes = 176, d = 0, dmin = 2, scales = 4, qh = 16, qs = 48 }
    enum Q6_K { static let bytes = 210, ql = 0, qh = 128, scales = 192, d = 208 }
    enum Q8_K { static let bytes = 292, d = 0, qs = 4, bsums = 260 }

    /// The 2-bit code of element `e` in a 64-byte array (q2_K, low bits of q3_K).
    @inline(__always)
    static func twoBit(_ qs: UnsafeRawPointer, _ e: Int) -> Int {
        Int(qs.byte(32 * (e >> 7) + (e & 31)) >> UInt8(2 * ((e >> 5) & 3))) & 3
    }

    /// Bit `e / 32` of byte `e % 32` of a 32-byte mask (q3_K hmask, q5_K qh), as 0 or 1.
    @inline(__always)
    static func highBit(_ mask: UnsafeRawPointer, _ e: Int) -> Int {
        Int(mask.byte(e & 31) >> UInt8(e >> 5)) & 1
    }

    /// The 4-bit code of element `e` in a 128-byte array (q4_K, low bits of q5_K).
    @inline(__always)
    static func nibble(_ qs: UnsafeRawPointer, _ e: Int) -> Int {
        Int(qs.byte(32 * (e >> 6) + (e & 31)) >> UInt8(4 * ((e >> 5) & 1))) & 0x0F
    }

    /// The 6-bit code (0...63) of element `e` of a q6_K block.
    @inline(__always)
    static func q6Code(_ block: UnsafeRawPointer, _ e: Int) -> Int {
        let half = e >> 7, k = (e >> 5) & 3, l = e & 31
        let low = block.byte(Q6_K.ql + 64 * half + l + 32 * (k & 1)) >> UInt8(4 * (k >> 1))
        let high = block.byte(Q6_K.qh + 32 * half + l) >> UInt8(2 * k)
        return Int(low & 0x0F) | Int(high & 3) << 4
    }

    /// Scale and min (each 0...63) of 32-element sub-block `j` (0..<8) from q4_K/q5_K's 12 bytes:
    /// sub-blocks 0-3 keep them in the low 6 bits of bytes j and j+4; sub-blocks 4-7 keep their low
    /// 4 bits in the nibbles of byte j+4 and their top 2 bits in bits 6-7 of bytes j-4 and j.
    @inline(__always)
    static func scaleMin(_ scales: UnsafeRawPointer, _ j: Int) -> (scale: Int, min: Int) {
        if j < 4 {
            return (Int(scales.byte(j) & 63), Int(scales.byte(j + 4) & 63))
        }
        let packed = scales.byte(j + 4)
        let scale = Int(packed & 0x0F) | Int(scales.byte(j - 4) >> 6) << 4
        let min = Int(packed >> 4) | Int(scales.byte(j) >> 6) << 4
        return (scale, min)
    }

    /// Signed scale (-32...31) of 16-element sub-block `j` (0..<16) from q3_K's 12 bytes: low 4
    /// bits in byte j%8 (low nibble for j < 8, high nibble after), top 2 bits in byte 8 + j%4 at
    /// bit 2*(j/4); stored with +32 bias.
    @inline(__always)
    static func q3Scale(_ scales: UnsafeRawPointer, _ j: Int) -> Int {
        let low = Int(scales.byte(j & 7) >> UInt8(4 * (j >> 3))) & 0x0F
        let high = Int(scales.byte(8 + (j & 3)) >> UInt8(2 * (j >> 2))) & 3
        return (low | high << 4) - 32
    }
}

// MARK: - Dequantizers (one row of `blocks` super-blocks each)

extension KQuant {
    static func dequantizeQ2_K(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = source + b * Q2_K.bytes, out = y + b * blockSize
            let d = block.f16(Q2_K.d), dmin = block.f16(Q2_K.dmin)
            let qs = block + Q2_K.qs
            for j in 0..<16 {
                let packed = block.byte(Q2_K.scales + j)
                let dl = d * Float(packed & 0x0F), ml = dmin * Float(packed >> 4)
                for e in 16 * j..<16 * j + 16 {
                    out[e] = dl * Float(twoBit(qs, e)) - ml
                }
            }
        }
    }

    static func dequantizeQ3_K(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = source + b * Q3_K.bytes, out = y + b * blockSize
            let d = block.f16(Q3_K.d)
            let qs = block + Q3_K.qs, hmask = block + Q3_K.hmask, scales = block + Q3_K.scales
            for j in 0..<16 {
                let dl = d * Float(q3Scale(scales, j))
                for e in 16 * j..<16 * j + 16 {
                    let q = twoBit(qs, e) - (highBit(hmask, e) == 1 ? 0 : 4)
                    out[e] = dl * Float(q)
                }
            }
        }
    }

    static func dequantizeQ4_K(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = source + b * Q4_K.bytes, out = y + b * blockSize
            let d = block.f16(Q4_K.d), dmin = block.f16(Q4_K.dmin)
            let qs = block + Q4_K.qs
            for j in 0..<8 {
                let (scale, min) = scaleMin(block + Q4_K.scales, j)
                let dl = d * Float(scale), ml = dmin * Float(min)
                for e in 32 * j..<32 * j + 32 {
                    out[e] = dl * Float(nibble(qs, e)) - ml
                }
            }
        }
    }

    static func dequantizeQ5_K(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = source + b * Q5_K.bytes, out = y + b * blockSize
            let d = block.f16(Q5_K.d), dmin = block.f16(Q5_K.dmin)
            let qs = block + Q5_K.qs, qh = block + Q5_K.qh
            for j in 0..<8 {
                let (scale, min) = scaleMin(block + Q5_K.scales, j)
                let dl = d * Float(scale), ml = dmin * Float(min)
                for e in 32 * j..<32 * j + 32 {
                    out[e] = dl * Float(nibble(qs, e) | highBit(qh, e) << 4) - ml
                }
            }
        }
    }

    static func dequantizeQ6_K(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = source + b * Q6_K.bytes, out = y + b * blockSize
            let d = block.f16(Q6_K.d)
            for j in 0..<16 {
                let dl = d * Float(block.int8(Q6_K.scales + j))
                for e in 16 * j..<16 * j + 16 {
                    out[e] = dl * Float(q6Code(block, e) - 32)
                }
            }
        }
    }

    static func dequantizeQ8_K(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = source + b * Q8_K.bytes, out = y + b * blockSize
            let d = block.f32(Q8_K.d)
            for e in 0..<blockSize {
                out[e] = d * Float(block.int8(Q8_K.qs + e))
            }
        }
    }
}

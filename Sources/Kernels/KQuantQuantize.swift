// Quantizers for the K-quant weight formats q2_K…q6_K (layouts in KQuants.swift).
//
// These are simpler than ggml-quants.c's iterative make_qkx2/make_qx searches: one pass of
// min/max per sub-block, with every rounding of a scale done upward so the quantization grid
// always covers the sub-block (no element is clamped further than the grid allows). They produce
// valid blocks whose bytes differ from llama.cpp's but decode with these guarantees, where R_j is a
// sub-block's range max(x) - min(0, min(x)), A_j its largest magnitude, Rmax/Amax the largest over
// the super-block, nmax the top code and L the top scale code:
//   q2_K, q4_K, q5_K (x ≈ d*sc*q - dmin*m):  |error| ≤ R_j / (2 nmax) + 1.05 Rmax / (nmax L)
//   q3_K, q6_K (x ≈ d*sc*q, q in -N...N-1):  |error| ≤ A_j / N + 0.51 Amax / (N L)
// (q2_K: nmax 3, L 15; q4_K: 15, 63; q5_K: 31, 63; q3_K: N 4, L 31; q6_K: N 32, L 127.)

extension KQuant {
    /// The f16 super-scale for `largest / levels`, nudged up one f16 step at a time until
    /// `scale * levels >= largest`, so `ceil(need / scale) <= levels` for every need ≤ largest.
    /// Stores it at `offset` and returns the stored value.
    static func storeCoveringScale(_ largest: Float, levels: Int,
                                   in block: UnsafeMutableRawPointer, at offset: Int) -> Float {
        var bits = Half.f16(from: largest / Float(levels))
        while Half.float(fromF16: bits) * Float(levels) < largest && bits < 0x7C00 {
            bits += 1
        }
        block.setUInt16(bits, at: offset)
        return Half.float(fromF16: bits)
    }

    /// The smallest integer level with `level * unit >= need`, clamped to 0...levels (0 when the
    /// unit is zero).
    @inline(__always)
    static func ceilLevel(_ need: Float, _ unit: Float, _ levels: Int) -> Int {
        unit > 0 ? clampToInt((need / unit).rounded(.up), 0, levels) : 0
    }

    @inline(__always)
    static func orByte(_ block: UnsafeMutableRawPointer, _ offset: Int, _ value: Int) {
        block.setByte(UnsafeRawPointer(block).byte(offset) | UInt8(truncatingIfNeeded: value), at: offset)
    }

    /// x ≈ dl_j * q - ml_j per sub-block, q in 0...nmax, with dl_j = d * sc_j, ml_j = dmin * m_j and
    /// sc_j, m_j in 0...levels. Writes d and dmin; hands each sub-block's (sc, m) and each
    /// element's code to the format's packers.
    @inline(__always)
    static func quantizeWithMins(_ x: UnsafePointer<Float>, subBlocks: Int, size: Int, nmax: Int,
                                 levels: Int, block: UnsafeMutableRawPointer, d dOffset: Int,
                                 dmin dminOffset: Int, scale: (Int, Int, Int) -> Void,
                                 code: (Int, Int) -> Void) {
        func range(_ j: Int) -> (low: Float, high: Float) {
            var low: Float = 0, high = -Float.greatestFiniteMagnitude
            for e in j * size..<(j + 1) * size {
                low = min(low, x[e])
                high = max(high, x[e])
            }
            return (low, max(low, high))
        }
        var maxOffset: Float = 0
        for j in 0..<subBlocks { maxOffset = max(maxOffset, -range(j).low) }
        let dmin = storeCoveringScale(maxOffset, levels: levels, in: block, at: dminOffset)

        var maxStep: Float = 0
        for j in 0..<subBlocks {
            let (low, high) = range(j)
            let offset = dmin * Float(ceilLevel(-low, dmin, levels))
            maxStep = max(maxStep, (high + offset) / Float(nmax))
        }
        let d = storeCoveringScale(maxStep, levels: levels, in: block, at: dOffset)

        for j in 0..<subBlocks {
            let (low, high) = range(j)
            let m = ceilLevel(-low, dmin, levels)
            let offset = dmin * Float(m)
            let sc = ceilLevel((high + offset) / Float(nmax), d, levels)
            scale(j, sc, m)
            let step = d * Float(sc)
            for e in j * size..<(j + 1) * size {
                code(e, step > 0 ? nearestInt((x[e] + offset) / step, 0, nmax) : 0)
            }
        }
    }

    /// x ≈ d * sc_j * q per 16-element sub-block, q in -n...n-1, sc_j in -levels...levels; the
    /// sub-block's element of largest magnitude maps to -n. Writes d; hands each sub-block's scale
    /// and each element's signed code to the format's packers.
    @inline(__always)
    static func quantizeSymmetric(_ x: UnsafePointer<Float>, n: Int, levels: Int,
                                  block: UnsafeMutableRawPointer, d dOffset: Int,
                                  scale: (Int, Int) -> Void, code: (Int, Int) -> Void) {
        func target(_ j: Int) -> Float {
            Legacy.signedAbsMax(x + 16 * j, 16) / -Float(n)
        }
        var maxTarget: Float = 0
        for j in 0..<16 { maxTarget = max(maxTarget, abs(target(j))) }
        let d = storeCoveringScale(maxTarget, levels: levels, in: block, at: dOffset)
        for j in 0..<16 {
            let t = target(j)
            let level = ceilLevel(abs(t), d, levels)
            let sc = t < 0 ? -level : level
            scale(j, sc)
            let step = d * Float(sc)
            for e in 16 * j..<16 * j + 16 {
                code(e, step != 0 ? nearestInt(x[e] / step, -n, n - 1) : 0)
            }
        }
    }

    static func quantizeQ2_K(_ source: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let block = destination + b * Q2_K.bytes
            block.zero(Q2_K.bytes)
            quantizeWithMins(source + b * blockSize, subBlocks: 16, size: 16, nmax: 3, levels: 15,
                             block: block, d: Q2_K.d, dmin: Q2_K.dmin,
                             scale: { j, sc, m in block.setByte(UInt8(sc | m << 4), at: Q2_K.scales + j) },
                             code: { e, q in orByte(block, Q2_K.qs + 32 * (e >> 7) + (e & 31), q << (2 * ((e >> 5) & 3))) })
        }
    }

    /// Packs a q4_K/q5_K sub-block's 6-bit scale and min (see `scaleMin`).
    @inline(__always)
    static func packScaleMin(_ scales: UnsafeMutableRawPointer, _ j: Int, _ sc: Int, _ m: Int) {
        if j < 4 {
            orByte(scales, j, sc)
            orByte(scales, j + 4, m)
        } else {
            orByte(scales, j + 4, (sc & 0x0F) | (m & 0x0F) << 4)
            orByte(scales, j - 4, (sc >> 4) << 6)
            orByte(scales, j, (m >> 4) << 6)
        }
    }

    static func quantizeQ4_K(_ source: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let block = destination + b * Q4_K.bytes
            block.zero(Q4_K.bytes)
            quantizeWithMins(source + b * blockSize, subBlocks: 8, size: 32, nmax: 15, levels: 63,
                             block: block, d: Q4_K.d, dmin: Q4_K.dmin,
                             scale: { j, sc, m in packScaleMin(block + Q4_K.scales, j, sc, m) },
                             code: { e, q in orByte(block, Q4_K.qs + 32 * (e >> 6) + (e & 31), q << (4 * ((e >> 5) & 1))) })
        }
    }

    static func quantizeQ5_K(_ source: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let block = destination + b * Q5_K.bytes
            block.zero(Q5_K.bytes)
            quantizeWithMins(source + b * blockSize, subBlocks: 8, size: 32, nmax: 31, levels: 63,
                             block: block, d: Q5_K.d, dmin: Q5_K.dmin,
                             scale: { j, sc, m in packScaleMin(block + Q5_K.scales, j, sc, m) },
                             code: { e, q in
                                 orByte(block, Q5_K.qs + 32 * (e >> 6) + (e & 31), (q & 0x0F) << (4 * ((e >> 5) & 1)))
                                 orByte(block, Q5_K.qh + (e & 31), (q >> 4) << (e >> 5))
                             })
        }
    }

    static func quantizeQ3_K(_ source: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let block = destination + b * Q3_K.bytes
            block.zero(Q3_K.bytes)
            quantizeSymmetric(source + b * blockSize, n: 4, levels: 31, block: block, d: Q3_K.d,
                              scale: { j, sc in
                                  let stored = sc + 32
                                  orByte(block, Q3_K.scales + (j & 7), (stored & 0x0F) << (4 * (j >> 3)))
                                  orByte(block, Q3_K.scales + 8 + (j & 3), (stored >> 4) << (2 * (j >> 2)))
                              },
                              code: { e, q in
                                  let stored = q + 4   // 0...7: low 2 bits in qs, bit 2 in hmask
                                  orByte(block, Q3_K.qs + 32 * (e >> 7) + (e & 31), (stored & 3) << (2 * ((e >> 5) & 3)))
                                  orByte(block, Q3_K.hmask + (e & 31), (stored >> 2) << (e >> 5))
                              })
        }
    }

    static func quantizeQ6_K(_ source: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let block = destination + b * Q6_K.bytes
            block.zero(Q6_K.bytes)
            quantizeSymmetric(source + b * blockSize, n: 32, levels: 127, block: block, d: Q6_K.d,
                              scale: { j, sc in block.setByte(UInt8(bitPattern: Int8(sc)), at: Q6_K.scales + j) },
                              code: { e, q in
                                  let stored = q + 32, half = e >> 7, k = (e >> 5) & 3, l = e & 31
                                  orByte(block, Q6_K.ql + 64 * half + l + 32 * (k & 1), (stored & 0x0F) << (4 * (k >> 1)))
                                  orByte(block, Q6_K.qh + 32 * half + l, (stored >> 4) << (2 * k))
                              })
        }
    }
}

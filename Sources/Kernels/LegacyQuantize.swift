// Reference quantizers for GGML's legacy 32-element formats, rounding as ggml-quants.c's
// quantize_row_{q4_0,q4_1,q5_0,q5_1,q8_0,q8_1}_ref do, so the bytes match llama.cpp's
// (scales are computed in f32 from the unrounded data, then stored as f16):
//   q4_0/q5_0: d = (signed element of largest magnitude) / -8 (or -16); code = trunc(x/d + 8.5)
//              (or + 16.5), at most 15 (31). The extreme element lands on code 0.
//   q4_1/q5_1: d = (max - min) / 15 (or 31), m = min; code = trunc((x - min)/d + 0.5).
//   q8_0/q8_1: d = max|x| / 127; code = round-half-away(x/d); q8_1 also stores s = d * sum(codes).
// A block whose scale is zero gets the inverse scale 0, so its codes are the offset alone.

extension Legacy {
    /// Signed value of the element with the largest magnitude (the first one on ties).
    @inline(__always)
    static func signedAbsMax(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var amax: Float = 0, signedMax: Float = 0
        for i in 0..<n where abs(x[i]) > amax {
            amax = abs(x[i])
            signedMax = x[i]
        }
        return signedMax
    }

    @inline(__always)
    static func minMax(_ x: UnsafePointer<Float>, _ n: Int) -> (min: Float, max: Float) {
        var low = Float.greatestFiniteMagnitude, high = -Float.greatestFiniteMagnitude
        for i in 0..<n {
            if x[i] < low { low = x[i] }
            if x[i] > high { high = x[i] }
        }
        return (low, high)
    }

    /// `trunc(value)` clamped to 0...high, as GGML's `MIN(high, (int8_t)value)` for values ≥ 0.
    @inline(__always)
    static func truncatedCode(_ value: Float, _ high: Int) -> Int {
        clampToInt(value.rounded(.towardZero), 0, high)
    }

    /// Packs 32 codes (0...15 each, low 4 bits used) as nibbles: element i in byte i % 16, low
    /// nibble for i < 16.
    @inline(__always)
    static func packNibbles(_ codes: (Int) -> Int, into qs: UnsafeMutableRawPointer) {
        for j in 0..<16 {
            qs.setByte(UInt8(codes(j) & 0x0F) | UInt8(codes(j + 16) & 0x0F) << 4, at: j)
        }
    }

    /// The fifth bits of 32 codes as the little-endian `qh` word (bit i = code i's 0x10).
    @inline(__always)
    static func highBits(_ codes: (Int) -> Int) -> UInt32 {
        var qh: UInt32 = 0
        for i in 0..<32 {
            qh |= UInt32((codes(i) >> 4) & 1) << UInt32(i)
        }
        return qh
    }

    static func quantizeQ4_0(_ source: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = source + b * blockSize, block = destination + b * Q4_0.bytes
            let d = signedAbsMax(x, blockSize) / -8
            let id: Float = d != 0 ? 1 / d : 0
            block.setF16(d, at: Q4_0.d)
            packNibbles({ truncatedCode(x[$0] * id + 8.5, 15) }, into: block + Q4_0.qs)
        }
    }

    static func quantizeQ4_1(_ source: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = source + b * blockSize, block = destination + b * Q4_1.bytes
            let (low, high) = minMax(x, blockSize)
            let d = (high - low) / 15
            let id: Float = d != 0 ? 1 / d : 0
            block.setF16(d, at: Q4_1.d)
            block.setF16(low, at: Q4_1.m)
            packNibbles({ truncatedCode((x[$0] - low) * id + 0.5, 15) }, into: block + Q4_1.qs)
        }
    }

    static func quantizeQ5_0(_ source: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = source + b * blockSize, block = destination + b * Q5_0.bytes
            let d = signedAbsMax(x, blockSize) / -16
            let id: Float = d != 0 ? 1 / d : 0
            let code = { (i: Int) in truncatedCode(x[i] * id + 16.5, 31) }
            block.setF16(d, at: Q5_0.d)
            block.setUInt32(highBits(code), at: Q5_0.qh)
            packNibbles(code, into: block + Q5_0.qs)
        }
    }

    static func quantizeQ5_1(_ source: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = source + b * blockSize, block = destination + b * Q5_1.bytes
            let (low, high) = minMax(x, blockSize)
            let d = (high - low) / 31
            let id: Float = d != 0 ? 1 / d : 0
            let code = { (i: Int) in truncatedCode((x[i] - low) * id + 0.5, 31) }
            block.setF16(d, at: Q5_1.d)
            block.setF16(low, at: Q5_1.m)
            block.setUInt32(highBits(code), at: Q5_1.qh)
            packNibbles(code, into: block + Q5_1.qs)
        }
    }

    /// Codes of one q8 block into `qs`; returns their sum.
    @inline(__always)
    static func q8Codes(_ x: UnsafePointer<Float>, id: Float, into qs: UnsafeMutableRawPointer) -> Int {
        var sum = 0
        for i in 0..<blockSize {
            let q = clampToInt((x[i] * id).rounded(.toNearestOrAwayFromZero), -128, 127)
            qs.setByte(UInt8(bitPattern: Int8(q)), at: i)
            sum += q
        }
        return sum
    }

    @inline(__always)
    static func absMax(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var amax: Float = 0
        for i in 0..<n { amax = max(amax, abs(x[i])) }
        return amax
    }

    static func quantizeQ8_0(_ source: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = source + b * blockSize, block = destination + b * Q8_0.bytes
            let d = absMax(x, blockSize) / 127
            let id: Float = d != 0 ? 1 / d : 0
            block.setF16(d, at: Q8_0.d)
            _ = q8Codes(x, id: id, into: block + Q8_0.qs)
        }
    }

    static func quantizeQ8_1(_ source: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = source + b * blockSize, block = destination + b * Q8_1.bytes
            let d = absMax(x, blockSize) / 127
            let id: Float = d != 0 ? 1 / d : 0
            block.setF16(d, at: Q8_1.d)
            let sum = q8Codes(x, id: id, into: block + Q8_1.qs)
            block.setF16(Float(sum) * d, at: Q8_1.s)
        }
    }
}

// Dot products of one encoded weight row with an f32 vector, decoded block by block and never
// materialized: the public entry point, the float encodings and the legacy 32-element formats.
// The K-quants are in DotKQuants.swift; the integer (quantized-activation) path in
// DotQuantized.swift. Each format has its own scalar kernel so SIMD versions can sit beside it.

/// Dot products of GGML-encoded weight rows with activation vectors.
public enum Dot {
    /// `Σ w[i] * x[i]` over `count` elements, where `weights` is a row of `type` in GGML's block
    /// layout and `x` is f32. Decodes one block at a time (for block formats: the block's integer
    /// codes times `x`, summed, times the block's scales), so the row is never dequantized into
    /// memory and nothing is allocated. `count` must be a multiple of `type.blockSize`.
    public static func row(_ type: GGMLType, _ weights: UnsafeRawPointer, _ x: UnsafePointer<Float>,
                           count: Int) -> Float {
        let blocks = type.blocks(in: count)
        switch type {
        case .f32: return f32(weights, x, count: count)
        case .f16: return f16(weights, x, count: count)
        case .bf16: return bf16(weights, x, count: count)
        case .q4_0: return Legacy.dotQ4_0(weights, x, blocks: blocks)
        case .q4_1: return Legacy.dotQ4_1(weights, x, blocks: blocks)
        case .q5_0: return Legacy.dotQ5_0(weights, x, blocks: blocks)
        case .q5_1: return Legacy.dotQ5_1(weights, x, blocks: blocks)
        case .q8_0: return Legacy.dotQ8(weights, x, blocks: blocks, bytes: Legacy.Q8_0.bytes, qs: Legacy.Q8_0.qs)
        case .q8_1: return Legacy.dotQ8(weights, x, blocks: blocks, bytes: Legacy.Q8_1.bytes, qs: Legacy.Q8_1.qs)
        case .q2_K: return KQuant.dotQ2_K(weights, x, blocks: blocks)
        case .q3_K: return KQuant.dotQ3_K(weights, x, blocks: blocks)
        case .q4_K: return KQuant.dotQ4_K(weights, x, blocks: blocks)
        case .q5_K: return KQuant.dotQ5_K(weights, x, blocks: blocks)
        case .q6_K: return KQuant.dotQ6_K(weights, x, blocks: blocks)
        case .q8_K: return KQuant.dotQ8_K(weights, x, blocks: blocks)
        case .iq4_nl: return IQ4.dotNL(weights, x, blocks: blocks)
        case .iq4_xs: return IQ4.dotXS(weights, x, blocks: blocks)
        }
    }

    static func f32(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count { sum += w.f32(4 * i) * x[i] }
        return sum
    }

    static func f16(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count { sum += w.f16(2 * i) * x[i] }
        return sum
    }

    static func bf16(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count { sum += Half.float(fromBF16: w.uint16(2 * i)) * x[i] }
        return sum
    }
}

// MARK: - Legacy formats against f32

extension Legacy {
    /// `Σ (code_i - bias) * x_i` and `Σ x_i` over one 32-element block of nibble codes with fifth
    /// bits from `qh` (0 for the 4-bit formats).
    @inline(__always)
    static func codeDot(_ qs: UnsafeRawPointer, qh: UInt32, bias: Int,
                        _ x: UnsafePointer<Float>) -> (codes: Float, plain: Float) {
        var codes: Float = 0, plain: Float = 0
        for i in 0..<blockSize {
            codes += Float(fiveBit(qs, qh, i) - bias) * x[i]
            plain += x[i]
        }
        return (codes, plain)
    }

    static func dotQ4_0(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q4_0.bytes
            let (codes, _) = codeDot(block + Q4_0.qs, qh: 0, bias: 8, x + b * blockSize)
            total += block.f16(Q4_0.d) * codes
        }
        return total
    }

    static func dotQ4_1(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q4_1.bytes
            let (codes, plain) = codeDot(block + Q4_1.qs, qh: 0, bias: 0, x + b * blockSize)
            total += block.f16(Q4_1.d) * codes + block.f16(Q4_1.m) * plain
        }
        return total
    }

    static func dotQ5_0(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q5_0.bytes
            let (codes, _) = codeDot(block + Q5_0.qs, qh: block.uint32(Q5_0.qh), bias: 16, x + b * blockSize)
            total += block.f16(Q5_0.d) * codes
        }
        return total
    }

    static func dotQ5_1(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q5_1.bytes
            let (codes, plain) = codeDot(block + Q5_1.qs, qh: block.uint32(Q5_1.qh), bias: 0, x + b * blockSize)
            total += block.f16(Q5_1.d) * codes + block.f16(Q5_1.m) * plain
        }
        return total
    }

    /// q8_0 and q8_1 weights (the same codes; q8_1's extra sum field is not needed here).
    static func dotQ8(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int,
                      bytes: Int, qs: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * bytes, xb = x + b * blockSize
            var codes: Float = 0
            for i in 0..<blockSize { codes += Float(block.int8(qs + i)) * xb[i] }
            total += block.f16(0) * codes
        }
        return total
    }
}

// The integer dot-product path llama.cpp uses on CPUs: activations are quantized once per
// vector (q8_0, q8_1 or q8_K, by weight type, as ggml's vec_dot_type), then each weight block is
// multiplied with the matching activation block in integers, and floats enter only as one
// multiply by the two blocks' scales per block or sub-block. This file: the public entry point
// and the legacy formats; the K-quants are in DotQuantizedK.swift.
//
//   q4_0 · q8_0:  d_w d_a Σ (q-8) a          q4_1 · q8_1:  d_w d_a Σ q a + m_w s_a
//   q5_0 · q8_0:  d_w d_a Σ (q-16) a         q5_1 · q8_1:  d_w d_a Σ q a + m_w s_a
//   q8_0 · q8_0:  d_w d_a Σ q a              (s_a = d_a Σ a, stored in the q8_1 block)

extension GGMLType {
    /// The activation encoding `Dot.quantized` expects for weights of this type (ggml's
    /// `vec_dot_type`): q8_0 for q4_0, q5_0, q8_0 and iq4_nl; q8_1 for q4_1 and q5_1; q8_K for
    /// q2_K…q6_K and iq4_xs;
    /// nil where there is no integer path (f32, f16, bf16, q8_1, q8_K).
    public var dotActivationType: GGMLType? {
        switch self {
        case .q4_0, .q5_0, .q8_0, .iq4_nl: return .q8_0
        case .q4_1, .q5_1: return .q8_1
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq4_xs: return .q8_K
        case .f32, .f16, .bf16, .q8_1, .q8_K: return nil
        }
    }
}

extension Dot {
    /// `Σ w[i] * a[i]` over `count` elements with integer multiply-accumulate, where `weights` is a
    /// row of `type` and `activations` the same `count` elements quantized (with `Quantize.row`)
    /// to `type.dotActivationType`. The result equals the dot product of the dequantized weights
    /// with the dequantized activations up to f32 rounding (and, for q4_1/q5_1, the f16 rounding of
    /// q8_1's stored sum). Allocates nothing. `type` must have a `dotActivationType` and `count` be
    /// a multiple of its block size.
    public static func quantized(_ type: GGMLType, weights: UnsafeRawPointer,
                                 activations q8: UnsafeRawPointer, count: Int) -> Float {
        let blocks = type.blocks(in: count)
        switch type {
        case .q4_0: return Legacy.dotQ4_0Q8_0(weights, q8, blocks: blocks)
        case .q4_1: return Legacy.dotQ4_1Q8_1(weights, q8, blocks: blocks)
        case .q5_0: return Legacy.dotQ5_0Q8_0(weights, q8, blocks: blocks)
        case .q5_1: return Legacy.dotQ5_1Q8_1(weights, q8, blocks: blocks)
        case .q8_0: return Legacy.dotQ8_0Q8_0(weights, q8, blocks: blocks)
        case .q2_K: return KQuant.dotQ2_KQ8_K(weights, q8, blocks: blocks)
        case .q3_K: return KQuant.dotQ3_KQ8_K(weights, q8, blocks: blocks)
        case .q4_K: return KQuant.dotQ4_KQ8_K(weights, q8, blocks: blocks)
        case .q5_K: return KQuant.dotQ5_KQ8_K(weights, q8, blocks: blocks)
        case .q6_K: return KQuant.dotQ6_KQ8_K(weights, q8, blocks: blocks)
        case .iq4_nl: return IQ4.dotNLQ8_0(weights, q8, blocks: blocks)
        case .iq4_xs: return IQ4.dotXSQ8_K(weights, q8, blocks: blocks)
        case .f32, .f16, .bf16, .q8_1, .q8_K:
            preconditionFailure("Dot.quantized: no integer dot product for \(type) weights")
        }
    }
}

extension Legacy {
    /// `Σ (code_i - bias) * a_i` in integers over a 32-element nibble block (fifth bits from `qh`,
    /// 0 for the 4-bit formats) and 32 int8 activations.
    @inline(__always)
    static func integerDot(_ qs: UnsafeRawPointer, qh: UInt32, bias: Int, _ a: UnsafeRawPointer) -> Int {
        var sum = 0
        for i in 0..<blockSize {
            sum += (fiveBit(qs, qh, i) - bias) * Int(a.int8(i))
        }
        return sum
    }

    static func dotQ4_0Q8_0(_ w: UnsafeRawPointer, _ q8: UnsafeRawPointer, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q4_0.bytes, act = q8 + b * Q8_0.bytes
            let sum = integerDot(block + Q4_0.qs, qh: 0, bias: 8, act + Q8_0.qs)
            total += block.f16(Q4_0.d) * act.f16(Q8_0.d) * Float(sum)
        }
        return total
    }

    static func dotQ5_0Q8_0(_ w: UnsafeRawPointer, _ q8: UnsafeRawPointer, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q5_0.bytes, act = q8 + b * Q8_0.bytes
            let sum = integerDot(block + Q5_0.qs, qh: block.uint32(Q5_0.qh), bias: 16, act + Q8_0.qs)
            total += block.f16(Q5_0.d) * act.f16(Q8_0.d) * Float(sum)
        }
        return total
    }

    static func dotQ4_1Q8_1(_ w: UnsafeRawPointer, _ q8: UnsafeRawPointer, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q4_1.bytes, act = q8 + b * Q8_1.bytes
            let sum = integerDot(block + Q4_1.qs, qh: 0, bias: 0, act + Q8_1.qs)
            total += block.f16(Q4_1.d) * act.f16(Q8_1.d) * Float(sum) + block.f16(Q4_1.m) * act.f16(Q8_1.s)
        }
        return total
    }

    static func dotQ5_1Q8_1(_ w: UnsafeRawPointer, _ q8: UnsafeRawPointer, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q5_1.bytes, act = q8 + b * Q8_1.bytes
            let sum = integerDot(block + Q5_1.qs, qh: block.uint32(Q5_1.qh), bias: 0, act + Q8_1.qs)
            total += block.f16(Q5_1.d) * act.f16(Q8_1.d) * Float(sum) + block.f16(Q5_1.m) * act.f16(Q8_1.s)
        }
        return total
    }

    static func dotQ8_0Q8_0(_ w: UnsafeRawPointer, _ q8: UnsafeRawPointer, blocks: Int) -> Float {
        var total: Float = 0
        for b in 0..<blocks {
            let block = w + b * Q8_0.bytes, act = q8 + b * Q8_0.bytes
            var sum = 0
            for i in 0..<blockSize {
                sum += Int(block.int8(Q8_0.qs + i)) * Int(act.int8(Q8_0.qs + i))
            }
            total += block.f16(Q8_0.d) * act.f16(Q8_0.d) * Float(sum)
        }
        return total
    }
}

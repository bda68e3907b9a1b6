// Row quantization for every GGMLType: the public entry point, the plain float encodings
// (f32, f16, bf16) and Q8_K, the activation format of the K-quant dot products. The legacy
// quantizers are in LegacyQuantize.swift, the K-quant weight quantizers in KQuantQuantize.swift.

/// Encoding of f32 rows into GGML formats: for tests, fixtures, and activations of the integer
/// dot products (`Dot.quantized`).
public enum Quantize {
    /// Encodes `count` elements from `source` as `type` into `destination`, which must have room
    /// for `type.byteCount(elements: count)` bytes (no alignment needed). `count` must be a
    /// multiple of `type.blockSize`.
    ///
    /// f16, bf16, q8_0, q8_1, q4_0, q4_1, q5_0, q5_1 and q8_K give the same bytes as GGML's
    /// reference quantizers (`quantize_row_*_ref`). q2_K…q6_K use a simpler min/max quantizer than
    /// GGML's iterative search: the blocks are valid and every element is within the bounds
    /// documented on `KQuant`'s quantizers, but the bytes differ from llama.cpp's.
    public static func row(_ type: GGMLType, from source: UnsafePointer<Float>,
                           into destination: UnsafeMutableRawPointer, count: Int) {
        let blocks = type.blocks(in: count)
        switch type {
        case .f32: f32(source, destination, count: count)
        case .f16: f16(source, destination, count: count)
        case .bf16: bf16(source, destination, count: count)
        case .q4_0: Legacy.quantizeQ4_0(source, destination, blocks: blocks)
        case .q4_1: Legacy.quantizeQ4_1(source, destination, blocks: blocks)
        case .q5_0: Legacy.quantizeQ5_0(source, destination, blocks: blocks)
        case .q5_1: Legacy.quantizeQ5_1(source, destination, blocks: blocks)
        case .q8_0: Legacy.quantizeQ8_0(source, destination, blocks: blocks)
        case .q8_1: Legacy.quantizeQ8_1(source, destination, blocks: blocks)
        case .q2_K: KQuant.quantizeQ2_K(source, destination, blocks: blocks)
        case .q3_K: KQuant.quantizeQ3_K(source, destination, blocks: blocks)
        case .q4_K: KQuant.quantizeQ4_K(source, destination, blocks: blocks)
        case .q5_K: KQuant.quantizeQ5_K(source, destination, blocks: blocks)
        case .q6_K: KQuant.quantizeQ6_K(source, destination, blocks: blocks)
        case .q8_K: KQuant.quantizeQ8_K(source, destination, blocks: blocks)
        case .iq4_nl: IQ4.quantizeNL(source, destination, blocks: blocks)
        case .iq4_xs: IQ4.quantizeXS(source, destination, blocks: blocks)
        }
    }

    static func f32(_ x: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, count: Int) {
        for i in 0..<count {
            destination.setF32(x[i], at: 4 * i)
        }
    }

    static func f16(_ x: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, count: Int) {
        for i in 0..<count {
            destination.setUInt16(Half.f16(from: x[i]), at: 2 * i)
        }
    }

    static func bf16(_ x: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, count: Int) {
        for i in 0..<count {
            destination.setUInt16(Half.bf16(from: x[i]), at: 2 * i)
        }
    }
}

extension KQuant {
    /// GGML's reference Q8_K: per 256 elements, the signed element of largest magnitude maps to
    /// -127 (d = max / -127, stored as f32), every element to min(127, round-half-even(x / d)),
    /// and bsums holds the sums of each 16 codes. An all-zero block is all zeros.
    static func quantizeQ8_K(_ source: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer,
                             blocks: Int) {
        for b in 0..<blocks {
            let x = source + b * blockSize, block = destination + b * Q8_K.bytes
            var amax: Float = 0, signedMax: Float = 0
            for e in 0..<blockSize where abs(x[e]) > amax {
                amax = abs(x[e])
                signedMax = x[e]
            }
            guard amax > 0 else {
                block.zero(Q8_K.bytes)
                continue
            }
            let iscale = -127 / signedMax
            var sum = 0
            for e in 0..<blockSize {
                let q = nearestInt(iscale * x[e], -128, 127)
                block.setByte(UInt8(bitPattern: Int8(q)), at: Q8_K.qs + e)
                sum += q
                if e % 16 == 15 {
                    block.setUInt16(UInt16(bitPattern: Int16(sum)), at: Q8_K.bsums + 2 * (e / 16))
                    sum = 0
                }
            }
            block.setF32(1 / iscale, at: Q8_K.d)
        }
    }
}

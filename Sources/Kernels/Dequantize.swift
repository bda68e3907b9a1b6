// Row dequantization for every GGMLType: the public entry point, and the plain float encodings
// (f32, f16, bf16). The block formats are decoded in LegacyQuants.swift and KQuants.swift.

/// Decoding of GGML-encoded rows into f32.
public enum Dequantize {
    /// Decodes `count` elements of `type` from `source` into `destination`.
    ///
    /// `source` holds `type.byteCount(elements: count)` bytes in GGML's block layout (little-endian,
    /// no alignment needed); `count` must be a multiple of `type.blockSize` (a precondition: callers
    /// validate tensor shapes). Allocates nothing.
    public static func row(_ type: GGMLType, from source: UnsafeRawPointer,
                           into destination: UnsafeMutablePointer<Float>, count: Int) {
        let blocks = type.blocks(in: count)
        switch type {
        case .f32: f32(source, destination, count: count)
        case .f16: f16(source, destination, count: count)
        case .bf16: bf16(source, destination, count: count)
        case .q4_0: Legacy.dequantizeQ4_0(source, destination, blocks: blocks)
        case .q4_1: Legacy.dequantizeQ4_1(source, destination, blocks: blocks)
        case .q5_0: Legacy.dequantizeQ5_0(source, destination, blocks: blocks)
        case .q5_1: Legacy.dequantizeQ5_1(source, destination, blocks: blocks)
        case .q8_0: Legacy.dequantizeQ8_0(source, destination, blocks: blocks)
        case .q8_1: Legacy.dequantizeQ8_1(source, destination, blocks: blocks)
        case .q2_K: KQuant.dequantizeQ2_K(source, destination, blocks: blocks)
        case .q3_K: KQuant.dequantizeQ3_K(source, destination, blocks: blocks)
        case .q4_K: KQuant.dequantizeQ4_K(source, destination, blocks: blocks)
        case .q5_K: KQuant.dequantizeQ5_K(source, destination, blocks: blocks)
        case .q6_K: KQuant.dequantizeQ6_K(source, destination, blocks: blocks)
        case .q8_K: KQuant.dequantizeQ8_K(source, destination, blocks: blocks)
        case .iq4_nl: IQ4.dequantizeNL(source, destination, blocks: blocks)
        case .iq4_xs: IQ4.dequantizeXS(source, destination, blocks: blocks)
        }
    }

    /// Little-endian f32 elements, copied (the source may be unaligned).
    static func f32(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            y[i] = source.f32(4 * i)
        }
    }

    /// IEEE binary16 elements widened exactly.
    static func f16(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            y[i] = source.f16(2 * i)
        }
    }

    /// bfloat16 elements widened exactly.
    static func bf16(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            y[i] = Half.float(fromBF16: source.uint16(2 * i))
        }
    }
}

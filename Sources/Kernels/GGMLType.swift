/// A tensor encoding, with GGML's numeric ids as stored in GGUF tensor tables.
///
/// Weights stay in these encodings in memory; kernels dequantize or dot-product them directly.
/// `blockSize` elements are stored in `typeSize` bytes.
public enum GGMLType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q8_1 = 9
    case q2_K = 10
    case q3_K = 11
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case q8_K = 15
    case iq4_nl = 20
    case iq4_xs = 23
    case bf16 = 30

    /// Elements per block.
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16: return 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .iq4_nl: return 32
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K, .iq4_xs: return 256
        }
    }

    /// Bytes per block.
    public var typeSize: Int {
        switch self {
        case .f32: return 4
        case .f16, .bf16: return 2
        case .q4_0: return 2 + 16            // d (f16), 32 nibbles
        case .q4_1: return 2 + 2 + 16        // d, m, 32 nibbles
        case .q5_0: return 2 + 4 + 16        // d, high bits, 32 nibbles
        case .q5_1: return 2 + 2 + 4 + 16    // d, m, high bits, 32 nibbles
        case .q8_0: return 2 + 32            // d, 32 int8
        case .q8_1: return 4 + 32            // d (f16), s (f16), 32 int8
        case .q2_K: return 16 + 64 + 2 + 2   // scales, 2-bit quants, d, dmin
        case .q3_K: return 32 + 64 + 12 + 2  // high-bit mask, 2-bit quants, scales, d
        case .q4_K: return 2 + 2 + 12 + 128  // d, dmin, scales, 4-bit quants
        case .q5_K: return 2 + 2 + 12 + 32 + 128
        case .q6_K: return 128 + 64 + 16 + 2 // low 4 bits, high 2 bits, scales, d
        case .q8_K: return 4 + 256 + 32      // d (f32), 256 int8, block sums (int16 x 16)
        case .iq4_nl: return 2 + 16          // d, 32 nibbles indexing the non-linear table
        case .iq4_xs: return 2 + 2 + 4 + 128 // d, scales_h, scales_l, 4-bit indices
        }
    }

    /// GGML's name for the type ("q4_K", "f16", …).
    public var description: String {
        switch self {
        case .f32: return "f32"
        case .f16: return "f16"
        case .bf16: return "bf16"
        case .q4_0: return "q4_0"
        case .q4_1: return "q4_1"
        case .q5_0: return "q5_0"
        case .q5_1: return "q5_1"
        case .q8_0: return "q8_0"
        case .q8_1: return "q8_1"
        case .q2_K: return "q2_K"
        case .q3_K: return "q3_K"
        case .q4_K: return "q4_K"
        case .q5_K: return "q5_K"
        case .q6_K: return "q6_K"
        case .q8_K: return "q8_K"
        case .iq4_nl: return "iq4_nl"
        case .iq4_xs: return "iq4_xs"
        }
    }

    /// Bytes needed for `count` elements, or nil when `count` is not a whole number of blocks or
    /// the size overflows.
    public func byteCount(elements count: Int) -> Int? {
        guard count >= 0, count % blockSize == 0 else { return nil }
        let (bytes, overflow) = (count / blockSize).multipliedReportingOverflow(by: typeSize)
        return overflow ? nil : bytes
    }
}

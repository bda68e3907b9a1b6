internal import CKernels

/// Decode kernels for weights whose codes meet VNNI integer multiply-adds more cheaply than they
/// decode to f32: f32 activations split, per 32-element block with d = max|x| / 127, into three
/// int8 terms, x / d = h + l/128 + m/16384 + r with |r| ≤ 2^-15. Each element is carried to within
/// 2^-22 of its block's largest magnitude (f32 itself keeps 2^-24 of each element), and the
/// weights' integer products are summed exactly, so results stay within f32 round-off of
/// `ExactDot`: the exact path's decode. One term (h alone, 2^-8) is the q8 path's precision,
/// and its fastest decode. Every quantized weight type has a kernel (Sources/CKernels/split.c),
/// run on CPUs with AVX-512 VNNI; everywhere else callers keep `ExactDot` or `FastDot`. The layout of a split vector depends on
/// the weight type it meets (how that type's codes lie in memory).
public enum SplitDot {
    /// How many int8 terms carry each activation.
    public enum Terms: Int, Sendable {
        /// h alone: the q8 path's 8-bit activations.
        case one = 1
        /// h, l, m: within 2^-22 of each block's largest magnitude, the exact path.
        case three = 3
    }

    typealias RowsKernel = @convention(c) (UnsafeRawPointer?, Int, Int, Int, Int32, UnsafeRawPointer?, Int, Int,
                                           UnsafeMutablePointer<Float>?, Int) -> Void

    /// The kernel for weights of `type`: every quantized type has one.
    static func kernel(_ type: GGMLType) -> RowsKernel? {
        switch type {
        case .q8_0: return ck_split_q8_0_rows
        case .q4_0: return ck_split_q4_0_rows
        case .q4_1: return ck_split_q4_1_rows
        case .q5_0: return ck_split_q5_0_rows
        case .q5_1: return ck_split_q5_1_rows
        case .iq4_nl: return ck_split_iq4_nl_rows
        case .iq4_xs: return ck_split_iq4_xs_rows
        case .q2_K: return ck_split_q2_K_rows
        case .q3_K: return ck_split_q3_K_rows
        case .q4_K: return ck_split_q4_K_rows
        case .q5_K: return ck_split_q5_K_rows
        case .q6_K: return ck_split_q6_K_rows
        case .f32, .f16, .bf16, .q8_1, .q8_K: return nil
        }
    }

    /// Whether `block` runs for `type` here (a quantized weight type; AVX-512 VNNI, SIMD tier, not
    /// narrowed by MINOS_CPU or `ExactDot.limiting`).
    public static func isAvailable(for type: GGMLType) -> Bool {
        kernel(type) != nil && FastDot.tier == .simd && ck_split_available() != 0
    }

    /// Whether vectors for `type` take the K-quant layout (256-element super-blocks) rather than the
    /// legacy one (groups of four 32-element blocks; IQ4_XS's sub-blocks are laid out as those).
    static func usesSuperBlocks(_ type: GGMLType) -> Bool { [.q2_K, .q3_K, .q4_K, .q5_K, .q6_K].contains(type) }

    /// Bytes of one split vector of `count` elements (a multiple of `type`'s block size) for weights
    /// of `type`.
    public static func byteCount(for type: GGMLType, elements count: Int, terms: Terms) -> Int {
        let t = Int32(terms.rawValue)
        return usesSuperBlocks(type) ? ck_split_bytes_k(count, t) : ck_split_bytes(count, t)
    }

    /// Splits `count` values (a multiple of `type`'s block size) for weights of `type` into
    /// `destination` (`byteCount(for:elements:terms:)` bytes, 64-byte aligned). Only where
    /// `isAvailable(for: type)`.
    public static func encode(_ x: UnsafePointer<Float>, count: Int, for type: GGMLType, terms: Terms,
                              into destination: UnsafeMutableRawPointer) {
        precondition(count % type.blockSize == 0 && Int(bitPattern: destination) % 64 == 0,
                     "SplitDot.encode: \(count) values or an unaligned destination")
        let t = Int32(terms.rawValue)
        if usesSuperBlocks(type) {
            ck_split_encode_k(x, count, t, type == .q4_K || type == .q5_K ? 0 : 1, destination)
        } else {
            ck_split_encode(x, count, t, destination)
        }
    }

    /// y[v * yStride + r] = weight row r · split vector v (encoded for `type` with `terms`), for r
    /// in 0..<rows (row r at weights + r * rowBytes) and v in 0..<vectors (1...8; vector v at
    /// activations + v * stride). Only where `isAvailable(for: type)`.
    public static func block(_ type: GGMLType, weights: UnsafeRawPointer, rowBytes: Int, rows: Int, count: Int,
                             terms: Terms, activations: UnsafeRawPointer, stride: Int, vectors: Int,
                             y: UnsafeMutablePointer<Float>, yStride: Int) {
        precondition((1...ExactDot.maxVectors).contains(vectors))
        guard let kernel = kernel(type) else { preconditionFailure("SplitDot.block: no kernel for \(type)") }
        kernel(weights, rowBytes, rows, count, Int32(terms.rawValue), activations, stride, vectors, y, yStride)
    }
}

internal import CKernels

/// Decode kernels for weights whose codes meet VNNI integer multiply-adds more cheaply than they
/// decode to f32: f32 activations split, per 32-element block with d = max|x| / 127, into three
/// int8 terms, x / d = h + l/128 + m/16384 + r with |r| ≤ 2^-15. Each element is carried to within
/// 2^-22 of its block's largest magnitude (f32 itself keeps 2^-24 of each element), and the
/// weights' integer products are summed exactly, so results stay within f32 round-off of
/// `ExactDot`: the exact path's decode. One term (h alone, 2^-8) is the q8 path's precision,
/// and its fastest decode. every quantized type (Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, IQ4_XS, Q2_K…Q6_K) on CPUs with AVX-512 VNNI (Sources/CKernels/split.c);
/// everywhere else callers keep `ExactDot` or `FastDot`. The layout of a split vector depends on
/// the weight type it meets (how that type's codes lie in memory).
public enum SplitDot {
    /// How many int8 terms carry each activation.
    public enum Terms: Int, Sendable {
        /// h alone: the q8 path's 8-bit activations.
        case one = 1
        /// h, l, m: within 2^-22 of each block's largest magnitude, the exact path.
        case three = 3
    }

    /// The weight types with a kernel.
    public static let kinds: Set<GGMLType> = [.q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .iq4_nl, .iq4_xs, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K]

    /// Whether `block` runs for `type` here (one of `kinds`; AVX-512 VNNI, SIMD tier, not narrowed by
    /// MINOS_CPU or `ExactDot.limiting`).
    public static func isAvailable(for type: GGMLType) -> Bool {
        kinds.contains(type) && FastDot.tier == .simd && ck_split_available() != 0
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
        let t = Int32(terms.rawValue)
        switch type {
        case .q8_0: ck_split_q8_0_rows(weights, rowBytes, rows, count, t, activations, stride, vectors, y, yStride)
        case .q4_0: ck_split_q4_0_rows(weights, rowBytes, rows, count, t, activations, stride, vectors, y, yStride)
        case .q4_1: ck_split_q4_1_rows(weights, rowBytes, rows, count, t, activations, stride, vectors, y, yStride)
        case .q5_0: ck_split_q5_0_rows(weights, rowBytes, rows, count, t, activations, stride, vectors, y, yStride)
        case .q5_1: ck_split_q5_1_rows(weights, rowBytes, rows, count, t, activations, stride, vectors, y, yStride)
        case .iq4_nl: ck_split_iq4_nl_rows(weights, rowBytes, rows, count, t, activations, stride, vectors, y, yStride)
        case .iq4_xs: ck_split_iq4_xs_rows(weights, rowBytes, rows, count, t, activations, stride, vectors, y, yStride)
        case .q4_K: ck_split_q4_K_rows(weights, rowBytes, rows, count, t, activations, stride, vectors, y, yStride)
        case .q5_K: ck_split_q5_K_rows(weights, rowBytes, rows, count, t, activations, stride, vectors, y, yStride)
        case .q2_K: ck_split_q2_K_rows(weights, rowBytes, rows, count, t, activations, stride, vectors, y, yStride)
        case .q3_K: ck_split_q3_K_rows(weights, rowBytes, rows, count, t, activations, stride, vectors, y, yStride)
        case .q6_K: ck_split_q6_K_rows(weights, rowBytes, rows, count, t, activations, stride, vectors, y, yStride)
        default: preconditionFailure("SplitDot.block: no kernel for \(type)")
        }
    }
}

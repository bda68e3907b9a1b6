internal import CKernels

/// Decode kernels for weights whose codes meet VNNI integer multiply-adds more cheaply than they
/// decode to f32: f32 activations split, per 32-element block with d = max|x| / 127, into three
/// int8 terms, x / d = h + l/128 + m/16384 + r with |r| ≤ 2^-15. Each element is carried to within
/// 2^-22 of its block's largest magnitude (f32 itself keeps 2^-24 of each element), and the
/// weights' integer products are summed exactly, so results stay within f32 round-off of
/// `ExactDot`: the exact path's decode. One term (h alone, 2^-8) is the q8 path's precision,
/// and its fastest decode. Q4_0 on CPUs with AVX-512 VNNI (Sources/CKernels/split.c); everywhere
/// else callers keep `ExactDot` or `FastDot`.
public enum SplitDot {
    /// How many int8 terms carry each activation.
    public enum Terms: Int, Sendable {
        /// h alone: the q8 path's 8-bit activations.
        case one = 1
        /// h, l, m: within 2^-22 of each block's largest magnitude, the exact path.
        case three = 3
    }

    /// Whether `block` runs for `type` here (Q4_0, AVX-512 VNNI, SIMD tier, not narrowed by
    /// MINOS_CPU or `ExactDot.limiting`).
    public static func isAvailable(for type: GGMLType) -> Bool {
        type == .q4_0 && FastDot.tier == .simd && ck_split_available() != 0
    }

    /// Bytes of one split vector of `count` elements (a multiple of 32).
    public static func byteCount(elements count: Int, terms: Terms) -> Int { ck_split_bytes(count, Int32(terms.rawValue)) }

    /// Splits `count` values (a multiple of 32) into `destination` (`byteCount(elements:terms:)`
    /// bytes, 64-byte aligned).
    public static func encode(_ x: UnsafePointer<Float>, count: Int, terms: Terms, into destination: UnsafeMutableRawPointer) {
        precondition(count % 32 == 0 && Int(bitPattern: destination) % 64 == 0,
                     "SplitDot.encode: \(count) values or an unaligned destination")
        ck_split_encode(x, count, Int32(terms.rawValue), destination)
    }

    /// y[v * yStride + r] = weight row r · split vector v (encoded with `terms`), for r in
    /// 0..<rows (row r at weights + r * rowBytes) and v in 0..<vectors (1...8; vector v at
    /// activations + v * stride). Only where `isAvailable(for: type)`.
    public static func block(_ type: GGMLType, weights: UnsafeRawPointer, rowBytes: Int, rows: Int, count: Int,
                             terms: Terms, activations: UnsafeRawPointer, stride: Int, vectors: Int,
                             y: UnsafeMutablePointer<Float>, yStride: Int) {
        precondition(type == .q4_0 && (1...ExactDot.maxVectors).contains(vectors))
        ck_split_q4_0_rows(weights, rowBytes, rows, count, Int32(terms.rawValue), activations, stride, vectors, y, yStride)
    }
}

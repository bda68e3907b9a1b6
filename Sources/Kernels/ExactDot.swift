internal import CKernels

/// Weight rows times f32 activations with no rounding of the activations: the engine's default
/// path, within f32 round-off of `Dot.row`. AVX2 kernels for the common encodings (Q8_0, Q4_0,
/// Q5_0, Q4_K, Q6_K, F16, F32) when the CPU has them (`FastDot.tier`); `Dot.row` otherwise.
public enum ExactDot {
    /// Most activation vectors one `rows` call takes.
    public static let maxVectors = 8

    /// Whether `type` has an AVX2 kernel on this machine.
    public static func isAccelerated(_ type: GGMLType) -> Bool {
        FastDot.tier == .simd && kernel(type) != nil
    }

    /// out[v] = weight row · x_v for v in 0..<vectors (1...8), where x_v starts at x + v * xStride.
    @inline(__always)
    public static func rows(_ type: GGMLType, weights: UnsafeRawPointer, count: Int, x: UnsafePointer<Float>,
                            xStride: Int, vectors: Int, out: UnsafeMutablePointer<Float>) {
        if FastDot.tier == .simd, let kernel = kernel(type) {
            kernel(weights, count, x, xStride, vectors, out)
            return
        }
        for v in 0..<vectors { out[v] = Dot.row(type, weights, x + v * xStride, count: count) }
    }

    typealias Kernel = @convention(c) (UnsafeRawPointer?, Int, UnsafePointer<Float>?, Int, Int, UnsafeMutablePointer<Float>?) -> Void

    @inline(__always)
    static func kernel(_ type: GGMLType) -> Kernel? {
        switch type {
        case .q8_0: return ck_rowsf_q8_0
        case .q4_0: return ck_rowsf_q4_0
        case .q5_0: return ck_rowsf_q5_0
        case .q4_K: return ck_rowsf_q4_K
        case .q6_K: return ck_rowsf_q6_K
        case .f16: return ck_rowsf_f16
        case .f32: return ck_rowsf_f32
        default: return nil
        }
    }
}

internal import CKernels

/// Weight rows times f32 activations with no rounding of the activations: the engine's default
/// path, within f32 round-off of `Dot.row`. C kernels (CKernels' ck_rowsf_*, AVX-512 where the CPU
/// has it, else AVX2) for every encoding listed in `kernel(_:)` when the tier is `.simd`; `Dot.row`
/// otherwise.
public enum ExactDot {
    /// Most activation vectors one `rows` call takes.
    public static let maxVectors = 8

    /// Whether `type` has a SIMD kernel on this machine.
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

    /// y[v * yStride + r] = weight row r · x_v for r in 0..<rows (row r at weights + r * rowBytes)
    /// and v in 0..<vectors (1...8): `rows` for a block of rows in one call.
    @inline(__always)
    public static func block(_ type: GGMLType, weights: UnsafeRawPointer, rowBytes: Int, rows: Int, count: Int,
                             x: UnsafePointer<Float>, xStride: Int, vectors: Int, y: UnsafeMutablePointer<Float>, yStride: Int) {
        if FastDot.tier == .simd, let kernel = rowsKernel(type) {
            kernel(weights, rowBytes, rows, count, x, xStride, vectors, y, yStride)
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: maxVectors) { out in
            for r in 0..<rows {
                Self.rows(type, weights: weights + r * rowBytes, count: count, x: x, xStride: xStride, vectors: vectors,
                          out: out.baseAddress!)
                for v in 0..<vectors { y[v * yStride + r] = out[v] }
            }
        }
    }

    /// Runs `body` with the calling thread's `rows` kernels limited to `path` (`.avx2` runs their
    /// AVX2 code on an AVX-512 machine), then restores the previous limit; other threads are
    /// unaffected. For tests that check every SIMD path in one process: `body` must not suspend.
    /// `.scalar` is `Dot.row` itself and cannot be selected here (the SIMD kernels still run).
    public static func limiting<T>(to path: CPUPath, _ body: () throws -> T) rethrows -> T {
        let previous = ck_rowsf_thread_limit(path.mask.rawValue)
        defer { _ = ck_rowsf_thread_limit(previous) }
        return try body()
    }

    typealias RowsKernel = @convention(c) (UnsafeRawPointer?, Int, Int, Int, UnsafePointer<Float>?, Int, Int,
                                           UnsafeMutablePointer<Float>?, Int) -> Void

    /// The kernels with the row loop inside: one for every encoding `kernel` has.
    @inline(__always)
    static func rowsKernel(_ type: GGMLType) -> RowsKernel? {
        switch type {
        case .q8_0: return ck_rowsf_q8_0_rows
        case .q4_0: return ck_rowsf_q4_0_rows
        case .q4_1: return ck_rowsf_q4_1_rows
        case .q5_0: return ck_rowsf_q5_0_rows
        case .q5_1: return ck_rowsf_q5_1_rows
        case .q2_K: return ck_rowsf_q2_K_rows
        case .q3_K: return ck_rowsf_q3_K_rows
        case .q4_K: return ck_rowsf_q4_K_rows
        case .q5_K: return ck_rowsf_q5_K_rows
        case .q6_K: return ck_rowsf_q6_K_rows
        case .f16: return ck_rowsf_f16_rows
        case .bf16: return ck_rowsf_bf16_rows
        case .f32: return ck_rowsf_f32_rows
        case .iq4_nl: return ck_rowsf_iq4_nl_rows
        case .iq4_xs: return ck_rowsf_iq4_xs_rows
        default: return nil
        }
    }

    typealias Kernel = @convention(c) (UnsafeRawPointer?, Int, UnsafePointer<Float>?, Int, Int, UnsafeMutablePointer<Float>?) -> Void

    @inline(__always)
    static func kernel(_ type: GGMLType) -> Kernel? {
        switch type {
        case .q8_0: return ck_rowsf_q8_0
        case .q4_0: return ck_rowsf_q4_0
        case .q4_1: return ck_rowsf_q4_1
        case .q5_0: return ck_rowsf_q5_0
        case .q5_1: return ck_rowsf_q5_1
        case .q2_K: return ck_rowsf_q2_K
        case .q3_K: return ck_rowsf_q3_K
        case .q4_K: return ck_rowsf_q4_K
        case .q5_K: return ck_rowsf_q5_K
        case .q6_K: return ck_rowsf_q6_K
        case .f16: return ck_rowsf_f16
        case .bf16: return ck_rowsf_bf16
        case .f32: return ck_rowsf_f32
        case .iq4_nl: return ck_rowsf_iq4_nl
        case .iq4_xs: return ck_rowsf_iq4_xs
        default: return nil
        }
    }
}

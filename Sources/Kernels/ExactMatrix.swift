internal import CKernels

/// Weight matrices times batches of f32 activations with no rounding of the activations: the exact
/// path's prefill. Panels of 16 weight rows are decoded to f32 once (per 1024 columns) and multiplied
/// into every token by register-blocked f32 tiles (CKernels' `ck_matrix_exact`), so decoding costs
/// once per batch rather than once per token; results equal `Dot.row`'s up to the order of f32
/// additions. On the scalar tier (or for an encoding without a C decoder) each row is decoded with
/// `Dequantize.row` and dotted with plain loops.
public enum ExactMatrix {
    /// Floats of scratch `multiply` needs for rows of `columns` elements: one decoded panel
    /// (16 x 1024 floats, 64 KiB), or one whole row on the scalar path if that is longer.
    public static func scratchCount(columns: Int) -> Int {
        max(Int(CK_PANEL_FLOATS), columns)
    }

    /// Whether `type` runs the C kernels on this machine.
    public static func isAccelerated(_ type: GGMLType) -> Bool {
        FastDot.tier == .simd && decoder(type) != nil
    }

    /// y[t * yStride + r] = (row r of `weights`) · x[t] for r in `rows` and t in 0..<tokens, where row r
    /// starts at weights + r * rowBytes and holds `columns` elements of `type`, and token t's
    /// activations are x[t * columns ..< (t + 1) * columns].
    ///
    /// `scratch` (at least `scratchCount(columns:)` floats) holds the decoded panel; without one,
    /// the call takes it from the stack or heap for its duration. The engine passes none: each
    /// worker's share of a matrix is one call, so one 64 KiB allocation per thread and matrix is
    /// noise next to the product, and scratch that lives only during the call stays outside the
    /// memory budget, which accounts for weights and KV caches.
    public static func multiply(_ type: GGMLType, weights: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>,
                                columns: Int, x: UnsafePointer<Float>, tokens: Int,
                                y: UnsafeMutablePointer<Float>, yStride: Int,
                                scratch: UnsafeMutablePointer<Float>? = nil) {
        guard !rows.isEmpty, tokens > 0 else { return }
        if let scratch {
            run(type, weights, rowBytes, rows, columns, x, tokens, y, yStride, scratch)
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: scratchCount(columns: columns)) { buffer in
            run(type, weights, rowBytes, rows, columns, x, tokens, y, yStride, buffer.baseAddress!)
        }
    }

    private static func run(_ type: GGMLType, _ weights: UnsafeRawPointer, _ rowBytes: Int, _ rows: Range<Int>,
                            _ columns: Int, _ x: UnsafePointer<Float>, _ tokens: Int,
                            _ y: UnsafeMutablePointer<Float>, _ yStride: Int, _ scratch: UnsafeMutablePointer<Float>) {
        if FastDot.tier == .simd, let decode = decoder(type) {
            ck_matrix_exact(decode, type.blockSize, type.typeSize, weights + rows.lowerBound * rowBytes, rowBytes,
                            rows.count, columns, x, columns, tokens, y + rows.lowerBound, yStride, scratch)
            return
        }
        scalar(type, weights, rowBytes, rows, columns, x, tokens, y, yStride, scratch)
    }

    /// Runs `body` with this thread's panel kernels narrowed to `path` (AVX2 or AVX-512 bodies, within
    /// what the CPU and MINOS_CPU allow), leaving other threads alone: how tests cover both paths.
    public static func limiting<T>(to path: CPUPath, _ body: () throws -> T) rethrows -> T {
        let previous = ck_gemm_thread_limit(path.mask.rawValue)
        defer { _ = ck_gemm_thread_limit(previous) }
        return try body()
    }

    /// Decodes `count` elements of `type` with the C decoder (bit-identical to `Dequantize.row`);
    /// false, writing nothing, on the scalar tier or for an encoding without one.
    package static func dequantize(_ type: GGMLType, from source: UnsafeRawPointer,
                                   into destination: UnsafeMutablePointer<Float>, count: Int) -> Bool {
        guard FastDot.tier == .simd, let decode = decoder(type) else { return false }
        decode(source, destination, count)
        return true
    }

    /// The reference: each row decoded by `Dequantize.row`, then one plain dot per token.
    package static func scalar(_ type: GGMLType, _ weights: UnsafeRawPointer, _ rowBytes: Int, _ rows: Range<Int>,
                       _ columns: Int, _ x: UnsafePointer<Float>, _ tokens: Int,
                       _ y: UnsafeMutablePointer<Float>, _ yStride: Int, _ row: UnsafeMutablePointer<Float>) {
        for r in rows {
            Dequantize.row(type, from: weights + r * rowBytes, into: row, count: columns)
            for t in 0..<tokens {
                let xt = x + t * columns
                var sum: Float = 0
                for i in 0..<columns { sum += row[i] * xt[i] }
                y[t * yStride + r] = sum
            }
        }
    }

    typealias Decoder = @convention(c) (UnsafeRawPointer?, UnsafeMutablePointer<Float>?, Int) -> Void

    /// The C decoder of `type`, bit-identical to `Dequantize.row`; nil where there is none.
    static func decoder(_ type: GGMLType) -> Decoder? {
        switch type {
        case .f32: return ck_dequant_f32
        case .f16: return ck_dequant_f16
        case .bf16: return ck_dequant_bf16
        case .q4_0: return ck_dequant_q4_0
        case .q4_1: return ck_dequant_q4_1
        case .q5_0: return ck_dequant_q5_0
        case .q5_1: return ck_dequant_q5_1
        case .q8_0: return ck_dequant_q8_0
        case .q2_K: return ck_dequant_q2_K
        case .q3_K: return ck_dequant_q3_K
        case .q4_K: return ck_dequant_q4_K
        case .q5_K: return ck_dequant_q5_K
        case .q6_K: return ck_dequant_q6_K
        case .iq4_nl: return ck_dequant_iq4_nl
        case .iq4_xs: return ck_dequant_iq4_xs
        default: return nil
        }
    }
}

internal import CKernels

/// The engine's elementwise and attention loops in C (CKernels' vector_ops.c, AVX2/FMA), for when
/// the CPU path is not scalar: the engine's Swift is compiled for baseline x86-64, where SIMD types
/// become SSE. `isAccelerated` says whether to call them; the engine keeps Swift versions for the
/// scalar path (`MINOS_DISABLE_SIMD=1`, or a CPU without AVX2).
public enum VectorKernels {
    public static let isAccelerated = FastDot.tier == .simd

    /// Softmax in place; -infinity entries get exactly 0.
    @inline(__always)
    public static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
        ck_softmax_f32(x, count)
    }

    /// gate[i] = silu(gate[i]) · up[i].
    @inline(__always)
    public static func swiGLU(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
        ck_swiglu_f32(gate, up, count)
    }

    /// Attention scores of one query against `count` keys `keyStride` floats apart: masked (-∞)
    /// where the key's position, read `positionStride` apart, is beyond `limit`.
    @inline(__always)
    public static func attendScores(query: UnsafePointer<Float>, keys: UnsafePointer<Float>, keyStride: Int, count: Int,
                                    dimension: Int, scale: Float, positions: UnsafePointer<Int32>, positionStride: Int,
                                    limit: Int32, scores: UnsafeMutablePointer<Float>) {
        ck_attend_scores(query, keys, keyStride, count, dimension, scale, positions, positionStride, limit, scores)
    }

    /// scores[j] = positions[j] > limit ? -∞ : scores[j] · scale.
    @inline(__always)
    public static func attendMask(_ scores: UnsafeMutablePointer<Float>, count: Int, scale: Float,
                                  positions: UnsafePointer<Int32>, limit: Int32) {
        ck_attend_mask(scores, count, scale, positions, limit)
    }

    /// c[t · cStride + r] = p_r · a_t over `k` floats, for r < rows (p_r at p + r · pStride) and
    /// t < tokens (a_t at a + t · aStride): the prefill path's f32 product tiles.
    @inline(__always)
    public static func product(_ p: UnsafePointer<Float>, pStride: Int, rows: Int, _ a: UnsafePointer<Float>, aStride: Int,
                               tokens: Int, k: Int, into c: UnsafeMutablePointer<Float>, cStride: Int) {
        ck_gemm_f32(p, pStride, rows, a, aStride, tokens, k, c, cStride, 0)
    }

    /// out += Σ weights[j] · value j over the j with positive weight.
    @inline(__always)
    public static func attendValues(weights: UnsafePointer<Float>, values: UnsafePointer<Float>, valueStride: Int, count: Int,
                                    dimension: Int, into out: UnsafeMutablePointer<Float>) {
        ck_attend_values(weights, values, valueStride, count, dimension, out)
    }
}

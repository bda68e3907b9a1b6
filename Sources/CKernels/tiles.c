// AVX2 tiles for prefill: up to 4 weight rows x up to 4 activation vectors per call, the fast tier
// of MatMul.quantizedMatrix / MatMul.matrix (Sources/Kernels/MatMul.swift) restricted to one tile.
// Each weight block is loaded and unpacked once and multiplied with the matching block of every
// vector, so a weight matrix streams from memory once per 4 tokens instead of once per token.
//
// Layout of the work: a row's unpacked codes for one block meet each vector's codes
// (maddubs/madd, as in dot_legacy.c / dot_kquants.c), giving one i32 vector per activation
// vector; ck_reduce4 folds those 4 into one whose lanes are the 4 vectors (twice: low and high
// half), so the scales of all 4 (row, vector) pairs are applied in a single FMA. A row's
// accumulator's lanes v and v + 4 sum to dot(row, vector v). The legacy tiles go block by block
// over all 4 rows (sharing each block's activation-side work: scales, code-offset sums); the
// K-quant tiles go row by row (all vectors' blocks stay in L1), which keeps their registers free.
//
// One vector goes to the row kernels (dot_legacy.c, dot_kquants.c, dot_float.c), which are
// faster than a tile's folding for a single vector. Legacy and f16 tiles compute rows past `rows`
// on a repeat of the last row and drop the results; vectors past `vectors` are zero.
// out[v * out_stride + r] receives dot(row r, vector v); nothing else is written. The tiles
// prefetch ahead, into the caller's next rows (prefetches never fault).

#include "ck_vnni.h"

#ifdef CK_X86

enum { T_Q8_0, T_Q4_0, T_Q4_1, T_Q5_0, T_Q5_1 };

/// Pointers to the 4 rows, repeating the last real one.
CK_INLINE void row_pointers(const uint8_t *w, size_t w_stride, size_t rows, const uint8_t *out[4]) {
    for (size_t r = 0; r < 4; r++) out[r] = w + (r < rows ? r : rows - 1) * w_stride;
}

/// Four f16 values (one per vector; missing vectors 0) as [v0 v1 v2 v3 v0 v1 v2 v3].
CK_INLINE __m256 f16x4_twice(const uint8_t *const p[4], int count) {
    uint64_t bits = 0;
    for (int v = 0; v < count; v++) {
        uint16_t h;
        memcpy(&h, p[v], 2);
        bits |= (uint64_t)h << (16 * v);
    }
    const __m128 four = _mm_cvtph_ps(_mm_cvtsi64_si128((long long)bits));
    return _mm256_set_m128(four, four);
}

/// Writes the results of one row: lanes v and v + 4 of `acc` summed, for v < V.
CK_INLINE void store_row(__m256 acc, int V, float *out, size_t out_stride) {
    float lanes[4];
    _mm_storeu_ps(lanes, _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1)));
    for (int v = 0; v < V; v++) out[(size_t)v * out_stride] = lanes[v];
}

/// Legacy formats. Weight blocks: q8_0 (34 B: d @0, qs int8[32] @2), q4_0 (18 B: d @0, qs[16] @2),
/// q4_1 (20 B: d @0, m @2, qs @4), q5_0 (22 B: d @0, qh u32 @2, qs @6), q5_1 (24 B: d @0, m @2,
/// qh @4, qs @8); nibble j low / j + 16 high; qh bit i = 0x10 of element i. Activations q8_0
/// (34 B: d @0, qs @2) or, for q4_1/q5_1, q8_1 (36 B: d @0, s @2, qs @4).
CK_INLINE void legacy_tile(const int type, const int isa, const int V, const uint8_t *w, size_t w_stride, size_t rows,
                           const uint8_t *a, size_t a_stride, size_t n, float *out, size_t out_stride) {
    const int wbytes = type == T_Q8_0 ? CK_Q8_0 : type == T_Q4_0 ? CK_Q4_0 : type == T_Q4_1 ? CK_Q4_1
                     : type == T_Q5_0 ? CK_Q5_0 : CK_Q5_1;
    const int with_min = type == T_Q4_1 || type == T_Q5_1;
    const int abytes = with_min ? CK_Q8_1 : CK_Q8_0, aqs = with_min ? 4 : 2;
    const int offset = type == T_Q4_0 ? 8 : type == T_Q5_0 ? 16 : 0;

    const uint8_t *wr[4];
    row_pointers(w, w_stride, rows, wr);
    const uint8_t *av[4];
    for (int v = 0; v < 4; v++) av[v] = a + (size_t)(v < V ? v : 0) * a_stride;

    __m256 acc[4];
    for (int r = 0; r < 4; r++) acc[r] = _mm256_setzero_ps();

    const size_t nb = n / 32;
    for (size_t b = 0; b < nb; b++) {
        const uint8_t *ab[4];
        __m256i act[4];
        for (int v = 0; v < 4; v++) {
            ab[v] = av[v] + b * abytes;
            act[v] = v < V ? ck_load256(ab[v] + aqs) : _mm256_setzero_si256();
        }
        const __m256 da = f16x4_twice(ab, V);
        __m256i correction = _mm256_setzero_si256();
        if (offset) {
            const __m256i o = _mm256_set1_epi8((char)offset);
            __m256i c[4];
            for (int v = 0; v < 4; v++) c[v] = ck_dot_u8s8(isa, o, act[v]);
            correction = ck_reduce4(c[0], c[1], c[2], c[3]);
        }
        __m256 sa = _mm256_setzero_ps();
        if (with_min) {
            const uint8_t *sp[4] = {ab[0] + 2, ab[1] + 2, ab[2] + 2, ab[3] + 2};
            // [s0 s1 s2 s3 | 0 0 0 0]: added once per (row, vector)
            sa = _mm256_blend_ps(f16x4_twice(sp, V), _mm256_setzero_ps(), 0xF0);
        }
        for (int r = 0; r < 4; r++) {
            const uint8_t *x = wr[r] + b * wbytes;
            // the same block of the next tile's row r (the caller's next 4 rows): hardware
            // prefetchers do not pick up 4 short interleaved streams in time
            _mm_prefetch((const char *)(x + 4 * w_stride), _MM_HINT_T0);
            __m256i q;
            switch (type) {
            case T_Q8_0: q = ck_load256(x + 2); break;
            case T_Q4_0: q = ck_legacy_nibbles(x + 2); break;
            case T_Q4_1: q = ck_legacy_nibbles(x + 4); break;
            case T_Q5_0: q = _mm256_or_si256(ck_legacy_nibbles(x + 6), ck_fifth_bits(ck_u32(x + 2))); break;
            default: q = _mm256_or_si256(ck_legacy_nibbles(x + 8), ck_fifth_bits(ck_u32(x + 4))); break;
            }
            __m256i p[4];
            if (type == T_Q8_0) {
                const __m256i magnitude = _mm256_sign_epi8(q, q);
                for (int v = 0; v < 4; v++) {
                    p[v] = v < V ? ck_dot_u8s8(isa, magnitude, _mm256_sign_epi8(act[v], q))
                                 : _mm256_setzero_si256();
                }
            } else {
                for (int v = 0; v < 4; v++) {
                    p[v] = v < V ? ck_dot_u8s8(isa, q, act[v]) : _mm256_setzero_si256();
                }
            }
            __m256i s = ck_reduce4(p[0], p[1], p[2], p[3]);
            if (offset) s = _mm256_sub_epi32(s, correction);
            const __m256 scale = _mm256_mul_ps(_mm256_set1_ps(ck_f16(x)), da);
            acc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), scale, acc[r]);
            if (with_min) acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(ck_f16(x + 2)), sa, acc[r]);
        }
    }
    for (size_t r = 0; r < rows && r < 4; r++) store_row(acc[r], V, out + r, out_stride);
}

/// `call` (using the constant `isa`) run on the integer path ck_int_isa() picks.
#define CK_TILE_ISA(call)                                                                           \
    do {                                                                                            \
        switch (ck_int_isa()) {                                                                     \
        case CK_ISA_AVX512_VNNI: { const int isa = CK_ISA_AVX512_VNNI; call; } break;               \
        case CK_ISA_AVX_VNNI: { const int isa = CK_ISA_AVX_VNNI; call; } break;                     \
        default: { const int isa = CK_ISA_AVX2; call; } break;                                      \
        }                                                                                           \
    } while (0)

/// A single vector runs the row kernel on each row: a tile's work of folding vectors together
/// (ck_reduce4) buys nothing for one vector, and the row kernels fold blocks instead.
#define CK_ONE_VECTOR(ROW_KERNEL)                                                                   \
    for (size_t r = 0; r < rows && r < 4; r++) out[r] = ROW_KERNEL((const uint8_t *)w + r * w_stride, a, n)

#define CK_LEGACY_TILE(NAME, TYPE, ROW_KERNEL)                                                      \
    CK_AVX2 void NAME(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride, \
                      size_t vectors, size_t n, float *out, size_t out_stride) {                   \
        if (rows == 0) return;                                                                      \
        switch (vectors) {                                                                          \
        case 1: CK_ONE_VECTOR(ROW_KERNEL); break;                                                   \
        case 2: CK_TILE_ISA(legacy_tile(TYPE, isa, 2, w, w_stride, rows, a, a_stride, n, out, out_stride)); break; \
        case 3: CK_TILE_ISA(legacy_tile(TYPE, isa, 3, w, w_stride, rows, a, a_stride, n, out, out_stride)); break; \
        case 4: CK_TILE_ISA(legacy_tile(TYPE, isa, 4, w, w_stride, rows, a, a_stride, n, out, out_stride)); break; \
        default: break;                                                                             \
        }                                                                                           \
    }

CK_LEGACY_TILE(ck_tile_q8_0, T_Q8_0, ck_dot_q8_0_q8_0)
CK_LEGACY_TILE(ck_tile_q4_0, T_Q4_0, ck_dot_q4_0_q8_0)
CK_LEGACY_TILE(ck_tile_q4_1, T_Q4_1, ck_dot_q4_1_q8_1)
CK_LEGACY_TILE(ck_tile_q5_0, T_Q5_0, ck_dot_q5_0_q8_0)
CK_LEGACY_TILE(ck_tile_q5_1, T_Q5_1, ck_dot_q5_1_q8_1)

/// d_a of each vector's q8_K block (f32 @0) as [v0 v1 v2 v3 v0 v1 v2 v3], missing vectors 0.
CK_INLINE __m256 q8_K_scales(const uint8_t *const ab[4], int V) {
    const __m128 four = _mm_setr_ps(ck_f32(ab[0]), V > 1 ? ck_f32(ab[1]) : 0.0f,
                                    V > 2 ? ck_f32(ab[2]) : 0.0f, V > 3 ? ck_f32(ab[3]) : 0.0f);
    return _mm256_set_m128(four, four);
}

/// Prefetches the super-block `K_AHEAD` blocks past `x` (of `bytes` bytes): it may lie in the next
/// row or past the matrix, which is harmless (prefetches never fault). Without it the tiles, slower
/// per byte than a row kernel, leave the hardware prefetcher too little lead on cold weights.
enum { K_AHEAD = 8 };
CK_INLINE void prefetch_ahead(const uint8_t *x, size_t bytes) {
    const uint8_t *p = x + K_AHEAD * bytes;
    for (size_t line = 0; line < bytes; line += 64) _mm_prefetch((const char *)(p + line), _MM_HINT_T0);
}

// The K-quant tiles walk one row at a time (all of its super-blocks against all vectors, which stay
// in L1), rather than one super-block of all 4 rows at a time: each weight block is still read
// once per tile, and only one row's accumulators are live, so nothing spills.

/// q4_K weights (144 B: d f16 @0, dmin f16 @2, scales[12] @4, qs[128] @16; element e in byte
/// 32(e/64) + e%32, low nibble when (e/32) is even) against q8_K vectors (292 B: d f32 @0,
/// qs @4, bsums int16[16] @260).
CK_INLINE void q4_K_tile(const int isa, const int V, const uint8_t *w, size_t w_stride, size_t rows,
                         const uint8_t *a, size_t a_stride, size_t n, float *out, size_t out_stride) {
    const uint8_t *av[4];
    for (int v = 0; v < 4; v++) av[v] = a + (size_t)(v < V ? v : 0) * a_stride;
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    const size_t nb = n / 256;
    for (size_t r = 0; r < rows && r < 4; r++) {
        const uint8_t *x = w + r * w_stride;
        __m256 acc = _mm256_setzero_ps();
        for (size_t b = 0; b < nb; b++, x += CK_Q4_K) {
            prefetch_ahead(x, CK_Q4_K);
            const uint8_t *ab[4];
            for (int v = 0; v < 4; v++) ab[v] = av[v] + b * CK_Q8_K;
            uint32_t sc[2], mn[2];
            ck_scale_min_k4(x + 4, sc, mn);
            const __m256i scales = _mm256_broadcastsi128_si256(
                _mm_cvtepu8_epi16(_mm_set_epi32(0, 0, (int)sc[1], (int)sc[0])));
            // each min twice, to meet the 16 bsums directly: Σ_j m_j (bsum_2j + bsum_2j+1)
            const __m256i mins = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(
                _mm_set_epi32(0, 0, (int)mn[1], (int)mn[0]), _mm_set_epi32(0, 0, (int)mn[1], (int)mn[0])));
            __m256i sum[4], msum[4];
            for (int v = 0; v < 4; v++) {
                sum[v] = _mm256_setzero_si256();
                msum[v] = v < V ? _mm256_madd_epi16(ck_load256(ab[v] + 260), mins) : _mm256_setzero_si256();
            }
            for (int c = 0; c < 4; c++) {
                const __m256i q = ck_load256(x + 16 + 32 * c);
                const __m256i lo = _mm256_and_si256(q, low4);
                const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
                const __m256i s0 = ck_broadcast16(scales, 2 * c), s1 = ck_broadcast16(scales, 2 * c + 1);
                for (int v = 0; v < V; v++) {
                    const uint8_t *y = ab[v] + 4 + 64 * c;
                    sum[v] = ck_dpwssd(isa, sum[v], _mm256_maddubs_epi16(lo, ck_load256(y)), s0);
                    sum[v] = ck_dpwssd(isa, sum[v], _mm256_maddubs_epi16(hi, ck_load256(y + 32)), s1);
                }
            }
            const __m256 da = q8_K_scales(ab, V);
            const __m256i s = ck_reduce4(sum[0], sum[1], sum[2], sum[3]);
            const __m256i m = ck_reduce4(msum[0], msum[1], msum[2], msum[3]);
            acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(_mm256_set1_ps(ck_f16(x)), da), acc);
            acc = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(m), _mm256_mul_ps(_mm256_set1_ps(ck_f16(x + 2)), da), acc);
        }
        store_row(acc, V, out + r, out_stride);
    }
}

/// q6_K weights (210 B: ql[128] @0, qh[64] @128, scales int8[16] @192, d f16 @208; element
/// e = 128h + 32k + l: low bits in ql[64h + l + 32(k&1)] nibble k>>1, high 2 bits in qh[32h + l]
/// bits 2k) against q8_K vectors; the code offset -32 comes from bsums.
CK_INLINE void q6_K_tile(const int isa, const int V, const uint8_t *w, size_t w_stride, size_t rows,
                         const uint8_t *a, size_t a_stride, size_t n, float *out, size_t out_stride) {
    const uint8_t *av[4];
    for (int v = 0; v < 4; v++) av[v] = a + (size_t)(v < V ? v : 0) * a_stride;
    const __m256i low4 = _mm256_set1_epi8(0x0F), low2 = _mm256_set1_epi8(3);
    const size_t nb = n / 256;
    for (size_t r = 0; r < rows && r < 4; r++) {
        const uint8_t *x = w + r * w_stride;
        __m256 acc = _mm256_setzero_ps();
        for (size_t b = 0; b < nb; b++, x += CK_Q6_K) {
            prefetch_ahead(x, CK_Q6_K);
            const uint8_t *ab[4];
            for (int v = 0; v < 4; v++) ab[v] = av[v] + b * CK_Q8_K;
            const __m128i sc = ck_load128(x + 192);
            const __m256i scales = _mm256_broadcastsi128_si256(sc);
            const __m256i sc16 = _mm256_cvtepi8_epi16(sc);
            __m256i sum[4];
            for (int v = 0; v < 4; v++) {
                sum[v] = v < V ? _mm256_sub_epi32(_mm256_setzero_si256(),
                                                  _mm256_slli_epi32(_mm256_madd_epi16(ck_load256(ab[v] + 260), sc16), 5))
                               : _mm256_setzero_si256();
            }
            for (int h = 0; h < 2; h++) {
                const __m256i la = ck_load256(x + 64 * h), lb = ck_load256(x + 64 * h + 32);
                const __m256i hq = ck_load256(x + 128 + 32 * h);
                for (int k = 0; k < 4; k++) {
                    const __m256i low = _mm256_and_si256(k < 2 ? (k == 0 ? la : lb)
                                                               : _mm256_srli_epi16(k == 2 ? la : lb, 4), low4);
                    const __m256i high = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hq, 2 * k), low2), 4);
                    const __m256i q = _mm256_or_si256(low, high);
                    const __m256i pair = ck_scale_pair(scales, 8 * h + 2 * k);
                    for (int v = 0; v < V; v++) {
                        const __m256i p = _mm256_maddubs_epi16(q, ck_load256(ab[v] + 4 + 128 * h + 32 * k));
                        sum[v] = ck_dpwssd(isa, sum[v], p, pair);
                    }
                }
            }
            const __m256 da = q8_K_scales(ab, V);
            const __m256i s = ck_reduce4(sum[0], sum[1], sum[2], sum[3]);
            acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(_mm256_set1_ps(ck_f16(x + 208)), da), acc);
        }
        store_row(acc, V, out + r, out_stride);
    }
}

#define CK_K_TILE(NAME, CORE, ROW_KERNEL)                                                           \
    CK_AVX2 void NAME(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride, \
                      size_t vectors, size_t n, float *out, size_t out_stride) {                   \
        if (rows == 0) return;                                                                      \
        switch (vectors) {                                                                          \
        case 1: CK_ONE_VECTOR(ROW_KERNEL); break;                                                   \
        case 2: CK_TILE_ISA(CORE(isa, 2, w, w_stride, rows, a, a_stride, n, out, out_stride)); break; \
        case 3: CK_TILE_ISA(CORE(isa, 3, w, w_stride, rows, a, a_stride, n, out, out_stride)); break; \
        case 4: CK_TILE_ISA(CORE(isa, 4, w, w_stride, rows, a, a_stride, n, out, out_stride)); break; \
        default: break;                                                                             \
        }                                                                                           \
    }

CK_K_TILE(ck_tile_q4_K, q4_K_tile, ck_dot_q4_K_q8_K)
CK_K_TILE(ck_tile_q6_K, q6_K_tile, ck_dot_q6_K_q8_K)

/// f16 weights (2 B per element) against 1 or 2 f32 vectors, 4 rows: 8 accumulators, each weight
/// vector converted once and used for both vectors. Rows past `rows` repeat the last. With a
/// nonzero `prefetch_stride` (the row stride, on the first pass over the rows) it prefetches the
/// same columns of the next tile's rows.
CK_INLINE void f16_tile2(const int V, const uint8_t *const wr[4], size_t prefetch_stride, size_t rows, const float *x0,
                         const float *x1, size_t n, float *out, size_t out_stride) {
    __m256 acc[4][2];
    for (int r = 0; r < 4; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v0 = _mm256_loadu_ps(x0 + i);
        const __m256 v1 = V > 1 ? _mm256_loadu_ps(x1 + i) : v0;
        if (prefetch_stride && (i & 31) == 0) {
            // one line per row per 64 bytes, in the next tile's rows (see legacy_tile)
            for (int r = 0; r < 4; r++) _mm_prefetch((const char *)(wr[r] + 2 * i + 4 * prefetch_stride), _MM_HINT_T0);
        }
        for (int r = 0; r < 4; r++) {
            const __m256 wv = _mm256_cvtph_ps(ck_load128(wr[r] + 2 * i));
            acc[r][0] = _mm256_fmadd_ps(wv, v0, acc[r][0]);
            if (V > 1) acc[r][1] = _mm256_fmadd_ps(wv, v1, acc[r][1]);
        }
    }
    for (size_t r = 0; r < rows && r < 4; r++) {
        for (int v = 0; v < V; v++) {
            const float *x = v == 0 ? x0 : x1;
            float sum = ck_hsum_ps(acc[r][v]);
            for (size_t j = i; j < n; j++) sum += ck_f16(wr[r] + 2 * j) * x[j];
            out[(size_t)v * out_stride + r] = sum;
        }
    }
}

// f16 rows (IEEE binary16) . f32 vectors, in pairs of vectors.
CK_AVX2 void ck_tile_f16(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                         size_t vectors, size_t n, float *out, size_t out_stride) {
    if (rows == 0) return;
    if (vectors == 1) {
        for (size_t r = 0; r < rows && r < 4; r++) out[r] = ck_dot_f16_f32((const uint8_t *)w + r * w_stride, a, n);
        return;
    }
    const uint8_t *wr[4];
    row_pointers(w, w_stride, rows, wr);
    const uint8_t *x = a;
    for (size_t v = 0; v < vectors && v < 4; v += 2) {
        const float *x0 = (const float *)(x + v * a_stride);
        if (v + 1 < vectors) {
            f16_tile2(2, wr, v == 0 ? w_stride : 0, rows, x0, (const float *)(x + (v + 1) * a_stride), n, out + v * out_stride, out_stride);
        } else {
            f16_tile2(1, wr, v == 0 ? w_stride : 0, rows, x0, x0, n, out + v * out_stride, out_stride);
        }
    }
}

#endif

void ck_tile_block(ck_tile_fn tile, const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                   size_t vectors, size_t n, float *out, size_t out_stride) {
    for (size_t r = 0; r < rows; r += 4) {
        const size_t nr = rows - r < 4 ? rows - r : 4;
        for (size_t v = 0; v < vectors; v += 4) {
            const size_t nv = vectors - v < 4 ? vectors - v : 4;
            tile((const unsigned char *)w + r * w_stride, w_stride, nr, (const unsigned char *)a + v * a_stride, a_stride,
                 nv, n, out + v * out_stride + r, out_stride);
        }
    }
}


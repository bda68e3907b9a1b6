// The exact path's prefill product (see ckernels_gemm.h): panels of weight rows decoded to f32
// once, then multiplied into every token by register-blocked dot-product tiles. A tile keeps
// rows x tokens accumulators (4 x 6 zmm on AVX-512, 4 x 3 ymm on AVX2), loads each panel row and
// each token's activations once per 16 (8) elements, and reduces across lanes once at the end, so
// it needs no transposed copy of the panel and the loop is bound by FMA throughput, not loads.

#include "ckernels_gemm.h"
#include "ck_internal.h"

_Thread_local unsigned ck_gemm_thread_mask = ~0u;

unsigned ck_gemm_thread_limit(unsigned mask) {
    const unsigned previous = ck_gemm_thread_mask;
    ck_gemm_thread_mask = mask;
    return previous;
}

#ifdef CK_X86

/// Whether this thread's kernels may use `feature` (CK_HAS narrowed by ck_gemm_thread_limit).
#define GEMM_HAS(feature) (CK_HAS(feature) && (ck_gemm_thread_mask & (feature)) != 0)

// MARK: AVX-512 tiles

/// Sum of the 16 lanes of each of `count` (<= 4) vectors, in lane order of the result.
CK_INLINE512 __m128 gemm_reduce4_512(const __m512 *v, int count) {
    // Fold 512 -> 256 -> 128 bits per vector, then one 4x4 transpose-and-add.
    __m128 q[4];
    for (int i = 0; i < 4; i++) {
        if (i >= count) { q[i] = _mm_setzero_ps(); continue; }
        const __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v[i]),
                                       _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v[i]), 1)));
        q[i] = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    }
    const __m128 s01 = _mm_add_ps(_mm_unpacklo_ps(q[0], q[1]), _mm_unpackhi_ps(q[0], q[1]));
    const __m128 s23 = _mm_add_ps(_mm_unpacklo_ps(q[2], q[3]), _mm_unpackhi_ps(q[2], q[3]));
    return _mm_add_ps(_mm_movelh_ps(s01, s23), _mm_movehl_ps(s23, s01));
}

/// c[t][r] (+)= p_r · a_t over k elements for R <= 4 rows and T <= 6 tokens (compile-time after
/// inlining, so the accumulators stay in registers: 24 + 6 activations + 1 panel vector of 32).
CK_INLINE512 void gemm_tile512(const float *p, size_t ps, const float *a, size_t as, size_t k,
                               float *c, size_t cs, int accumulate, const int R, const int T) {
    __m512 acc[6][4];
    for (int t = 0; t < T; t++)
        for (int r = 0; r < R; r++) acc[t][r] = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= k; i += 16) {
        __m512 av[6];
        for (int t = 0; t < T; t++) av[t] = _mm512_loadu_ps(a + t * as + i);
        for (int r = 0; r < R; r++) {
            const __m512 pv = _mm512_loadu_ps(p + r * ps + i);
            for (int t = 0; t < T; t++) acc[t][r] = _mm512_fmadd_ps(pv, av[t], acc[t][r]);
        }
    }
    if (i < k) {
        const __mmask16 m = (__mmask16)((1u << (k - i)) - 1);
        __m512 av[6];
        for (int t = 0; t < T; t++) av[t] = _mm512_maskz_loadu_ps(m, a + t * as + i);
        for (int r = 0; r < R; r++) {
            const __m512 pv = _mm512_maskz_loadu_ps(m, p + r * ps + i);
            for (int t = 0; t < T; t++) acc[t][r] = _mm512_fmadd_ps(pv, av[t], acc[t][r]);
        }
    }
    const __mmask8 rows_mask = (__mmask8)((1u << R) - 1);
    for (int t = 0; t < T; t++) {
        __m128 sums = gemm_reduce4_512(acc[t], R);
        float *ct = c + t * cs;
        if (accumulate) sums = _mm_add_ps(sums, _mm_maskz_loadu_ps(rows_mask, ct));
        _mm_mask_storeu_ps(ct, rows_mask, sums);
    }
}

#define GEMM_TOKENS_512 6
#define GEMM_ROWS 4

static CK_AVX512 void gemm_avx512(const float *p, size_t ps, size_t rows, const float *a, size_t as,
                                  size_t tokens, size_t k, float *c, size_t cs, int accumulate) {
    // Row groups outside, tokens inside: the tile's 4 panel rows stay in L1 while the tokens'
    // activations stream past them.
    for (size_t r = 0; r < rows; r += GEMM_ROWS) {
        const size_t nr = rows - r < GEMM_ROWS ? rows - r : GEMM_ROWS;
        for (size_t t = 0; t < tokens; t += GEMM_TOKENS_512) {
            const size_t nt = tokens - t < GEMM_TOKENS_512 ? tokens - t : GEMM_TOKENS_512;
            const float *pr = p + r * ps, *at = a + t * as;
            float *ct = c + t * cs + r;
#define TILE512(R, T) gemm_tile512(pr, ps, at, as, k, ct, cs, accumulate, R, T)
#define TILE512_T(R)                                                                              \
    switch (nt) {                                                                                 \
    case 1: TILE512(R, 1); break; case 2: TILE512(R, 2); break; case 3: TILE512(R, 3); break;     \
    case 4: TILE512(R, 4); break; case 5: TILE512(R, 5); break; default: TILE512(R, 6); break;    \
    }
            switch (nr) {
            case 1: TILE512_T(1) break;
            case 2: TILE512_T(2) break;
            case 3: TILE512_T(3) break;
            default: TILE512_T(4) break;
            }
#undef TILE512_T
#undef TILE512
        }
    }
}

// MARK: AVX2 tiles

/// c[t][r] (+)= p_r · a_t over k elements for R <= 4 rows and T <= 3 tokens (12 accumulators +
/// 3 activation vectors; the panel vector is folded into the FMA's memory operand).
CK_INLINE void gemm_tile256(const float *p, size_t ps, const float *a, size_t as, size_t k,
                            float *c, size_t cs, int accumulate, const int R, const int T) {
    __m256 acc[3][4];
    for (int t = 0; t < T; t++)
        for (int r = 0; r < R; r++) acc[t][r] = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= k; i += 8) {
        __m256 av[3];
        for (int t = 0; t < T; t++) av[t] = _mm256_loadu_ps(a + t * as + i);
        for (int r = 0; r < R; r++) {
            const __m256 pv = _mm256_loadu_ps(p + r * ps + i);
            for (int t = 0; t < T; t++) acc[t][r] = _mm256_fmadd_ps(pv, av[t], acc[t][r]);
        }
    }
    for (int t = 0; t < T; t++) {
        float *ct = c + t * cs;
        for (int r = 0; r < R; r++) {
            float sum = ck_hsum_ps(acc[t][r]);
            for (size_t j = i; j < k; j++) sum += p[r * ps + j] * a[t * as + j];
            ct[r] = accumulate ? ct[r] + sum : sum;
        }
    }
}

#define GEMM_TOKENS_256 3

static CK_AVX2 void gemm_avx2(const float *p, size_t ps, size_t rows, const float *a, size_t as,
                              size_t tokens, size_t k, float *c, size_t cs, int accumulate) {
    for (size_t r = 0; r < rows; r += GEMM_ROWS) {
        const size_t nr = rows - r < GEMM_ROWS ? rows - r : GEMM_ROWS;
        for (size_t t = 0; t < tokens; t += GEMM_TOKENS_256) {
            const size_t nt = tokens - t < GEMM_TOKENS_256 ? tokens - t : GEMM_TOKENS_256;
            const float *pr = p + r * ps, *at = a + t * as;
            float *ct = c + t * cs + r;
#define TILE256(R, T) gemm_tile256(pr, ps, at, as, k, ct, cs, accumulate, R, T)
#define TILE256_T(R)                                                                              \
    switch (nt) {                                                                                 \
    case 1: TILE256(R, 1); break; case 2: TILE256(R, 2); break; default: TILE256(R, 3); break;    \
    }
            switch (nr) {
            case 1: TILE256_T(1) break;
            case 2: TILE256_T(2) break;
            case 3: TILE256_T(3) break;
            default: TILE256_T(4) break;
            }
#undef TILE256_T
#undef TILE256
        }
    }
}

// MARK: Exported

void ck_gemm_f32(const float *p, size_t p_stride, size_t rows, const float *a, size_t a_stride,
                 size_t tokens, size_t k, float *c, size_t c_stride, int accumulate) {
    if (GEMM_HAS(CK_FEATURE_AVX512)) gemm_avx512(p, p_stride, rows, a, a_stride, tokens, k, c, c_stride, accumulate);
    else gemm_avx2(p, p_stride, rows, a, a_stride, tokens, k, c, c_stride, accumulate);
}

void ck_matrix_exact(ck_dequant_fn dequant, size_t block_elements, size_t block_bytes,
                     const void *w, size_t row_bytes, size_t rows, size_t n,
                     const float *x, size_t x_stride, size_t tokens,
                     float *y, size_t y_stride, float *panel) {
    const uint8_t *base = (const uint8_t *)w;
    for (size_t r0 = 0; r0 < rows; r0 += CK_PANEL_ROWS) {
        const size_t nr = rows - r0 < CK_PANEL_ROWS ? rows - r0 : CK_PANEL_ROWS;
        // Column chunks keep the panel (64 KiB) and each tile's slice of it in cache; later chunks
        // add their partial sums to the first's.
        for (size_t k0 = 0; k0 < n; k0 += CK_PANEL_COLUMNS) {
            const size_t kc = n - k0 < CK_PANEL_COLUMNS ? n - k0 : CK_PANEL_COLUMNS;
            const size_t offset = k0 / block_elements * block_bytes;
            for (size_t r = 0; r < nr; r++)
                dequant(base + (r0 + r) * row_bytes + offset, panel + r * CK_PANEL_COLUMNS, kc);
            // Ask for the next chunk's weights while this one is multiplied: each row is a short
            // stream the hardware prefetchers barely start on, and decoding waited on memory.
            size_t next_r0 = r0, next_k0 = k0 + kc;
            if (next_k0 >= n) next_r0 += CK_PANEL_ROWS, next_k0 = 0;
            if (next_r0 < rows) {
                const size_t next_rows = rows - next_r0 < CK_PANEL_ROWS ? rows - next_r0 : CK_PANEL_ROWS;
                const size_t next_kc = n - next_k0 < CK_PANEL_COLUMNS ? n - next_k0 : CK_PANEL_COLUMNS;
                const size_t from = next_k0 / block_elements * block_bytes;
                const size_t bytes = next_kc / block_elements * block_bytes;
                for (size_t r = 0; r < next_rows; r++) {
                    const uint8_t *row = base + (next_r0 + r) * row_bytes + from;
                    for (size_t b = 0; b < bytes; b += 64) _mm_prefetch((const char *)row + b, _MM_HINT_T1);
                }
            }
            ck_gemm_f32(panel, CK_PANEL_COLUMNS, nr, x + k0, x_stride, tokens, kc, y + r0, y_stride, k0 > 0);
        }
    }
}

#else

// Off x86-64 Swift never calls these (ck_cpu_supported() is 0); they exist so the symbols link.
void ck_gemm_f32(const float *p, size_t p_stride, size_t rows, const float *a, size_t a_stride,
                 size_t tokens, size_t k, float *c, size_t c_stride, int accumulate) {
    (void)p; (void)p_stride; (void)rows; (void)a; (void)a_stride; (void)tokens; (void)k; (void)c;
    (void)c_stride; (void)accumulate;
    __builtin_trap();
}

void ck_matrix_exact(ck_dequant_fn dequant, size_t block_elements, size_t block_bytes,
                     const void *w, size_t row_bytes, size_t rows, size_t n,
                     const float *x, size_t x_stride, size_t tokens,
                     float *y, size_t y_stride, float *panel) {
    (void)dequant; (void)block_elements; (void)block_bytes; (void)w; (void)row_bytes; (void)rows;
    (void)n; (void)x; (void)x_stride; (void)tokens; (void)y; (void)y_stride; (void)panel;
    __builtin_trap();
}

#endif

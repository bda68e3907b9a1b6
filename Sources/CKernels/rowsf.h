// Shared machinery of the exact-activation row kernels (ck_rowsf_*, ckernels_float.h), private to
// CKernels: accumulators, reductions and the exported-function dispatch, for the AVX2 (8-lane) and
// AVX-512 (16-lane) paths. Kernel bodies live in rowsf_legacy.c, rowsf_kquants.c, rowsf_float.c.
//
// Every body is an always-inline function of a constant vector count V (1...8), instantiated for
// each V by ROWSF_EXPORT so the accumulators live in registers; with few vectors each gets several
// independent accumulators (K) to hide FMA latency. A body decodes each weight (sub-)block once,
// into floats with its scales applied, and multiplies it into every activation vector.

#ifndef CK_ROWSF_H
#define CK_ROWSF_H

#include "ckernels_float.h"
#include "ck_internal.h"
#include "rowsf_rows.h"

#ifdef CK_X86

/// This thread's mask over ck_active_features for the row kernels (ck_rowsf_thread_limit).
extern _Thread_local unsigned ck_rowsf_thread_mask;

/// Whether the row kernels take their AVX-512 path on this thread.
#define CK_ROWSF_AVX512() (CK_HAS(CK_FEATURE_AVX512) && (ck_rowsf_thread_mask & CK_FEATURE_AVX512) != 0)

#define CK_BODY static inline __attribute__((always_inline)) CK_AVX2
#define CK_BODY512 static inline __attribute__((always_inline)) CK_AVX512

/// Independent accumulators per vector.
#define RK(V) ((V) == 1 ? 4 : ((V) <= 4 ? 2 : 1))

// MARK: AVX2: 8-float registers

#define ACC_SETUP(V)                                                                          \
    __m256 acc[8];                                                                            \
    for (size_t a_ = 0; a_ < (size_t)((V) * RK(V)); a_++) acc[a_] = _mm256_setzero_ps();

/// acc[v*K + k] += w_j · x_v[base + 8j...] for every vector, spreading the 4 products over K chains.
CK_BODY void accumulate32(__m256 *acc, __m256 w0, __m256 w1, __m256 w2, __m256 w3,
                          const float *x, size_t x_stride, const size_t V, size_t base) {
    const size_t K = RK(V);
    for (size_t v = 0; v < V; v++) {
        const float *xv = x + v * x_stride + base;
        acc[v * K + 0 % K] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(xv), acc[v * K + 0 % K]);
        acc[v * K + 1 % K] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xv + 8), acc[v * K + 1 % K]);
        acc[v * K + 2 % K] = _mm256_fmadd_ps(w2, _mm256_loadu_ps(xv + 16), acc[v * K + 2 % K]);
        acc[v * K + 3 % K] = _mm256_fmadd_ps(w3, _mm256_loadu_ps(xv + 24), acc[v * K + 3 % K]);
    }
}

/// acc[v*K + k] += w · x_v[base...] for 8 elements; `slot` picks the chain.
CK_BODY void accumulate8(__m256 *acc, __m256 w, const float *x, size_t x_stride, const size_t V,
                         size_t base, size_t slot) {
    const size_t K = RK(V);
    for (size_t v = 0; v < V; v++) {
        acc[v * K + slot % K] = _mm256_fmadd_ps(w, _mm256_loadu_ps(x + v * x_stride + base), acc[v * K + slot % K]);
    }
}

CK_BODY void finish(const __m256 *acc, const size_t V, float *out) {
    const size_t K = RK(V);
    for (size_t v = 0; v < V; v++) {
        __m256 sum = acc[v * K];
        for (size_t k = 1; k < K; k++) sum = _mm256_add_ps(sum, acc[v * K + k]);
        out[v] = ck_hsum_ps(sum);
    }
}

/// The f16 at `p` in all 8 lanes (a broadcast load, so no false dependency on the destination).
CK_BODY __m256 f16x8(const uint8_t *p) {
    int16_t h;
    memcpy(&h, p, 2);
    return _mm256_cvtph_ps(_mm_set1_epi16(h));
}

/// 8 bytes at `p` as int32 lanes, zero-extended.
CK_BODY __m256i u8x8(const uint8_t *p) { return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p)); }

// MARK: AVX-512: 16-float registers

#define ACC512_SETUP(V)                                                                       \
    __m512 acc[8];                                                                            \
    for (size_t a_ = 0; a_ < (size_t)((V) * RK(V)); a_++) acc[a_] = _mm512_setzero_ps();

/// acc[v*K + slot % K] += w · x_v[base...] for 16 elements.
CK_BODY512 void accumulate16(__m512 *acc, __m512 w, const float *x, size_t x_stride, const size_t V,
                             size_t base, size_t slot) {
    const size_t K = RK(V);
    for (size_t v = 0; v < V; v++) {
        acc[v * K + slot % K] = _mm512_fmadd_ps(w, _mm512_loadu_ps(x + v * x_stride + base), acc[v * K + slot % K]);
    }
}

CK_BODY512 void finish512(const __m512 *acc, const size_t V, float *out) {
    const size_t K = RK(V);
    for (size_t v = 0; v < V; v++) {
        __m512 sum = acc[v * K];
        for (size_t k = 1; k < K; k++) sum = _mm512_add_ps(sum, acc[v * K + k]);
        out[v] = _mm512_reduce_add_ps(sum);
    }
}

/// The f16 at `p` in all 16 lanes.
CK_BODY512 __m512 f16x16(const uint8_t *p) {
    int16_t h;
    memcpy(&h, p, 2);
    return _mm512_cvtph_ps(_mm256_set1_epi16(h));
}

/// 16 bytes at `p` as int32 lanes, zero- or sign-extended.
CK_BODY512 __m512i u8x16(const uint8_t *p) { return _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)p)); }
CK_BODY512 __m512i i8x16(const uint8_t *p) { return _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)p)); }

/// int32 lanes as floats times `scale` plus `offset`.
CK_BODY512 __m512 decode16(__m512i q, __m512 scale, __m512 offset) {
    return _mm512_fmadd_ps(_mm512_cvtepi32_ps(q), scale, offset);
}

// MARK: Exported functions

#define ROWSF_SWITCH(body)                                                                    \
    switch (vectors) {                                                                        \
    case 1: body(w, n, x, x_stride, 1, out); break;                                           \
    case 2: body(w, n, x, x_stride, 2, out); break;                                           \
    case 3: body(w, n, x, x_stride, 3, out); break;                                           \
    case 4: body(w, n, x, x_stride, 4, out); break;                                           \
    case 5: body(w, n, x, x_stride, 5, out); break;                                           \
    case 6: body(w, n, x, x_stride, 6, out); break;                                           \
    case 7: body(w, n, x, x_stride, 7, out); break;                                           \
    default: body(w, n, x, x_stride, 8, out); break;                                          \
    }

/// The exported kernel `name`: the AVX-512 body when this thread may use it, else the AVX2 one;
/// `vectors` (1...8) picks the instantiation. `name##_rows` runs a block of rows in one call, the
/// row loop inside each instantiation, so a matrix-vector product pays no call per row.
#define ROWSF_EXPORT(name, body2, body512)                                                    \
    static CK_AVX2 void name##_avx2(const void *w, size_t n, const float *x, size_t x_stride, \
                                    size_t vectors, float *out) { ROWSF_SWITCH(body2) }       \
    static CK_AVX512 void name##_avx512(const void *w, size_t n, const float *x,              \
                                        size_t x_stride, size_t vectors, float *out) {        \
        ROWSF_SWITCH(body512)                                                                 \
    }                                                                                         \
    void name(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out) { \
        if (CK_ROWSF_AVX512()) name##_avx512(w, n, x, x_stride, vectors, out);                \
        else name##_avx2(w, n, x, x_stride, vectors, out);                                    \
    }                                                                                         \
    static CK_AVX2 void name##_rows_avx2(const void *w, size_t row_bytes, size_t rows, size_t n, const float *x, \
                                         size_t x_stride, size_t vectors, float *y, size_t y_stride) { \
        ROWSF_ROWS_SWITCH(body2)                                                              \
    }                                                                                         \
    static CK_AVX512 void name##_rows_avx512(const void *w, size_t row_bytes, size_t rows, size_t n, const float *x, \
                                             size_t x_stride, size_t vectors, float *y, size_t y_stride) { \
        ROWSF_ROWS_SWITCH(body512)                                                            \
    }                                                                                         \
    void name##_rows(const void *w, size_t row_bytes, size_t rows, size_t n, const float *x, size_t x_stride, \
                     size_t vectors, float *y, size_t y_stride) {                             \
        if (CK_ROWSF_AVX512()) name##_rows_avx512(w, row_bytes, rows, n, x, x_stride, vectors, y, y_stride); \
        else name##_rows_avx2(w, row_bytes, rows, n, x, x_stride, vectors, y, y_stride);      \
    }

#else

/// Not x86-64: ck_cpu_supported() is 0, so the kernels are never called; they exist to link.
#define ROWSF_EXPORT(name, body2, body512)                                                    \
    void name(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out) { \
        (void)w; (void)n; (void)x; (void)x_stride; (void)vectors; (void)out;                  \
    }                                                                                         \
    void name##_rows(const void *w, size_t row_bytes, size_t rows, size_t n, const float *x, size_t x_stride, \
                     size_t vectors, float *y, size_t y_stride) {                             \
        (void)w; (void)row_bytes; (void)rows; (void)n; (void)x; (void)x_stride; (void)vectors; (void)y; (void)y_stride; \
    }

#endif // CK_X86

#endif

// Exact-activation row kernels (ck_rowsf_*) for the float encodings F32, F16 (F16C's vcvtph2ps) and
// BF16 (the top half of an f32: widen and shift), and the per-thread path limit the tests use.

#include "rowsf.h"

#ifdef CK_X86

_Thread_local unsigned ck_rowsf_thread_mask = ~0u;

unsigned ck_rowsf_thread_limit(unsigned mask) {
    const unsigned previous = ck_rowsf_thread_mask;
    ck_rowsf_thread_mask = mask;
    return previous;
}

CK_INLINE float bf16_value(const uint8_t *p) {
    const uint32_t bits = (uint32_t)(p[0] | p[1] << 8) << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

/// Elements n - n % 32 ..< n, one at a time (the float encodings have 1-element blocks).
#define FLOAT_TAIL(value)                                                                     \
    for (size_t i = n - n % 32; i < n; i++) {                                                 \
        const float wi = value;                                                               \
        for (size_t v = 0; v < vectors; v++) out[v] += wi * x[v * x_stride + i];              \
    }

// MARK: AVX2

CK_BODY __m256 load8_f32(const uint8_t *p) { return _mm256_loadu_ps((const float *)p); }
CK_BODY __m256 load8_f16(const uint8_t *p) { return _mm256_cvtph_ps(ck_load128(p)); }
CK_BODY __m256 load8_bf16(const uint8_t *p) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(ck_load128(p)), 16));
}

#define FLOAT_BODY_AVX2(type, size, load, value)                                              \
    CK_BODY void body_##type(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) { \
        ACC_SETUP(vectors)                                                                    \
        const uint8_t *b = (const uint8_t *)w;                                                \
        for (size_t i = 0; i + 32 <= n; i += 32) {                                            \
            const uint8_t *p = b + size * i;                                                  \
            accumulate32(acc, load(p), load(p + 8 * size), load(p + 16 * size), load(p + 24 * size), \
                         x, x_stride, vectors, i);                                            \
        }                                                                                     \
        finish(acc, vectors, out);                                                            \
        FLOAT_TAIL(value)                                                                     \
    }

FLOAT_BODY_AVX2(f32, 4, load8_f32, ck_f32(b + 4 * i))
FLOAT_BODY_AVX2(f16, 2, load8_f16, ck_f16(b + 2 * i))
FLOAT_BODY_AVX2(bf16, 2, load8_bf16, bf16_value(b + 2 * i))

// MARK: AVX-512

CK_BODY512 __m512 load16_f32(const uint8_t *p) { return _mm512_loadu_ps((const float *)p); }
CK_BODY512 __m512 load16_f16(const uint8_t *p) { return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p)); }
CK_BODY512 __m512 load16_bf16(const uint8_t *p) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)p)), 16));
}

#define FLOAT_BODY_AVX512(type, size, load, value)                                            \
    CK_BODY512 void body512_##type(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) { \
        ACC512_SETUP(vectors)                                                                 \
        const uint8_t *b = (const uint8_t *)w;                                                \
        size_t i = 0;                                                                         \
        for (; i + 64 <= n; i += 64) {                                                        \
            const uint8_t *p = b + size * i;                                                  \
            accumulate16(acc, load(p), x, x_stride, vectors, i, 0);                           \
            accumulate16(acc, load(p + 16 * size), x, x_stride, vectors, i + 16, 1);          \
            accumulate16(acc, load(p + 32 * size), x, x_stride, vectors, i + 32, 2);          \
            accumulate16(acc, load(p + 48 * size), x, x_stride, vectors, i + 48, 3);          \
        }                                                                                     \
        if (i + 32 <= n) {                                                                    \
            accumulate16(acc, load(b + size * i), x, x_stride, vectors, i, 0);                \
            accumulate16(acc, load(b + size * (i + 16)), x, x_stride, vectors, i + 16, 1);    \
        }                                                                                     \
        finish512(acc, vectors, out);                                                         \
        FLOAT_TAIL(value)                                                                     \
    }

FLOAT_BODY_AVX512(f32, 4, load16_f32, ck_f32(b + 4 * i))
FLOAT_BODY_AVX512(f16, 2, load16_f16, ck_f16(b + 2 * i))
FLOAT_BODY_AVX512(bf16, 2, load16_bf16, bf16_value(b + 2 * i))

#else

unsigned ck_rowsf_thread_limit(unsigned mask) { (void)mask; return ~0u; }

#endif // CK_X86

ROWSF_EXPORT(ck_rowsf_f32, body_f32, body512_f32)
ROWSF_EXPORT(ck_rowsf_f16, body_f16, body512_f16)
ROWSF_EXPORT(ck_rowsf_bf16, body_bf16, body512_bf16)

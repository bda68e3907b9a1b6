// AVX2 + FMA dot products of float-encoded weight rows (f32, f16, bf16) with f32 vectors: the fast
// tier of Dot.f32 / Dot.f16 / Dot.bf16 in Sources/Kernels/Dot.swift. Four 8-lane FMA accumulators
// (32 elements per iteration), then 8 at a time, then a scalar tail.

#include "ck_internal.h"

#ifdef CK_X86

/// 8 f16 values (16 bytes) as f32 (F16C).
CK_INLINE __m256 load_f16x8(const uint8_t *p) { return _mm256_cvtph_ps(ck_load128(p)); }

/// 8 bf16 values (16 bytes) as f32: each is the top half of an f32.
CK_INLINE __m256 load_bf16x8(const uint8_t *p) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(ck_load128(p)), 16));
}

CK_INLINE __m256 load_f32x8(const uint8_t *p) { return _mm256_loadu_ps((const float *)p); }

#define CK_FLOAT_DOT(NAME, LOAD8, ELEMENT_BYTES, SCALAR)                                       \
    CK_AVX2 float NAME(const void *w, const float *x, size_t n) {                              \
        const uint8_t *p = w;                                                                   \
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();                              \
        __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();                              \
        size_t i = 0;                                                                           \
        for (; i + 32 <= n; i += 32) {                                                          \
            a0 = _mm256_fmadd_ps(LOAD8(p + (i + 0) * ELEMENT_BYTES), _mm256_loadu_ps(x + i), a0);       \
            a1 = _mm256_fmadd_ps(LOAD8(p + (i + 8) * ELEMENT_BYTES), _mm256_loadu_ps(x + i + 8), a1);   \
            a2 = _mm256_fmadd_ps(LOAD8(p + (i + 16) * ELEMENT_BYTES), _mm256_loadu_ps(x + i + 16), a2); \
            a3 = _mm256_fmadd_ps(LOAD8(p + (i + 24) * ELEMENT_BYTES), _mm256_loadu_ps(x + i + 24), a3); \
        }                                                                                       \
        for (; i + 8 <= n; i += 8) {                                                            \
            a0 = _mm256_fmadd_ps(LOAD8(p + i * ELEMENT_BYTES), _mm256_loadu_ps(x + i), a0);     \
        }                                                                                       \
        float sum = ck_hsum_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));    \
        for (; i < n; i++) sum += SCALAR(p + i * ELEMENT_BYTES) * x[i];                         \
        return sum;                                                                             \
    }

CK_INLINE float bf16_scalar(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    const uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

// f32 row (4 B per element, little-endian) . f32 vector.
CK_FLOAT_DOT(ck_dot_f32_f32, load_f32x8, 4, ck_f32)

// f16 row (IEEE binary16, 2 B per element) . f32 vector.
CK_FLOAT_DOT(ck_dot_f16_f32, load_f16x8, 2, ck_f16)

// bf16 row (top 16 bits of an f32, 2 B per element) . f32 vector.
CK_FLOAT_DOT(ck_dot_bf16_f32, load_bf16x8, 2, bf16_scalar)

#endif

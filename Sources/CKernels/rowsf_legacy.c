// Exact-activation row kernels (ck_rowsf_*) for GGML's 32-element legacy blocks: Q8_0, Q4_0, Q4_1,
// Q5_0, Q5_1 (layouts in Sources/Kernels/LegacyQuants.swift). Results equal Dot.row's up to the
// order of f32 additions (and, for Q5_1, the rounding of m + 16d).
//
// Codes are widened straight from memory (vpmovzxbd), which also splits the nibbles without byte
// shuffles: int32 lane j holds byte j, so `& 15` gives element j and `>> 4` element j + 16. Each
// element becomes q * d + offset in one FMA, where the offset carries the code bias (-8d, -16d) or
// the block minimum m; fifth bits select between two offsets (vblendvps on the bit moved to the
// sign). The AVX-512 path decodes nibbles by table lookup instead (see body512_legacy).

#include "rowsf.h"

#ifdef CK_X86

// MARK: AVX2

/// One 4- or 5-bit legacy block decoded into four 8-float vectors (elements 0-7, 8-15, 16-23,
/// 24-31). `qs_at`, `qh_at`, `m_at` are field offsets (0 when absent; d is at 0); `bias` is the
/// code offset of the types without a minimum.
CK_BODY void legacy_decode(const uint8_t *b, const int qs_at, const int qh_at, const int m_at, const float bias,
                           __m256 w[4]) {
    const __m256 d = f16x8(b);
    const __m256 offset = m_at ? f16x8(b + m_at) : _mm256_mul_ps(d, _mm256_set1_ps(-bias));
    const __m256i lo = u8x8(b + qs_at), hi = u8x8(b + qs_at + 8), low4 = _mm256_set1_epi32(15);
    const __m256i q[4] = {
        _mm256_and_si256(lo, low4), _mm256_and_si256(hi, low4), _mm256_srli_epi32(lo, 4), _mm256_srli_epi32(hi, 4),
    };
    if (qh_at) {
        // bit 8k + j of qh moved to the sign of lane j of vector k picks offset + 16d
        const __m256i bits = _mm256_set1_epi32((int)ck_u32(b + qh_at));
        const __m256 lifted = _mm256_fmadd_ps(d, _mm256_set1_ps(16), offset);
        for (int k = 0; k < 4; k++) {
            const __m256i shift = _mm256_sub_epi32(_mm256_set1_epi32(31 - 8 * k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
            const __m256 select = _mm256_castsi256_ps(_mm256_sllv_epi32(bits, shift));
            w[k] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(q[k]), d, _mm256_blendv_ps(offset, lifted, select));
        }
    } else {
        for (int k = 0; k < 4; k++) w[k] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(q[k]), d, offset);
    }
}

CK_BODY void body_legacy(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out,
                         const int bytes, const int qs_at, const int qh_at, const int m_at, const float bias) {
    ACC_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 32; i++, b += bytes) {
        __m256 v[4];
        legacy_decode(b, qs_at, qh_at, m_at, bias, v);
        accumulate32(acc, v[0], v[1], v[2], v[3], x, x_stride, vectors, i * 32);
    }
    finish(acc, vectors, out);
}

CK_BODY void body_q8_0(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 32; i++, b += CK_Q8_0) {
        const __m256 d = f16x8(b);
        __m256 v[4];
        for (int k = 0; k < 4; k++) {
            const __m256i q = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(b + 2 + 8 * k)));
            v[k] = _mm256_mul_ps(_mm256_cvtepi32_ps(q), d);
        }
        accumulate32(acc, v[0], v[1], v[2], v[3], x, x_stride, vectors, i * 32);
    }
    finish(acc, vectors, out);
}

#define BODY_AVX2(type, bytes, qs_at, qh_at, m_at, bias)                                      \
    CK_BODY void body_##type(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) { \
        body_legacy(w, n, x, x_stride, vectors, out, bytes, qs_at, qh_at, m_at, bias);        \
    }

BODY_AVX2(q4_0, CK_Q4_0, 2, 0, 0, 8)
BODY_AVX2(q4_1, CK_Q4_1, 4, 0, 2, 0)
BODY_AVX2(q5_0, CK_Q5_0, 6, 2, 0, 16)
BODY_AVX2(q5_1, CK_Q5_1, 8, 4, 2, 0)

// MARK: AVX-512

/// The AVX-512 path looks the 16 possible nibble values up in a per-block table of decoded floats
/// (vpermps reads only the low 4 bits of each index, so the low nibble needs no mask); a fifth bit
/// adds 16d to its element under an opmask.
CK_BODY512 void body512_legacy(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors,
                               float *out, const int bytes, const int qs_at, const int qh_at, const int m_at,
                               const float bias) {
    ACC512_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    const __m512 ramp = _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (size_t i = 0; i < n / 32; i++, b += bytes) {
        __m512 d, table;
        if (m_at) {
            // d and m (adjacent f16) converted together: lanes alternate d, m
            const __m512 dm = _mm512_cvtph_ps(_mm256_set1_epi32((int)ck_u32(b)));
            d = _mm512_moveldup_ps(dm);
            table = _mm512_fmadd_ps(ramp, d, _mm512_movehdup_ps(dm));
        } else {
            d = f16x16(b);
            table = _mm512_mul_ps(_mm512_sub_ps(ramp, _mm512_set1_ps(bias)), d);
        }
        const __m512i codes = u8x16(b + qs_at);
        __m512 lo = _mm512_permutexvar_ps(codes, table);
        __m512 hi = _mm512_permutexvar_ps(_mm512_srli_epi32(codes, 4), table);
        if (qh_at) {
            const uint32_t qh = ck_u32(b + qh_at);
            const __m512 lift = _mm512_mul_ps(d, _mm512_set1_ps(16));
            lo = _mm512_mask_add_ps(lo, _cvtu32_mask16(qh & 0xFFFF), lo, lift);
            hi = _mm512_mask_add_ps(hi, _cvtu32_mask16(qh >> 16), hi, lift);
        }
        accumulate16(acc, lo, x, x_stride, vectors, i * 32, 0);
        accumulate16(acc, hi, x, x_stride, vectors, i * 32 + 16, 1);
    }
    finish512(acc, vectors, out);
}

/// acc[v*K + slot] += d · Σ q·x over Q8_0 block `i` (at `b`) for every vector.
CK_BODY512 void q8_0_block_sums(__m512 *acc, const uint8_t *b, const float *x, size_t x_stride, const size_t V,
                                size_t i, size_t slot) {
    const __m512 d = f16x16(b);
    const __m512 lo = _mm512_cvtepi32_ps(i8x16(b + 2)), hi = _mm512_cvtepi32_ps(i8x16(b + 18));
    for (size_t v = 0; v < V; v++) {
        const float *xv = x + v * x_stride + i * 32;
        const __m512 sum = _mm512_fmadd_ps(hi, _mm512_loadu_ps(xv + 16), _mm512_mul_ps(lo, _mm512_loadu_ps(xv)));
        acc[v * RK(V) + slot] = _mm512_fmadd_ps(sum, d, acc[v * RK(V) + slot]);
    }
}

/// With one or two vectors, Q8_0 multiplies the codes into x first and scales each block's sum once
/// (3 FMA-unit operations per block and vector instead of 2, plus 2 shared): faster up to 2 vectors.
CK_BODY512 void body512_q8_0(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC512_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    const size_t blocks = n / 32;
    if (vectors <= 2) {
        size_t i = 0;
        for (; i + 2 <= blocks; i += 2, b += 2 * CK_Q8_0) {
            q8_0_block_sums(acc, b, x, x_stride, vectors, i, 0);
            q8_0_block_sums(acc, b + CK_Q8_0, x, x_stride, vectors, i + 1, 1);
        }
        if (i < blocks) q8_0_block_sums(acc, b, x, x_stride, vectors, i, 0);
    } else {
        for (size_t i = 0; i < blocks; i++, b += CK_Q8_0) {
            const __m512 d = f16x16(b);
            accumulate16(acc, _mm512_mul_ps(_mm512_cvtepi32_ps(i8x16(b + 2)), d), x, x_stride, vectors, i * 32, 0);
            accumulate16(acc, _mm512_mul_ps(_mm512_cvtepi32_ps(i8x16(b + 18)), d), x, x_stride, vectors, i * 32 + 16, 1);
        }
    }
    finish512(acc, vectors, out);
}

#define BODY_AVX512(type, bytes, qs_at, qh_at, m_at, bias)                                    \
    CK_BODY512 void body512_##type(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) { \
        body512_legacy(w, n, x, x_stride, vectors, out, bytes, qs_at, qh_at, m_at, bias);     \
    }

BODY_AVX512(q4_0, CK_Q4_0, 2, 0, 0, 8)
BODY_AVX512(q4_1, CK_Q4_1, 4, 0, 2, 0)
BODY_AVX512(q5_0, CK_Q5_0, 6, 2, 0, 16)
BODY_AVX512(q5_1, CK_Q5_1, 8, 4, 2, 0)

#endif // CK_X86

ROWSF_EXPORT(ck_rowsf_q8_0, body_q8_0, body512_q8_0)
ROWSF_EXPORT(ck_rowsf_q4_0, body_q4_0, body512_q4_0)
ROWSF_EXPORT(ck_rowsf_q4_1, body_q4_1, body512_q4_1)
ROWSF_EXPORT(ck_rowsf_q5_0, body_q5_0, body512_q5_0)
ROWSF_EXPORT(ck_rowsf_q5_1, body_q5_1, body512_q5_1)

// AVX2 integer dot products of the legacy 32-element formats with q8_0/q8_1 activations: the fast
// tier of Legacy.dot*Q8_* in Sources/Kernels/DotQuantized.swift.
//
// Per block, the 32 weight codes go into one 256-bit register as bytes and meet the 32 activation
// codes in _mm256_maddubs_epi16 (u8 x s8 -> pairwise i16 sums, never saturating for these ranges),
// then _mm256_madd_epi16 widens to i32. A code offset (q4_0: 8, q5_0: 16) is removed exactly as
// `maddubs(q, a) - maddubs(offset, a)`; q8_0's signed codes use the sign trick
// (|w| times a with w's sign). Four blocks per iteration: their f16 scales are gathered into one
// register and converted together (one vcvtph2ps each for weights and activations), their i32
// sums are folded into one register (ck_reduce4), and one FMA applies all four scale products.

#include "ck_vnni.h"

#ifdef CK_X86

enum { Q8_0, Q4_0, Q4_1, Q5_0, Q5_1 };

/// Block size in bytes of weight format `t`, and whether it has a min (m) field.
CK_INLINE int wbytes(int t) { return t == Q8_0 ? CK_Q8_0 : t == Q4_0 ? CK_Q4_0 : t == Q4_1 ? CK_Q4_1 : t == Q5_0 ? CK_Q5_0 : CK_Q5_1; }
CK_INLINE int has_min(int t) { return t == Q4_1 || t == Q5_1; }

/// Σ (code - offset) * a over one weight block at `x` of format `t` and 32 activation codes, as 8
/// i32 lanes. q5_0's Σ (nibble + 16 high - 16) a is taken as Σ nibble a - Σ (16 where the high bit
/// is clear) a, which saves merging the high bits into the codes.
CK_INLINE __m256i block_dot(const int t, const int isa, const uint8_t *x, __m256i a) {
    switch (t) {
    case Q8_0: {
        const __m256i q = ck_load256(x + 2);
        return ck_dot_u8s8(isa, _mm256_sign_epi8(q, q), _mm256_sign_epi8(a, q));
    }
    case Q4_0: {
        if (isa == CK_ISA_AVX2) {
            const __m256i p = _mm256_maddubs_epi16(ck_legacy_nibbles(x + 2), a);
            return ck_pairsum16(_mm256_sub_epi16(p, _mm256_maddubs_epi16(_mm256_set1_epi8(8), a)));
        }
        return _mm256_sub_epi32(ck_dot_u8s8(isa, ck_legacy_nibbles(x + 2), a), ck_dot_u8s8(isa, _mm256_set1_epi8(8), a));
    }
    case Q4_1: return ck_dot_u8s8(isa, ck_legacy_nibbles(x + 4), a);
    case Q5_0: {
        const __m256i clear16 = _mm256_andnot_si256(ck_bit_mask(ck_u32(x + 2)), _mm256_set1_epi8(16));
        if (isa == CK_ISA_AVX2) {
            const __m256i p = _mm256_maddubs_epi16(ck_legacy_nibbles(x + 6), a);
            return ck_pairsum16(_mm256_sub_epi16(p, _mm256_maddubs_epi16(clear16, a)));
        }
        return _mm256_sub_epi32(ck_dot_u8s8(isa, ck_legacy_nibbles(x + 6), a), ck_dot_u8s8(isa, clear16, a));
    }
    default: {
        const __m256i q = _mm256_or_si256(ck_legacy_nibbles(x + 8), ck_fifth_bits(ck_u32(x + 4)));
        return ck_dot_u8s8(isa, q, a);
    }
    }
}

/// The f16 at `p`, `p + stride`, `p + 2 stride`, `p + 3 stride` as 4 f32 lanes.
CK_INLINE __m128 f16x4_strided(const uint8_t *p, size_t stride) {
    uint16_t h[4];
    for (int k = 0; k < 4; k++) memcpy(&h[k], p + k * stride, 2);
    const uint64_t bits = (uint64_t)h[0] | (uint64_t)h[1] << 16 | (uint64_t)h[2] << 32 | (uint64_t)h[3] << 48;
    return _mm_cvtph_ps(_mm_cvtsi64_si128((long long)bits));
}

/// One weight row of format `t` against q8_0 (34 B: d f16 @0, qs @2) or, for q4_1/q5_1, q8_1
/// (36 B: d f16 @0, s f16 @2, qs @4) activations: Σ_b d_w d_a Σ (q - offset) a (+ m_w s_a).
CK_INLINE float legacy_row(const int t, const int isa, const uint8_t *x, const uint8_t *y, size_t nb) {
    const size_t xb = (size_t)wbytes(t), yb = has_min(t) ? CK_Q8_1 : CK_Q8_0, yqs = has_min(t) ? 4 : 2;
    __m256 acc[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    __m128 mins = _mm_setzero_ps();
    size_t b = 0;
    for (; b + 4 <= nb; b += 4, x += 4 * xb, y += 4 * yb) {
        const __m128 scales = _mm_mul_ps(f16x4_strided(x, xb), f16x4_strided(y, yb));
        // the four blocks' sums folded into one vector (lanes k and k + 4: block k), so one
        // conversion and one FMA apply all four scales
        __m256i p[4];
        for (int k = 0; k < 4; k++) p[k] = block_dot(t, isa, x + k * xb, ck_load256(y + k * yb + yqs));
        acc[0] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(ck_reduce4(p[0], p[1], p[2], p[3])),
                                 _mm256_set_m128(scales, scales), acc[0]);
        if (has_min(t)) mins = _mm_fmadd_ps(f16x4_strided(x + 2, xb), f16x4_strided(y + 2, yb), mins);
    }
    float tail = 0;
    for (; b < nb; b++, x += xb, y += yb) {
        const __m256i s = block_dot(t, isa, x, ck_load256(y + yqs));
        acc[1] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), ck_f16_product8(x, y), acc[1]);
        if (has_min(t)) tail += ck_f16(x + 2) * ck_f16(y + 2);
    }
    return ck_hsum_ps(_mm256_add_ps(acc[0], acc[1])) + (has_min(t) ? ck_hsum_ps128(mins) + tail : 0.0f);
}

// q8_0 . q8_0. Reads q8_0 blocks (34 B: d f16 @0, qs int8[32] @2) on both sides.
CK_AVX2 float ck_dot_q8_0_q8_0(const void *w, const void *a, size_t n) { CK_INT_DISPATCH(legacy_row(Q8_0, isa, w, a, n / 32)) }

// q4_0 . q8_0. Reads q4_0 blocks (18 B: d f16 @0, qs[16] @2, element j low nibble of byte j,
// j + 16 high nibble; value (q - 8) d) and q8_0 blocks.
CK_AVX2 float ck_dot_q4_0_q8_0(const void *w, const void *a, size_t n) { CK_INT_DISPATCH(legacy_row(Q4_0, isa, w, a, n / 32)) }

// q4_1 . q8_1. Reads q4_1 blocks (20 B: d f16 @0, m f16 @2, qs[16] @4; value q d + m) and q8_1
// blocks (36 B: d f16 @0, s f16 @2 = d Σ codes, qs int8[32] @4). Per block d_w d_a Σ q a + m_w s_a.
CK_AVX2 float ck_dot_q4_1_q8_1(const void *w, const void *a, size_t n) { CK_INT_DISPATCH(legacy_row(Q4_1, isa, w, a, n / 32)) }

// q5_0 . q8_0. Reads q5_0 blocks (22 B: d f16 @0, qh u32 @2 with bit i the 0x10 bit of element i,
// qs[16] @6 as q4_0; value (q - 16) d) and q8_0 blocks.
CK_AVX2 float ck_dot_q5_0_q8_0(const void *w, const void *a, size_t n) { CK_INT_DISPATCH(legacy_row(Q5_0, isa, w, a, n / 32)) }

// q5_1 . q8_1. Reads q5_1 blocks (24 B: d f16 @0, m f16 @2, qh u32 @4, qs[16] @8; value q d + m)
// and q8_1 blocks.
CK_AVX2 float ck_dot_q5_1_q8_1(const void *w, const void *a, size_t n) { CK_INT_DISPATCH(legacy_row(Q5_1, isa, w, a, n / 32)) }

#endif

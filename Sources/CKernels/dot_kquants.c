// AVX2 integer dot products of the K-quant 256-element super-blocks with q8_K activations: the
// fast tier of KQuant.dot*_KQ8_K in Sources/Kernels/DotQuantizedK.swift.
//
// Per super-block: codes are unpacked 32 at a time into unsigned bytes and meet 32 activation codes
// in _mm256_maddubs_epi16; _mm256_madd_epi16 against the sub-block scales (as i16) then widens to
// i32, so Σ_j sc_j Σ q a accumulates exactly in 8 i32 lanes. Terms of the form c Σ_j s_j Σ a (the
// K-quant mins, and the -32 / -4 code offsets of q6_K / q3_K) come from q8_K's bsums (sums of each
// 16 activation codes) in one more madd. Floats enter once per super-block: an FMA by d * d_a.
//
// q8_K (292 B): d f32 @0, qs int8[256] @4, bsums int16[16] @260.

#include "ck_vnni.h"

#ifdef CK_X86

// q2_K . q8_K. Reads q2_K (84 B): scales[16] @0 (low nibble scale, high nibble min, per 16
// elements), qs[64] @16 (element e in byte 32(e/128) + e%32, bits 2((e%128)/32)), d f16 @80,
// dmin f16 @82. Value d sc q - dmin m.
CK_AVX2 float ck_dot_q2_K_q8_K(const void *w, const void *a, size_t n) {
    const uint8_t *x = w, *y = a;
    const size_t nb = n / 256;
    const __m256i low2 = _mm256_set1_epi8(3);
    const __m128i low4 = _mm_set1_epi8(0x0F);
    __m256 acc = _mm256_setzero_ps(), accm = _mm256_setzero_ps();
    for (size_t b = 0; b < nb; b++, x += CK_Q2_K, y += CK_Q8_K) {
        const float da = ck_f32(y);
        const __m128i packed = ck_load128(x);
        const __m256i scales = _mm256_broadcastsi128_si256(_mm_and_si128(packed, low4));
        const __m256i mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), low4));
        const __m256i minsum = _mm256_madd_epi16(ck_load256(y + 260), mins);
        __m256i sum = _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            const __m256i q = ck_load256(x + 16 + 32 * h);
            const uint8_t *ya = y + 4 + 128 * h;
            for (int k = 0; k < 4; k++) {
                const __m256i codes = _mm256_and_si256(_mm256_srli_epi16(q, 2 * k), low2);
                const __m256i p = _mm256_maddubs_epi16(codes, ck_load256(ya + 32 * k));
                sum = _mm256_add_epi32(sum, _mm256_madd_epi16(p, ck_scale_pair(scales, 8 * h + 2 * k)));
            }
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(ck_f16(x + 80) * da), _mm256_cvtepi32_ps(sum), acc);
        accm = _mm256_fmadd_ps(_mm256_set1_ps(ck_f16(x + 82) * da), _mm256_cvtepi32_ps(minsum), accm);
    }
    return ck_hsum_ps(_mm256_sub_ps(acc, accm));
}

// q3_K . q8_K. Reads q3_K (110 B): hmask[32] @0 (element e: bit e/32 of byte e%32), qs[64] @32
// (2-bit codes as q2_K), scales[12] @96 (16 six-bit values +32), d f16 @108.
// Value d (sc - 32)(q - (high bit ? 0 : 4)); here q' = q + 4 high in 0...7 and Σ (q' - 4) a uses
// bsums for the -4.
CK_AVX2 float ck_dot_q3_K_q8_K(const void *w, const void *a, size_t n) {
    const uint8_t *x = w, *y = a;
    const size_t nb = n / 256;
    const __m256i low2 = _mm256_set1_epi8(3), one = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps();
    for (size_t b = 0; b < nb; b++, x += CK_Q3_K, y += CK_Q8_K) {
        const float da = ck_f32(y);
        const __m128i sc = ck_q3_K_scales(x + 96);
        const __m256i scales = _mm256_broadcastsi128_si256(sc);
        const __m256i offset = _mm256_madd_epi16(ck_load256(y + 260), _mm256_cvtepi8_epi16(sc));
        __m256i high = ck_load256(x);
        __m256i sum = _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            const __m256i q = ck_load256(x + 32 + 32 * h);
            const uint8_t *ya = y + 4 + 128 * h;
            for (int k = 0; k < 4; k++) {
                const __m256i hb = _mm256_slli_epi16(_mm256_and_si256(high, one), 2);
                high = _mm256_srli_epi16(high, 1);
                const __m256i codes = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 2 * k), low2), hb);
                const __m256i p = _mm256_maddubs_epi16(codes, ck_load256(ya + 32 * k));
                sum = _mm256_add_epi32(sum, _mm256_madd_epi16(p, ck_scale_pair(scales, 8 * h + 2 * k)));
            }
        }
        sum = _mm256_sub_epi32(sum, _mm256_slli_epi32(offset, 2));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(ck_f16(x + 108) * da), _mm256_cvtepi32_ps(sum), acc);
    }
    return ck_hsum_ps(acc);
}

/// Σ_j m_j Σ_{32 elements of j} a for q4_K/q5_K: bsums summed in pairs times the 8 mins, 4 i32 lanes.
CK_INLINE __m128i k4_min_sums(const uint8_t *y, const uint32_t mins[2]) {
    const __m128i pairs = _mm_hadd_epi16(ck_load128(y + 260), ck_load128(y + 276));
    const __m128i m16 = _mm_cvtepu8_epi16(_mm_set_epi32(0, 0, (int)mins[1], (int)mins[0]));
    return _mm_madd_epi16(pairs, m16);
}

/// q4_K/q5_K's 8 scales as i16 broadcast to both lanes, for ck_broadcast16.
CK_INLINE __m256i k4_scales16(const uint32_t scales[2]) {
    return _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(_mm_set_epi32(0, 0, (int)scales[1], (int)scales[0])));
}

/// One 64-element chunk c of q4_K/q5_K against q8_K: lo holds elements 64c..64c+31 and hi the next
/// 32 as unsigned bytes; each half is weighted by its own 6-bit scale. 8 i32 lanes.
CK_INLINE __m256i k4_chunk(const int isa, __m256i sum, __m256i lo, __m256i hi, const uint8_t *y, int c, __m256i scales) {
    const __m256i p0 = _mm256_maddubs_epi16(lo, ck_load256(y + 4 + 64 * c));
    const __m256i p1 = _mm256_maddubs_epi16(hi, ck_load256(y + 4 + 64 * c + 32));
    sum = ck_dpwssd(isa, sum, p0, ck_broadcast16(scales, 2 * c));
    return ck_dpwssd(isa, sum, p1, ck_broadcast16(scales, 2 * c + 1));
}

// q4_K . q8_K. Reads q4_K (144 B): d f16 @0, dmin f16 @2, scales[12] @4 (8 six-bit scale/min pairs
// per 32 elements), qs[128] @16 (element e in byte 32(e/64) + e%32, low nibble when (e/32) is
// even). Value d sc q - dmin m.
CK_INLINE float dot_q4_K(const int isa, const uint8_t *x, const uint8_t *y, size_t n) {
    const size_t nb = n / 256;
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    __m256 acc = _mm256_setzero_ps();
    __m128 accm = _mm_setzero_ps();
    for (size_t b = 0; b < nb; b++, x += CK_Q4_K, y += CK_Q8_K) {
        const float da = ck_f32(y);
        uint32_t sc[2], mn[2];
        ck_scale_min_k4(x + 4, sc, mn);
        const __m256i scales = k4_scales16(sc);
        __m256i sum = _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            const __m256i q = ck_load256(x + 16 + 32 * c);
            const __m256i lo = _mm256_and_si256(q, low4);
            const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
            sum = k4_chunk(isa, sum, lo, hi, y, c, scales);
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(ck_f16(x) * da), _mm256_cvtepi32_ps(sum), acc);
        accm = _mm_fmadd_ps(_mm_set1_ps(ck_f16(x + 2) * da), _mm_cvtepi32_ps(k4_min_sums(y, mn)), accm);
    }
    return ck_hsum_ps(acc) - ck_hsum_ps128(accm);
}

// q5_K . q8_K. Reads q5_K (176 B): d f16 @0, dmin f16 @2, scales[12] @4 (as q4_K), qh[32] @16
// (element e's 0x10 bit is bit e/32 of byte e%32), qs[128] @48 (low nibbles as q4_K).
CK_INLINE float dot_q5_K(const int isa, const uint8_t *x, const uint8_t *y, size_t n) {
    const size_t nb = n / 256;
    const __m256i low4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps();
    __m128 accm = _mm_setzero_ps();
    for (size_t b = 0; b < nb; b++, x += CK_Q5_K, y += CK_Q8_K) {
        const float da = ck_f32(y);
        uint32_t sc[2], mn[2];
        ck_scale_min_k4(x + 4, sc, mn);
        const __m256i scales = k4_scales16(sc);
        __m256i high = ck_load256(x + 16);
        __m256i sum = _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            const __m256i q = ck_load256(x + 48 + 32 * c);
            const __m256i h0 = _mm256_slli_epi16(_mm256_and_si256(high, one), 4);
            const __m256i h1 = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(high, 1), one), 4);
            high = _mm256_srli_epi16(high, 2);
            const __m256i lo = _mm256_or_si256(_mm256_and_si256(q, low4), h0);
            const __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 4), low4), h1);
            sum = k4_chunk(isa, sum, lo, hi, y, c, scales);
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(ck_f16(x) * da), _mm256_cvtepi32_ps(sum), acc);
        accm = _mm_fmadd_ps(_mm_set1_ps(ck_f16(x + 2) * da), _mm_cvtepi32_ps(k4_min_sums(y, mn)), accm);
    }
    return ck_hsum_ps(acc) - ck_hsum_ps128(accm);
}

// q6_K . q8_K. Reads q6_K (210 B): ql[128] @0, qh[64] @128, scales int8[16] @192 (per 16
// elements), d f16 @208. Element e = 128h + 32k + l: low 4 bits in ql[64h + l + 32(k&1)] (nibble
// k>>1), high 2 bits in qh[32h + l] bits 2k. Value d sc (q - 32); the -32 uses bsums.
CK_INLINE float dot_q6_K(const int isa, const uint8_t *x, const uint8_t *y, size_t n) {
    const size_t nb = n / 256;
    const __m256i low4 = _mm256_set1_epi8(0x0F), low2 = _mm256_set1_epi8(3);
    __m256 acc = _mm256_setzero_ps();
    for (size_t b = 0; b < nb; b++, x += CK_Q6_K, y += CK_Q8_K) {
        const float da = ck_f32(y);
        const __m128i sc = ck_load128(x + 192);
        const __m256i scales = _mm256_broadcastsi128_si256(sc);
        const __m256i offset = _mm256_madd_epi16(ck_load256(y + 260), _mm256_cvtepi8_epi16(sc));
        __m256i sum0 = _mm256_setzero_si256(), sum1 = _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            const __m256i la = ck_load256(x + 64 * h), lb = ck_load256(x + 64 * h + 32);
            const __m256i hq = ck_load256(x + 128 + 32 * h);
            const uint8_t *ya = y + 4 + 128 * h;
            const __m256i q0 = _mm256_or_si256(_mm256_and_si256(la, low4),
                                               _mm256_slli_epi16(_mm256_and_si256(hq, low2), 4));
            const __m256i q1 = _mm256_or_si256(_mm256_and_si256(lb, low4),
                                               _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hq, 2), low2), 4));
            const __m256i q2 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(la, 4), low4),
                                               _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hq, 4), low2), 4));
            const __m256i q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(lb, 4), low4),
                                               _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hq, 6), low2), 4));
            const __m256i p0 = _mm256_maddubs_epi16(q0, ck_load256(ya));
            const __m256i p1 = _mm256_maddubs_epi16(q1, ck_load256(ya + 32));
            const __m256i p2 = _mm256_maddubs_epi16(q2, ck_load256(ya + 64));
            const __m256i p3 = _mm256_maddubs_epi16(q3, ck_load256(ya + 96));
            sum0 = ck_dpwssd(isa, sum0, p0, ck_scale_pair(scales, 8 * h));
            sum1 = ck_dpwssd(isa, sum1, p1, ck_scale_pair(scales, 8 * h + 2));
            sum0 = ck_dpwssd(isa, sum0, p2, ck_scale_pair(scales, 8 * h + 4));
            sum1 = ck_dpwssd(isa, sum1, p3, ck_scale_pair(scales, 8 * h + 6));
        }
        const __m256i sum = _mm256_sub_epi32(_mm256_add_epi32(sum0, sum1), _mm256_slli_epi32(offset, 5));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(ck_f16(x + 208) * da), _mm256_cvtepi32_ps(sum), acc);
    }
    return ck_hsum_ps(acc);
}

// The exported K-quant kernels with a VNNI path: vpdpwssd fuses each scale multiply-add (the same
// integer sums).
CK_AVX2 float ck_dot_q4_K_q8_K(const void *w, const void *a, size_t n) { CK_INT_DISPATCH(dot_q4_K(isa, w, a, n)) }
CK_AVX2 float ck_dot_q5_K_q8_K(const void *w, const void *a, size_t n) { CK_INT_DISPATCH(dot_q5_K(isa, w, a, n)) }
CK_AVX2 float ck_dot_q6_K_q8_K(const void *w, const void *a, size_t n) { CK_INT_DISPATCH(dot_q6_K(isa, w, a, n)) }

#endif

// Shared helpers for the AVX2 kernels (private to CKernels). Everything that uses AVX2 intrinsics
// carries CK_AVX2 so it is compiled for AVX2 + FMA + F16C regardless of the target's baseline
// (and so always_inline helpers can inline into the CK_AVX2 kernels).

#ifndef CK_INTERNAL_H
#define CK_INTERNAL_H

#include "ckernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#define CK_X86 1
#include <immintrin.h>
#include <string.h>

#define CK_AVX2 __attribute__((target("avx2,fma,f16c")))
#define CK_INLINE static inline __attribute__((always_inline)) CK_AVX2
/// AVX-512 F/DQ/BW/VL (plus the AVX2 baseline), and the same with VNNI or BF16.
#define CK_AVX512 __attribute__((target("avx2,fma,f16c,avx512f,avx512dq,avx512bw,avx512vl")))
#define CK_AVX512_VNNI __attribute__((target("avx2,fma,f16c,avx512f,avx512dq,avx512bw,avx512vl,avx512vnni")))
#define CK_AVX512_BF16 __attribute__((target("avx2,fma,f16c,avx512f,avx512dq,avx512bw,avx512vl,avx512bf16")))
#define CK_AVX_VNNI __attribute__((target("avx2,fma,f16c,avxvnni")))
#define CK_INLINE512 static inline __attribute__((always_inline)) CK_AVX512

/// The features kernels may use (ck_cpu_active()); kernels pick their widest path with CK_HAS.
extern unsigned ck_active_features;
#define CK_HAS(feature) ((ck_active_features & (feature)) != 0)

// Byte sizes and field offsets of the blocks (see Sources/Kernels/LegacyQuants.swift, KQuants.swift).
enum {
    CK_Q4_0 = 18, CK_Q4_1 = 20, CK_Q5_0 = 22, CK_Q5_1 = 24, CK_Q8_0 = 34, CK_Q8_1 = 36,
    CK_Q2_K = 84, CK_Q3_K = 110, CK_Q4_K = 144, CK_Q5_K = 176, CK_Q6_K = 210, CK_Q8_K = 292,
};

/// `bits` in lane 0 of an xmm register whose other lanes are zero, by an explicit vmovd. Scalar
/// conversions written with intrinsics (_cvtsh_ss, or _mm_cvtph_ps(_mm_cvtsi32_si128(h)) with
/// one lane used) compile to vpinsrw into an arbitrary register, often a loop's accumulator: a
/// false dependency that chained every block's scale to the previous FMA and halved throughput.
CK_INLINE __m128i ck_movd(uint32_t bits) {
    __m128i v;
    __asm__("vmovd %1, %0" : "=x"(v) : "r"(bits));
    return v;
}

/// The little-endian f16 at `p`, as f32 (F16C; exact, subnormals included).
CK_INLINE float ck_f16(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return _mm_cvtss_f32(_mm_cvtph_ps(ck_movd(h)));
}

/// The product of the f16 values at `p` and `q`, broadcast to 8 lanes (one vcvtph2ps for both).
CK_INLINE __m256 ck_f16_product8(const uint8_t *p, const uint8_t *q) {
    uint16_t a, b;
    memcpy(&a, p, 2);
    memcpy(&b, q, 2);
    const __m128 both = _mm_cvtph_ps(ck_movd((uint32_t)a | (uint32_t)b << 16));
    return _mm256_broadcastss_ps(_mm_mul_ss(both, _mm_movehdup_ps(both)));
}

CK_INLINE float ck_f32(const uint8_t *p) {
    float f;
    memcpy(&f, p, 4);
    return f;
}

CK_INLINE uint32_t ck_u32(const uint8_t *p) {
    uint32_t u;
    memcpy(&u, p, 4);
    return u;
}

CK_INLINE __m256i ck_load256(const uint8_t *p) { return _mm256_loadu_si256((const __m256i *)p); }
CK_INLINE __m128i ck_load128(const uint8_t *p) { return _mm_loadu_si128((const __m128i *)p); }

/// Sum of the 8 lanes.
CK_INLINE float ck_hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

CK_INLINE float ck_hsum_ps128(__m128 s) {
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// int16 lanes summed in pairs into int32 lanes.
CK_INLINE __m256i ck_pairsum16(__m256i v) { return _mm256_madd_epi16(v, _mm256_set1_epi16(1)); }

/// 32 nibbles of a legacy block's 16 qs bytes as 32 bytes (0...15) in element order: element j in
/// the low nibble of byte j, element j + 16 in its high nibble.
CK_INLINE __m256i ck_legacy_nibbles(const uint8_t *qs) {
    // vbroadcasti128 is a pure load; one variable shift moves the high lane's nibbles down
    const __m256i both = _mm256_broadcastsi128_si256(ck_load128(qs));
    const __m256i shifted = _mm256_srlv_epi64(both, _mm256_setr_epi64x(0, 0, 4, 4));
    return _mm256_and_si256(shifted, _mm256_set1_epi8(0x0F));
}

/// 32 bytes, byte i = 0xFF when bit i of `bits` is set, else 0.
CK_INLINE __m256i ck_bit_mask(uint32_t bits) {
    const __m256i spread = _mm256_shuffle_epi8(
        _mm256_set1_epi32((int)bits),
        _mm256_set_epi64x(0x0303030303030303LL, 0x0202020202020202LL, 0x0101010101010101LL, 0));
    const __m256i select = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    return _mm256_cmpeq_epi8(_mm256_and_si256(spread, select), select);
}

/// 32 bytes, byte i = 0x10 when bit i of `bits` is set, else 0 (the fifth bits of q5_0/q5_1).
CK_INLINE __m256i ck_fifth_bits(uint32_t bits) {
    return _mm256_and_si256(ck_bit_mask(bits), _mm256_set1_epi8(0x10));
}

/// Four int32 vectors reduced so that lane k (k < 4) holds the sum of lanes 0-3 of vector k and
/// lane k + 4 the sum of its lanes 4-7: adding the two 128-bit halves gives the four totals.
/// (Unpacks and adds rather than vphaddd, which is several times slower on AMD Zen.)
CK_INLINE __m256i ck_reduce4(__m256i p0, __m256i p1, __m256i p2, __m256i p3) {
    const __m256i s01 = _mm256_add_epi32(_mm256_unpacklo_epi32(p0, p1), _mm256_unpackhi_epi32(p0, p1));
    const __m256i s23 = _mm256_add_epi32(_mm256_unpacklo_epi32(p2, p3), _mm256_unpackhi_epi32(p2, p3));
    return _mm256_add_epi32(_mm256_unpacklo_epi64(s01, s23), _mm256_unpackhi_epi64(s01, s23));
}

/// q4_K/q5_K's 12 scale bytes unpacked: scales[0..7] and mins[0..7], each 0...63 (see
/// KQuant.scaleMin in Sources/Kernels/KQuants.swift).
CK_INLINE void ck_scale_min_k4(const uint8_t *p, uint32_t out_scales[2], uint32_t out_mins[2]) {
    const uint32_t u0 = ck_u32(p), u1 = ck_u32(p + 4), u2 = ck_u32(p + 8);
    out_scales[0] = u0 & 0x3f3f3f3fu;
    out_mins[0] = u1 & 0x3f3f3f3fu;
    out_scales[1] = (u2 & 0x0f0f0f0fu) | (((u0 >> 6) & 0x03030303u) << 4);
    out_mins[1] = ((u2 >> 4) & 0x0f0f0f0fu) | (((u1 >> 6) & 0x03030303u) << 4);
}

/// q3_K's 16 six-bit scales (stored +32) unpacked to signed bytes -32...31 (KQuant.q3Scale).
CK_INLINE __m128i ck_q3_K_scales(const uint8_t *p) {
    const uint32_t a0 = ck_u32(p), a1 = ck_u32(p + 4), a2 = ck_u32(p + 8);
    const uint32_t s0 = (a0 & 0x0f0f0f0fu) | ((a2 & 0x03030303u) << 4);
    const uint32_t s1 = (a1 & 0x0f0f0f0fu) | (((a2 >> 2) & 0x03030303u) << 4);
    const uint32_t s2 = ((a0 >> 4) & 0x0f0f0f0fu) | (((a2 >> 4) & 0x03030303u) << 4);
    const uint32_t s3 = ((a1 >> 4) & 0x0f0f0f0fu) | (((a2 >> 6) & 0x03030303u) << 4);
    return _mm_sub_epi8(_mm_set_epi32((int)s3, (int)s2, (int)s1, (int)s0), _mm_set1_epi8(32));
}

/// From 16 signed scale bytes broadcast to both lanes (`scales`), the int16 vector whose low 8 lanes
/// are scale j and high 8 lanes scale j + 1: the multipliers for a maddubs result covering two
/// 16-element sub-blocks j, j + 1.
CK_INLINE __m256i ck_scale_pair(__m256i scales, int j) {
    const __m256i index = _mm256_set_m128i(_mm_set1_epi8((char)(j + 1)), _mm_set1_epi8((char)j));
    return _mm256_srai_epi16(_mm256_shuffle_epi8(scales, index), 8);
}

/// From 8 int16 values broadcast to both lanes, int16 value j in every lane.
CK_INLINE __m256i ck_broadcast16(__m256i values, int j) {
    const __m256i index = _mm256_set1_epi16((short)((2 * j) | ((2 * j + 1) << 8)));
    return _mm256_shuffle_epi8(values, index);
}

#endif // x86-64

#endif

// Integer dot products of weight rows with split activations (ckernels_split.h): three int8 terms
// for the exact path, one for the q8 path. AVX-512 VNNI only; elsewhere callers keep the f32
// kernels.
//
// Q4_0: a group of 4 weight blocks (128 elements, 72 bytes) is unpacked once: the four 16-byte
// code arrays into one 512-bit register, low nibbles and high nibbles apart (the activation layout
// matches, so nothing is shuffled), 7 operations for 128 codes. Each vector then takes six
// vpdpbusd — codes (unsigned 0...15) times each term's low and high halves — chained with two
// 7-bit shifts, so one int32 lane ends up holding 16384 Σhq + 128 Σlq + Σmq over its 8 elements
// (at most 8·15·(127·16384 + 64·128 + 64) < 2^28: no overflow); the code bias 8 comes off as 8
// times the lane's precomputed sum of combined terms, and one FMA applies d_w · d_x / 16384 per
// block. About 13 vector operations per 128 weights per vector, against ~32 for decoding them to
// f32 (rowsf_legacy.c). With one term a vector takes two vpdpbusd and no shifts.
//
// IQ4_NL and IQ4_XS look their codes up (vpshufb) as table value + 128, unsigned, and Q8_0 flips
// its codes' sign bits to the same end: a lane's unsigned sums may pass 2^31, but its result,
// Σ value · terms over 8 elements, is below 2^31 (8·127·2089024), and the adds on the way wrap.
//
// Q4_K and Q5_K: 64 code bytes hold four 32-element sub-blocks (low nibbles: sub-blocks 0 and 2 of
// the 128, high nibbles: 1 and 3), so low and high nibbles keep separate accumulators, each lane
// within one sub-block; each sub-block's weight scale d·sc times its activation scale is spread
// over its 8 lanes, and the minimums meet the activations' exact f32 sums per sub-block. Q6_K,
// Q3_K and Q2_K take activations in element order, with integer sums per 16 elements for their
// code biases (Q6_K, Q3_K) and minimums (Q2_K).

#include <math.h>
#include <string.h>

#include "ck_internal.h"
#include "ckernels_split.h"

extern _Thread_local unsigned ck_rowsf_thread_mask;   // rowsf_float.c (ExactDot.limiting)

/// Bytes of a legacy group of 4 blocks: the terms, 64 of lane sums, 16 of scales, padded to a power of two.
static inline size_t group_bytes(int terms) { return terms == 3 ? 512 : 256; }

/// Bytes of a K-quant super-block of 256: the terms, 32 of scales, 32 of f32 sums, 64 of integer sums.
static inline size_t super_bytes(int terms) { return (size_t)terms * 256 + 128; }

size_t ck_split_bytes(size_t n, int terms) { return (n / 32 + 3) / 4 * group_bytes(terms); }
size_t ck_split_bytes_k(size_t n, int terms) { return n / 256 * super_bytes(terms); }

#ifdef CK_X86

int ck_split_available(void) {
    const unsigned f = ck_cpu_active() & ck_rowsf_thread_mask;
    return (f & CK_FEATURE_AVX512) && (f & CK_FEATURE_AVX512_VNNI);
}

#define NEAREST (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define CK_SPLIT static inline __attribute__((always_inline)) CK_AVX512_VNNI

/// One block of 32 values split into T terms: element i's terms go to first[i] (i < 16) or
/// second[i - 16], the terms `stride` bytes apart. Returns the block's scale (d / 16384 for three
/// terms, d for one; 0 for an all-zero block, NaN where a value is NaN or infinite, so products
/// are NaN as f32 would not stay finite) and, where not null, sets sum[0], sum[1] to Σ 16384 h +
/// 128 l + m (or Σ h) over elements 0-15 and 16-31, and lanes[p] to the same over elements
/// 4p...4p+3 and their partners 16 + 4p...16 + 4p + 3 (what one int32 lane of the legacy kernels
/// holds). For a zero or non-finite block they are not written (the encoders clear their output first).
///
/// u = x / d (correctly rounded), h = round(u), l = round(128 (u - h)), m = round(128 (128 (u - h)
/// - l)), rounding to nearest even: every step after the division is exact in f32 (differences of
/// nearby values, scaled by powers of two), so x = d (h + l/128 + m/16384) to within d/32768 plus
/// the division's rounding.
CK_SPLIT float split32(const float *x, const int T, uint8_t *first, uint8_t *second, size_t stride, int32_t sum[2],
                       int32_t lanes[4]) {
    const __m512 x0 = _mm512_loadu_ps(x), x1 = _mm512_loadu_ps(x + 16);
    // fpclass 0x99: quiet or signalling NaN, +inf, -inf
    if (_mm512_fpclass_ps_mask(x0, 0x99) | _mm512_fpclass_ps_mask(x1, 0x99)) return NAN;
    const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(x0), _mm512_abs_ps(x1)));
    const float d = amax / 127.0f;
    if (!(d > 0)) return 0;   // all zero: the terms stay zero
    const __m512 dv = _mm512_set1_ps(d), step = _mm512_set1_ps(128.0f);
    __m512i combined[2];
    for (int half = 0; half < 2; half++) {
        uint8_t *out = half ? second : first;
        const __m512 u = _mm512_div_ps(half ? x1 : x0, dv);
        const __m512 h = _mm512_roundscale_ps(u, NEAREST);
        const __m512i hi = _mm512_cvtps_epi32(h);
        _mm_storeu_si128((__m128i *)out, _mm512_cvtepi32_epi8(hi));
        if (T == 1) {
            combined[half] = hi;
            continue;
        }
        const __m512 r1 = _mm512_mul_ps(_mm512_sub_ps(u, h), step);
        const __m512 l = _mm512_roundscale_ps(r1, NEAREST);
        const __m512 m = _mm512_roundscale_ps(_mm512_mul_ps(_mm512_sub_ps(r1, l), step), NEAREST);
        const __m512i li = _mm512_cvtps_epi32(l), mi = _mm512_cvtps_epi32(m);
        _mm_storeu_si128((__m128i *)(out + stride), _mm512_cvtepi32_epi8(li));
        _mm_storeu_si128((__m128i *)(out + 2 * stride), _mm512_cvtepi32_epi8(mi));
        combined[half] = _mm512_add_epi32(_mm512_slli_epi32(hi, 14), _mm512_add_epi32(_mm512_slli_epi32(li, 7), mi));
    }
    if (sum) {
        sum[0] = _mm512_reduce_add_epi32(combined[0]);
        sum[1] = _mm512_reduce_add_epi32(combined[1]);
    }
    if (lanes) {
        // element i and 16 + i, then each 4 lanes summed (every lane of a 128-bit lane holds its sum)
        __m512i pairs = _mm512_add_epi32(combined[0], combined[1]);
        pairs = _mm512_add_epi32(pairs, _mm512_shuffle_epi32(pairs, _MM_PERM_CDAB));
        pairs = _mm512_add_epi32(pairs, _mm512_shuffle_epi32(pairs, _MM_PERM_BADC));
        _mm_storeu_si128((__m128i *)lanes, _mm512_castsi512_si128(_mm512_maskz_compress_epi32(0x1111, pairs)));
    }
    return T == 1 ? d : d / 16384.0f;
}

CK_AVX512_VNNI void ck_split_encode(const float *x, size_t n, int terms, void *out) {
    const size_t blocks = n / 32, bytes = group_bytes(terms);
    const int T = terms == 1 ? 1 : 3;
    uint8_t *o = (uint8_t *)out;
    memset(o, 0, ck_split_bytes(n, terms));
    for (size_t b = 0; b < blocks; b++) {
        uint8_t *group = o + bytes * (b / 4);
        const int k = (int)(b % 4);
        const float scale = split32(x + 32 * b, T, group + 16 * k, group + 64 + 16 * k, 128, NULL,
                                    (int32_t *)(group + 128 * T) + 4 * k);
        ((float *)(group + 128 * T + 64))[k] = scale;
    }
}

CK_AVX512_VNNI void ck_split_encode_k(const float *x, size_t n, int terms, int natural, void *out) {
    const int T = terms == 1 ? 1 : 3;
    uint8_t *o = (uint8_t *)out;
    memset(o, 0, ck_split_bytes_k(n, terms));
    for (size_t s = 0; s < n / 256; s++) {
        uint8_t *super = o + s * super_bytes(T);
        float *scales = (float *)(super + 256 * T), *sums = scales + 8;
        int32_t *groups = (int32_t *)(sums + 8);
        for (int j = 0; j < 8; j++) {
            // Q4_K's order: within each 128, sub-blocks 0, 2 in the low nibbles, 1, 3 in the high
            static const int place[4] = {0, 64, 32, 96};
            uint8_t *at = super + (natural ? 32 * j : 128 * (j / 4) + place[j % 4]);
            const float *xj = x + 256 * s + 32 * j;
            scales[j] = split32(xj, T, at, at + 16, 256, groups + 2 * j, NULL);
            const __m512 total = _mm512_add_ps(_mm512_loadu_ps(xj), _mm512_loadu_ps(xj + 16));
            sums[j] = _mm512_reduce_add_ps(total);
        }
    }
}

CK_SPLIT __m512i dpbusd512(__m512i acc, __m512i u, const uint8_t *s) {
    return _mm512_dpbusd_epi32(acc, u, _mm512_load_si512((const void *)s));
}

/// Σ codes · terms over one 64-byte slice: the T terms at t, t + stride, t + 2 stride, combined
/// 16384 : 128 : 1 by shifting between them.
CK_SPLIT __m512i term_sums(__m512i codes, const int T, const uint8_t *t, size_t stride) {
    __m512i s = _mm512_dpbusd_epi32(_mm512_setzero_si512(), codes, _mm512_load_si512((const void *)t));
    if (T == 3) {
        s = dpbusd512(_mm512_slli_epi32(s, 7), codes, t + stride);
        s = dpbusd512(_mm512_slli_epi32(s, 7), codes, t + 2 * stride);
    }
    return s;
}

/// The IQ4 code table (GGML's kvalues_iq4nl) plus 128, as unsigned bytes for vpdpbusd, in each
/// 128-bit lane for vpshufb.
CK_SPLIT __m512i iq4_table(void) {
    return _mm512_broadcast_i32x4(_mm_setr_epi8((char)1, (char)24, (char)45, (char)63, (char)79, (char)93, (char)106,
                                                (char)118, (char)129, (char)141, (char)153, (char)166, (char)181,
                                                (char)197, (char)217, (char)241));
}

/// acc[v] += Σ per block of d_w d_x (Σ codes · x - bias Σ x) (+ m_w Σ x where `mw`), lane-wise, for
/// a group of 4 blocks whose codes (unsigned, bias added) are `lo` (elements 0-15 of block k in
/// 128-bit lane k) and `hi` (16-31), against V vectors' group at `a`. The per-lane sums make every
/// lane's result Σ over its 8 elements of (code - bias) x: below 2^31 in magnitude for |code - bias|
/// ≤ 127, so the integer adds may wrap on the way (vpdpbusd and vpaddd wrap) and the lane is exact.
CK_SPLIT void accumulate_group(__m512i lo, __m512i hi, __m128 dw, const int with_min, __m128 mw, const int bias_shift,
                               const int T, const uint8_t *a, size_t a_stride, const int V, __m512 *acc) {
    const __m512i spread = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    for (int v = 0; v < V; v++) {
        const uint8_t *t = a + (size_t)v * a_stride;
        // low and high nibbles into one accumulator: a lane's 8 elements share their block
        __m512i s = _mm512_dpbusd_epi32(_mm512_setzero_si512(), lo, _mm512_load_si512((const void *)t));
        s = dpbusd512(s, hi, t + 64);
        if (T == 3) {
            s = _mm512_slli_epi32(s, 7);
            s = dpbusd512(s, lo, t + 128);
            s = dpbusd512(s, hi, t + 192);
            s = _mm512_slli_epi32(s, 7);
            s = dpbusd512(s, lo, t + 256);
            s = dpbusd512(s, hi, t + 320);
        }
        // each lane's 8 elements' combined terms
        const __m512i sums = _mm512_load_si512((const void *)(t + 128 * T));
        const __m128 dx = _mm_load_ps((const float *)(t + 128 * T + 64));
        if (!with_min) s = _mm512_sub_epi32(s, _mm512_slli_epi32(sums, bias_shift));   // the code bias
        const __m512 scale16 = _mm512_permutexvar_ps(spread, _mm512_castps128_ps512(_mm_mul_ps(dw, dx)));
        acc[v] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), scale16, acc[v]);
        if (with_min) {
            const __m512 min16 = _mm512_permutexvar_ps(spread, _mm512_castps128_ps512(_mm_mul_ps(mw, dx)));
            acc[v] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sums), min16, acc[v]);
        }
    }
}

enum { L_Q4_0, L_Q4_1, L_Q5_0, L_Q5_1, L_IQ4_NL, L_Q8_0 };

/// 16 bytes from each of `count` (1...4) blocks `bytes` apart, from `p` on, one block per 128-bit
/// lane (missing blocks zero, and not read).
CK_SPLIT __m512i gather4(const uint8_t *p, const int bytes, const int count) {
    __m512i v = _mm512_castsi128_si512(ck_load128(p));
    if (count > 1) v = _mm512_inserti32x4(v, ck_load128(p + bytes), 1);
    if (count > 2) v = _mm512_inserti32x4(v, ck_load128(p + 2 * bytes), 2);
    if (count > 3) v = _mm512_inserti32x4(v, ck_load128(p + 3 * bytes), 3);
    if (count < 4) v = _mm512_maskz_mov_epi32((__mmask16)((1u << (4 * count)) - 1), v);
    return v;
}

/// One group of `count` (1...4) 32-element blocks of `kind` at `b` against V vectors' group at
/// `a` (stride a_stride). Blocks: q4_0 (18 B: d @0, qs @2), q4_1 (20 B: d, m @2, qs @4), q5_0
/// (22 B: d, qh u32 @2, qs @6), q5_1 (24 B: d, m @2, qh @4, qs @8), iq4_nl (18 B: d, qs @2, codes
/// through the table), q8_0 (34 B: d, int8 qs[32] @2); element j in the low nibble of qs[j],
/// j + 16 in its high nibble, fifth bit j in bit j of qh.
CK_SPLIT void group_legacy(const int kind, const uint8_t *b, const int count, const int T, const uint8_t *a,
                           size_t a_stride, const int V, __m512 *acc) {
    const int bytes = kind == L_Q4_1 ? CK_Q4_1 : kind == L_Q5_0 ? CK_Q5_0 : kind == L_Q5_1 ? CK_Q5_1
                    : kind == L_Q8_0 ? CK_Q8_0 : CK_Q4_0;
    const int qs = kind == L_Q4_1 ? 4 : kind == L_Q5_0 ? 6 : kind == L_Q5_1 ? 8 : 2;
    const int qh = kind == L_Q5_0 ? 2 : kind == L_Q5_1 ? 4 : 0;
    const int with_min = kind == L_Q4_1 || kind == L_Q5_1;
    // a row's last group may hold fewer blocks: nothing past them is read (it may be the end of
    // the file), and the missing blocks' codes and scales are zero
    const __m512i codes = gather4(b + qs, bytes, count);
    uint64_t d_bits = 0, m_bits = 0, fifth_lo = 0, fifth_hi = 0;
    for (int k = 0; k < count; k++) {
        uint16_t h;
        memcpy(&h, b + k * bytes, 2);
        d_bits |= (uint64_t)h << (16 * k);
        if (with_min) {
            memcpy(&h, b + k * bytes + 2, 2);
            m_bits |= (uint64_t)h << (16 * k);
        }
        if (qh) {
            const uint32_t bits = ck_u32(b + k * bytes + qh);
            fifth_lo |= (uint64_t)(bits & 0xFFFF) << (16 * k);
            fifth_hi |= (uint64_t)(bits >> 16) << (16 * k);
        }
    }
    const __m512i low4 = _mm512_set1_epi8(0x0F);
    __m512i lo = _mm512_and_si512(codes, low4);
    __m512i hi = _mm512_and_si512(_mm512_srli_epi16(codes, 4), low4);
    if (kind == L_Q8_0) {
        // int8 codes, elements 0-15 and 16-31 of each block, + 128 as unsigned bytes
        const __m512i flip = _mm512_set1_epi8((char)0x80);
        lo = _mm512_xor_si512(codes, flip);
        hi = _mm512_xor_si512(gather4(b + qs + 16, bytes, count), flip);
    }
    if (qh) {
        const __m512i sixteen = _mm512_set1_epi8(16);
        lo = _mm512_mask_add_epi8(lo, (__mmask64)fifth_lo, lo, sixteen);
        hi = _mm512_mask_add_epi8(hi, (__mmask64)fifth_hi, hi, sixteen);
    }
    if (kind == L_IQ4_NL) {
        lo = _mm512_shuffle_epi8(iq4_table(), lo);
        hi = _mm512_shuffle_epi8(iq4_table(), hi);
    }
    const __m128 dw = _mm_cvtph_ps(_mm_cvtsi64_si128((long long)d_bits));
    const __m128 mw = with_min ? _mm_cvtph_ps(_mm_cvtsi64_si128((long long)m_bits)) : _mm_setzero_ps();
    const int bias_shift = kind == L_Q4_0 ? 3 : kind == L_Q5_0 ? 4 : 7;   // 8, 16, or 128 (IQ4_NL, Q8_0)
    accumulate_group(lo, hi, dw, with_min, mw, bias_shift, T, a, a_stride, V, acc);
}

/// out[v] = one legacy row of n elements · split vector v, for v < V.
CK_SPLIT void split_legacy(const int kind, const uint8_t *w, size_t n, const int T, const uint8_t *a, size_t a_stride,
                           const int V, float *out) {
    const size_t blocks = n / 32, full = blocks / 4, bytes = T == 3 ? 512 : 256;
    const size_t wbytes = kind == L_Q4_1 ? CK_Q4_1 : kind == L_Q5_0 ? CK_Q5_0 : kind == L_Q5_1 ? CK_Q5_1
                        : kind == L_Q8_0 ? CK_Q8_0 : CK_Q4_0;
    __m512 acc[8];
    for (int v = 0; v < V; v++) acc[v] = _mm512_setzero_ps();
    for (size_t g = 0; g < full; g++) group_legacy(kind, w + g * 4 * wbytes, 4, T, a + g * bytes, a_stride, V, acc);
    const uint8_t *wt = w + full * 4 * wbytes, *at = a + full * bytes;
    switch (blocks % 4) {
    case 1: group_legacy(kind, wt, 1, T, at, a_stride, V, acc); break;
    case 2: group_legacy(kind, wt, 2, T, at, a_stride, V, acc); break;
    case 3: group_legacy(kind, wt, 3, T, at, a_stride, V, acc); break;
    default: break;
    }
    for (int v = 0; v < V; v++) out[v] = _mm512_reduce_add_ps(acc[v]);
}

/// NAME: BODY with its first argument (the variant) fixed to KIND.
#define SPLIT_KIND(NAME, BODY, KIND)                                                               \
    CK_SPLIT void NAME(const uint8_t *w, size_t n, const int T, const uint8_t *a, size_t a_stride, const int V, \
                       float *out) {                                                               \
        BODY(KIND, w, n, T, a, a_stride, V, out);                                                  \
    }
SPLIT_KIND(split_q4_0, split_legacy, L_Q4_0)
SPLIT_KIND(split_q4_1, split_legacy, L_Q4_1)
SPLIT_KIND(split_q5_0, split_legacy, L_Q5_0)
SPLIT_KIND(split_q5_1, split_legacy, L_Q5_1)
SPLIT_KIND(split_iq4_nl, split_legacy, L_IQ4_NL)
SPLIT_KIND(split_q8_0, split_legacy, L_Q8_0)

/// out[v] = one IQ4_XS row of n elements · split vector v (the legacy layout: its 32-element
/// sub-blocks are laid out as IQ4_NL blocks), for v < V. Super-block (136 bytes): d f16 @0,
/// scales_h u16 @2, scales_l[4] @4, qs[128] @8; sub-block j's scale d (ls - 32) with ls = nibble
/// j % 2 of scales_l[j / 2] | bits 2j, 2j + 1 of scales_h << 4; its codes qs[16 j...16 j + 15].
CK_SPLIT void split_iq4_xs(const uint8_t *w, size_t n, const int T, const uint8_t *a, size_t a_stride, const int V,
                           float *out) {
    const size_t bytes = T == 3 ? 512 : 256;
    __m512 acc[8];
    for (int v = 0; v < V; v++) acc[v] = _mm512_setzero_ps();
    const __m512i low4 = _mm512_set1_epi8(0x0F);
    for (size_t s = 0; s < n / 256; s++) {
        const uint8_t *b = w + s * 136;
        const float d = ck_f16(b);
        uint16_t high;
        memcpy(&high, b + 2, 2);
        for (int g = 0; g < 2; g++) {
            float scale[4];
            for (int k = 0; k < 4; k++) {
                const int j = 4 * g + k;
                const int ls = ((b[4 + j / 2] >> (4 * (j % 2))) & 0xF) | (((high >> (2 * j)) & 3) << 4);
                scale[k] = d * (float)(ls - 32);
            }
            const __m512i codes = _mm512_loadu_si512((const void *)(b + 8 + 64 * g));
            const __m512i lo = _mm512_shuffle_epi8(iq4_table(), _mm512_and_si512(codes, low4));
            const __m512i hi = _mm512_shuffle_epi8(iq4_table(), _mm512_and_si512(_mm512_srli_epi16(codes, 4), low4));
            accumulate_group(lo, hi, _mm_loadu_ps(scale), 0, _mm_setzero_ps(), 7, T, a + (2 * s + g) * bytes, a_stride, V,
                             acc);
        }
    }
    for (int v = 0; v < V; v++) out[v] = _mm512_reduce_add_ps(acc[v]);
}

/// out[v] = one Q4_K or Q5_K row of n elements · split vector v, for v < V. Q4_K super-block (144
/// bytes): d f16 @0, dmin f16 @2, 12 bytes of 6-bit scales and minimums @4, 128 bytes of codes @16;
/// Q5_K (176 bytes) the same with 32 bytes of fifth bits @16 (element e: bit e / 32 of byte e % 32)
/// and the codes @48; element = d·sc_j·q - dmin·m_j in sub-block j.
CK_SPLIT void split_k4(const int five, const uint8_t *w, size_t n, const int T, const uint8_t *a, size_t a_stride,
                       const int V, float *out) {
    const size_t bytes = super_bytes(T);
    __m512 acc[8];
    __m256 mins_acc[8];
    for (int v = 0; v < V; v++) {
        acc[v] = _mm512_setzero_ps();
        mins_acc[v] = _mm256_setzero_ps();
    }
    const __m512i low4 = _mm512_set1_epi8(0x0F);
    // per half: sub-blocks (0, 2) in the low nibbles' lanes, (1, 3) in the high nibbles'
    const __m512i pick[4] = {
        _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2),
        _mm512_setr_epi32(1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3),
        _mm512_setr_epi32(4, 4, 4, 4, 4, 4, 4, 4, 6, 6, 6, 6, 6, 6, 6, 6),
        _mm512_setr_epi32(5, 5, 5, 5, 5, 5, 5, 5, 7, 7, 7, 7, 7, 7, 7, 7),
    };
    const __m512i sixteen = _mm512_set1_epi8(16);
    for (size_t s = 0; s < n / 256; s++) {
        const uint8_t *b = w + s * (five ? CK_Q5_K : CK_Q4_K);
        uint32_t sc[2], mn[2];
        ck_scale_min_k4(b + 4, sc, mn);
        const __m256 d = _mm256_set1_ps(ck_f16(b)), dmin = _mm256_set1_ps(ck_f16(b + 2));
        const __m256 wscale = _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_setr_epi32((int)sc[0], (int)sc[1], 0, 0))));
        const __m256 wmin = _mm256_mul_ps(dmin, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_setr_epi32((int)mn[0], (int)mn[1], 0, 0))));
        __m512i codes[4];
        const __m512i high = five ? _mm512_broadcast_i64x4(ck_load256(b + 16)) : _mm512_setzero_si512();
        for (int half = 0; half < 2; half++) {
            const __m512i q = _mm512_loadu_si512((const void *)(b + (five ? 48 : 16) + 64 * half));
            codes[2 * half] = _mm512_and_si512(q, low4);
            codes[2 * half + 1] = _mm512_and_si512(_mm512_srli_epi16(q, 4), low4);
            if (five) {
                // the low nibbles hold sub-blocks 4 half and 4 half + 2, the high ones + 1 and + 3
                for (int k = 0; k < 2; k++) {
                    const int j = 4 * half + k;
                    const __m512i bit = _mm512_inserti64x4(_mm512_set1_epi8((char)(1 << j)),
                                                           _mm256_set1_epi8((char)(1 << (j + 2))), 1);
                    const __mmask64 set = _mm512_test_epi8_mask(high, bit);
                    codes[2 * half + k] = _mm512_mask_add_epi8(codes[2 * half + k], set, codes[2 * half + k], sixteen);
                }
            }
        }
        for (int v = 0; v < V; v++) {
            const uint8_t *t = a + (size_t)v * a_stride + s * bytes;
            const float *xs = (const float *)(t + 256 * T);
            const __m512 scale = _mm512_castps256_ps512(_mm256_mul_ps(wscale, _mm256_loadu_ps(xs)));
            mins_acc[v] = _mm256_fmadd_ps(wmin, _mm256_loadu_ps(xs + 8), mins_acc[v]);
            for (int c = 0; c < 4; c++) {
                const __m512i sums = term_sums(codes[c], T, t + 64 * c, 256);
                acc[v] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sums), _mm512_permutexvar_ps(pick[c], scale), acc[v]);
            }
        }
    }
    for (int v = 0; v < V; v++) out[v] = _mm512_reduce_add_ps(acc[v]) - ck_hsum_ps(mins_acc[v]);
}

SPLIT_KIND(split_q4_K, split_k4, 0)

SPLIT_KIND(split_q5_K, split_k4, 1)

/// pick[c]: lane 4k + i takes 16-element group 4c + k (the 4 groups one 512-bit register of codes
/// c covers, in natural order).
CK_SPLIT void group_picks(__m512i pick[4]) {
    for (int c = 0; c < 4; c++) {
        pick[c] = _mm512_setr_epi32(4 * c, 4 * c, 4 * c, 4 * c, 4 * c + 1, 4 * c + 1, 4 * c + 1, 4 * c + 1,
                                    4 * c + 2, 4 * c + 2, 4 * c + 2, 4 * c + 2, 4 * c + 3, 4 * c + 3, 4 * c + 3, 4 * c + 3);
    }
}

/// out[v] = one Q6_K row of n elements · split vector v (natural order), for v < V. Q6_K
/// super-block (210 bytes): 128 bytes of low nibbles @0, 64 of high 2-bit pairs @128, 16 int8
/// scales @192, d f16 @208; per 128 elements (ql 64 bytes, qh 32): element l takes ql[l] & 15 and
/// qh[l] bits 0-1, l + 32 ql[l + 32] & 15 and bits 2-3, l + 64 ql[l] >> 4 and bits 4-5, l + 96
/// ql[l + 32] >> 4 and bits 6-7; element = d · sc[e / 16] · (q - 32).
CK_SPLIT void split_q6_K(const uint8_t *w, size_t n, const int T, const uint8_t *a, size_t a_stride, const int V,
                         float *out) {
    const size_t bytes = super_bytes(T);
    __m512 acc[8];
    for (int v = 0; v < V; v++) acc[v] = _mm512_setzero_ps();
    const __m512i low4 = _mm512_set1_epi8(0x0F), bits45 = _mm512_set1_epi8(0x30);
    // 16-bit shifts that bring each high pair to bits 4-5 (the other bits are masked off)
    const __m512i up_low = _mm512_setr_epi64(4 * 0x0001000100010001LL, 4 * 0x0001000100010001LL, 4 * 0x0001000100010001LL,
                                             4 * 0x0001000100010001LL, 2 * 0x0001000100010001LL, 2 * 0x0001000100010001LL,
                                             2 * 0x0001000100010001LL, 2 * 0x0001000100010001LL);
    const __m512i down_high = _mm512_setr_epi64(0, 0, 0, 0, 2 * 0x0001000100010001LL, 2 * 0x0001000100010001LL,
                                                2 * 0x0001000100010001LL, 2 * 0x0001000100010001LL);
    // activation scale of 16-element group g is that of 32-element block g / 2
    const __m512i halves = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    __m512i pick[4];
    group_picks(pick);
    for (size_t s = 0; s < n / 256; s++) {
        const uint8_t *b = w + s * CK_Q6_K;
        const __m512 wscale = _mm512_mul_ps(_mm512_set1_ps(ck_f16(b + 208)),
                                            _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(ck_load128(b + 192))));
        __m512i codes[4];
        for (int half = 0; half < 2; half++) {
            const __m512i ql = _mm512_loadu_si512((const void *)(b + 64 * half));
            const __m512i qh = _mm512_broadcast_i64x4(ck_load256(b + 128 + 32 * half));
            codes[2 * half] = _mm512_or_si512(_mm512_and_si512(ql, low4),
                                              _mm512_and_si512(_mm512_sllv_epi16(qh, up_low), bits45));
            codes[2 * half + 1] = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(ql, 4), low4),
                                                  _mm512_and_si512(_mm512_srlv_epi16(qh, down_high), bits45));
        }
        for (int v = 0; v < V; v++) {
            const uint8_t *t = a + (size_t)v * a_stride + s * bytes;
            const float *dx = (const float *)(t + 256 * T);
            const __m512i groups = _mm512_loadu_si512((const void *)(dx + 16));
            const __m512 scale = _mm512_mul_ps(wscale, _mm512_permutexvar_ps(halves, _mm512_castps256_ps512(_mm256_loadu_ps(dx))));
            for (int c = 0; c < 4; c++) {
                __m512i sums = term_sums(codes[c], T, t + 64 * c, 256);
                // the code bias 32 times each 16-element group's sum, in the group's first lane
                const __m512i bias = _mm512_maskz_permutexvar_epi32(0x1111, pick[c], groups);
                sums = _mm512_sub_epi32(sums, _mm512_slli_epi32(bias, 5));
                acc[v] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sums), _mm512_permutexvar_ps(pick[c], scale), acc[v]);
            }
        }
    }
    for (int v = 0; v < V; v++) out[v] = _mm512_reduce_add_ps(acc[v]);
}

/// out[v] = one Q2_K or Q3_K row of n elements · split vector v (natural order), for v < V. Per
/// 128 elements both keep 32 bytes of 2-bit codes (element 32 j + l: bits 2j, 2j + 1 of byte l).
/// Q2_K (84 bytes): 16 scale bytes @0 (scale low nibble, minimum high, per 16 elements), codes
/// @16, d f16 @80, dmin f16 @82; element = d·sc·q - dmin·m. Q3_K (110 bytes): 32 bytes of high
/// bits @0 (element e: bit e / 32 of byte e % 32; clear means the code is 4 lower), codes @32,
/// 12 bytes of 6-bit scales (stored + 32) @96, d f16 @108; element = d·(sc - 32)·(q + 4 h - 4).
CK_SPLIT void split_k2(const int three, const uint8_t *w, size_t n, const int T, const uint8_t *a, size_t a_stride,
                       const int V, float *out) {
    const size_t bytes = super_bytes(T);
    __m512 acc[8], mins[8];
    for (int v = 0; v < V; v++) {
        acc[v] = _mm512_setzero_ps();
        mins[v] = _mm512_setzero_ps();
    }
    const __m512i low2 = _mm512_set1_epi8(3), four = _mm512_set1_epi8(4);
    // 16-bit shifts bringing bit pair j to the bottom: j = 0, 1 in the first register, 2, 3 in the second
    const __m512i shifts[2] = {
        _mm512_setr_epi64(0, 0, 0, 0, 2 * 0x0001000100010001LL, 2 * 0x0001000100010001LL, 2 * 0x0001000100010001LL,
                          2 * 0x0001000100010001LL),
        _mm512_setr_epi64(4 * 0x0001000100010001LL, 4 * 0x0001000100010001LL, 4 * 0x0001000100010001LL,
                          4 * 0x0001000100010001LL, 6 * 0x0001000100010001LL, 6 * 0x0001000100010001LL,
                          6 * 0x0001000100010001LL, 6 * 0x0001000100010001LL),
    };
    const __m512i halves = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    __m512i pick[4];
    group_picks(pick);
    for (size_t s = 0; s < n / 256; s++) {
        const uint8_t *b = w + s * (three ? CK_Q3_K : CK_Q2_K);
        __m512 wscale, wmin = _mm512_setzero_ps();
        if (three) {
            wscale = _mm512_mul_ps(_mm512_set1_ps(ck_f16(b + 108)), _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(ck_q3_K_scales(b + 96))));
        } else {
            const __m512i packed = _mm512_cvtepu8_epi32(ck_load128(b));
            const __m512i fifteen = _mm512_set1_epi32(15);
            wscale = _mm512_mul_ps(_mm512_set1_ps(ck_f16(b + 80)), _mm512_cvtepi32_ps(_mm512_and_si512(packed, fifteen)));
            wmin = _mm512_mul_ps(_mm512_set1_ps(ck_f16(b + 82)), _mm512_cvtepi32_ps(_mm512_srli_epi32(packed, 4)));
        }
        const __m512i high = three ? _mm512_broadcast_i64x4(ck_load256(b)) : _mm512_setzero_si512();
        __m512i codes[4];
        for (int half = 0; half < 2; half++) {
            const __m512i q = _mm512_broadcast_i64x4(ck_load256(b + (three ? 32 : 16) + 32 * half));
            for (int r = 0; r < 2; r++) {
                __m512i c = _mm512_and_si512(_mm512_srlv_epi16(q, shifts[r]), low2);
                if (three) {
                    // bit 4 half + 2 r of the high mask in the first 32 bytes, + 1 in the next
                    const int j = 4 * half + 2 * r;
                    const __m512i bit = _mm512_inserti64x4(_mm512_set1_epi8((char)(1 << j)), _mm256_set1_epi8((char)(1 << (j + 1))), 1);
                    c = _mm512_mask_add_epi8(c, _mm512_test_epi8_mask(high, bit), c, four);
                }
                codes[2 * half + r] = c;
            }
        }
        for (int v = 0; v < V; v++) {
            const uint8_t *t = a + (size_t)v * a_stride + s * bytes;
            const float *dx = (const float *)(t + 256 * T);
            const __m512i groups = _mm512_loadu_si512((const void *)(dx + 16));
            const __m512 dx16 = _mm512_permutexvar_ps(halves, _mm512_castps256_ps512(_mm256_loadu_ps(dx)));
            const __m512 scale = _mm512_mul_ps(wscale, dx16);
            for (int c = 0; c < 4; c++) {
                __m512i sums = term_sums(codes[c], T, t + 64 * c, 256);
                if (three) {
                    // the code bias 4 times each 16-element group's sum, in the group's first lane
                    sums = _mm512_sub_epi32(sums, _mm512_slli_epi32(_mm512_maskz_permutexvar_epi32(0x1111, pick[c], groups), 2));
                }
                acc[v] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sums), _mm512_permutexvar_ps(pick[c], scale), acc[v]);
            }
            if (!three) mins[v] = _mm512_fmadd_ps(_mm512_mul_ps(wmin, dx16), _mm512_cvtepi32_ps(groups), mins[v]);
        }
    }
    for (int v = 0; v < V; v++) out[v] = _mm512_reduce_add_ps(_mm512_sub_ps(acc[v], mins[v]));
}

SPLIT_KIND(split_q2_K, split_k2, 0)

SPLIT_KIND(split_q3_K, split_k2, 1)

#define SPLIT_CASE(KERNEL, T, V)                                                                   \
    case V:                                                                                        \
        for (size_t r = 0; r < rows; r++) {                                                        \
            float out[8];                                                                          \
            KERNEL((const uint8_t *)w + r * row_bytes, n, T, (const uint8_t *)a, a_stride, V, out); \
            for (int v = 0; v < V; v++) y[(size_t)v * y_stride + r] = out[v];                      \
        }                                                                                          \
        break;

/// KERNEL over the rows, instantiated for each vector count with T terms.
#define SPLIT_VECTORS(KERNEL, T)                                                                   \
    switch (vectors) {                                                                             \
    SPLIT_CASE(KERNEL, T, 1) SPLIT_CASE(KERNEL, T, 2) SPLIT_CASE(KERNEL, T, 3)                     \
    SPLIT_CASE(KERNEL, T, 4) SPLIT_CASE(KERNEL, T, 5) SPLIT_CASE(KERNEL, T, 6)                     \
    SPLIT_CASE(KERNEL, T, 7) SPLIT_CASE(KERNEL, T, 8)                                              \
    default: break;                                                                                \
    }

#define SPLIT_EXPORT(NAME, KERNEL)                                                                 \
    CK_AVX512_VNNI void NAME(const void *w, size_t row_bytes, size_t rows, size_t n, int terms,    \
                             const void *a, size_t a_stride, size_t vectors, float *y, size_t y_stride) { \
        if (terms == 1) {                                                                          \
            SPLIT_VECTORS(KERNEL, 1)                                                               \
        } else {                                                                                   \
            SPLIT_VECTORS(KERNEL, 3)                                                               \
        }                                                                                          \
    }

SPLIT_EXPORT(ck_split_q4_0_rows, split_q4_0)
SPLIT_EXPORT(ck_split_q4_1_rows, split_q4_1)
SPLIT_EXPORT(ck_split_q5_0_rows, split_q5_0)
SPLIT_EXPORT(ck_split_q5_1_rows, split_q5_1)
SPLIT_EXPORT(ck_split_iq4_nl_rows, split_iq4_nl)
SPLIT_EXPORT(ck_split_q8_0_rows, split_q8_0)
SPLIT_EXPORT(ck_split_iq4_xs_rows, split_iq4_xs)
SPLIT_EXPORT(ck_split_q4_K_rows, split_q4_K)
SPLIT_EXPORT(ck_split_q5_K_rows, split_q5_K)
SPLIT_EXPORT(ck_split_q6_K_rows, split_q6_K)
SPLIT_EXPORT(ck_split_q2_K_rows, split_q2_K)
SPLIT_EXPORT(ck_split_q3_K_rows, split_q3_K)

#else

int ck_split_available(void) { return 0; }
void ck_split_encode(const float *x, size_t n, int terms, void *out) { (void)x; (void)n; (void)terms; (void)out; }
void ck_split_encode_k(const float *x, size_t n, int terms, int natural, void *out) {
    (void)x; (void)n; (void)terms; (void)natural; (void)out;
}
#define SPLIT_NONE(NAME)                                                                           \
    void NAME(const void *w, size_t row_bytes, size_t rows, size_t n, int terms, const void *a, size_t a_stride, \
              size_t vectors, float *y, size_t y_stride) {                                         \
        (void)w; (void)row_bytes; (void)rows; (void)n; (void)terms; (void)a; (void)a_stride;       \
        (void)vectors; (void)y; (void)y_stride;                                                    \
    }
SPLIT_NONE(ck_split_q4_0_rows)
SPLIT_NONE(ck_split_q4_1_rows)
SPLIT_NONE(ck_split_q5_0_rows)
SPLIT_NONE(ck_split_q5_1_rows)
SPLIT_NONE(ck_split_iq4_nl_rows)
SPLIT_NONE(ck_split_q8_0_rows)
SPLIT_NONE(ck_split_iq4_xs_rows)
SPLIT_NONE(ck_split_q4_K_rows)
SPLIT_NONE(ck_split_q5_K_rows)
SPLIT_NONE(ck_split_q6_K_rows)
SPLIT_NONE(ck_split_q2_K_rows)
SPLIT_NONE(ck_split_q3_K_rows)

#endif

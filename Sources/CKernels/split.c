// Integer dot products of Q4_0 rows with split activations (ckernels_split.h): three int8 terms
// for the exact path, one for the q8 path.
//
// A group of 4 weight blocks (128 elements, 72 bytes) is unpacked once: the four 16-byte code
// arrays into one 512-bit register, low nibbles and high nibbles apart (the activation layout
// matches, so nothing is shuffled), 7 operations for 128 codes. Each vector then takes six
// vpdpbusd — codes (unsigned 0...15) times each term's low and high halves — chained with two
// 7-bit shifts, so one int32 lane ends up holding 16384 Σhq + 128 Σlq + Σmq over its 8 elements
// (at most 8·15·(127·16384 + 64·128 + 64) < 2^28: no overflow); the code bias 8 comes off as a
// precomputed offset per block, and one FMA applies d_w · d_x / 16384 per block. About 13 vector
// operations per 128 weights per vector, against ~32 for decoding them to f32 (rowsf_legacy.c).
// With one term (the q8 path's precision) a vector takes two vpdpbusd and no shifts.

#include <float.h>
#include <math.h>
#include <string.h>

#include "ck_internal.h"
#include "ckernels_split.h"

extern _Thread_local unsigned ck_rowsf_thread_mask;   // rowsf_float.c (ExactDot.limiting)

/// Bytes of a group of 4 blocks: the terms, 64 of offsets, 16 of scales, padded to a power of two.
static inline size_t group_bytes(int terms) { return terms == 3 ? 512 : 256; }

size_t ck_split_bytes(size_t n, int terms) { return (n / 32 + 3) / 4 * group_bytes(terms); }

/// One block of 32 values split into its terms and offset; writes the group's slots for block k.
static void encode_block(const float *x, const int T, uint8_t *group, int k) {
    float amax = 0;
    int finite = 1;
    for (int i = 0; i < 32; i++) {
        const float a = fabsf(x[i]);
        finite &= a <= FLT_MAX;
        amax = a > amax ? a : amax;
    }
    int8_t *terms = (int8_t *)group;
    int32_t *offsets = (int32_t *)(group + 128 * T);
    float *scales = (float *)(group + 128 * T + 64);
    if (!finite) {
        // a NaN or infinity: the result is NaN, as the f32 product's would be (or ±inf there)
        scales[k] = NAN;
        return;
    }
    const float d = amax / 127.0f;
    int32_t total = 0;
    if (d > 0) {
        for (int i = 0; i < 32; i++) {
            // every step after the first is exact in f32: r1 = u - h and 128 r1 - l are differences
            // of nearby values, scaled by powers of two
            const float u = x[i] / d;
            const float h = nearbyintf(u), r1 = (u - h) * 128.0f;
            const float l = nearbyintf(r1), r2 = (r1 - l) * 128.0f;
            const float m = nearbyintf(r2);
            const int at = (i < 16 ? 0 : 64) + 16 * k + (i & 15);
            terms[at] = (int8_t)h;
            if (T == 1) {
                total += (int32_t)h;
                continue;
            }
            terms[128 + at] = (int8_t)l;
            terms[256 + at] = (int8_t)m;
            total += 16384 * (int32_t)h + 128 * (int32_t)l + (int32_t)m;
        }
        scales[k] = T == 1 ? d : d / 16384.0f;
    }
    offsets[4 * k] = 8 * total;
}

#ifdef CK_X86

/// encode_block with AVX-512, to the same bytes (the same correctly rounded division and
/// round-to-nearest-even steps, lane-wise).
__attribute__((target("avx2,fma,f16c,avx512f,avx512dq,avx512bw,avx512vl")))
static void encode_block512(const float *x, const int T, uint8_t *group, int k) {
    const __m512 x0 = _mm512_loadu_ps(x), x1 = _mm512_loadu_ps(x + 16);
    int32_t *offsets = (int32_t *)(group + 128 * T);
    float *scales = (float *)(group + 128 * T + 64);
    // fpclass 0x99: quiet or signalling NaN, +inf, -inf
    if (_mm512_fpclass_ps_mask(x0, 0x99) | _mm512_fpclass_ps_mask(x1, 0x99)) {
        scales[k] = NAN;
        return;
    }
    const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(x0), _mm512_abs_ps(x1)));
    const float d = amax / 127.0f;
    if (!(d > 0)) return;   // all zero: zero terms, offset and scale (already cleared)
    const __m512 dv = _mm512_set1_ps(d), step = _mm512_set1_ps(128.0f);
    __m512i combined = _mm512_setzero_si512();
    for (int half = 0; half < 2; half++) {
        const __m512 u = _mm512_div_ps(half ? x1 : x0, dv);
        const __m512 h = _mm512_roundscale_ps(u, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        const __m512 r1 = _mm512_mul_ps(_mm512_sub_ps(u, h), step);
        const __m512 l = _mm512_roundscale_ps(r1, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        const __m512 r2 = _mm512_mul_ps(_mm512_sub_ps(r1, l), step);
        const __m512 m = _mm512_roundscale_ps(r2, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        const __m512i hi = _mm512_cvtps_epi32(h), li = _mm512_cvtps_epi32(l), mi = _mm512_cvtps_epi32(m);
        const int at = 64 * half + 16 * k;
        _mm_storeu_si128((__m128i *)(group + at), _mm512_cvtepi32_epi8(hi));
        if (T == 1) {
            combined = _mm512_add_epi32(combined, hi);
            continue;
        }
        _mm_storeu_si128((__m128i *)(group + 128 + at), _mm512_cvtepi32_epi8(li));
        _mm_storeu_si128((__m128i *)(group + 256 + at), _mm512_cvtepi32_epi8(mi));
        combined = _mm512_add_epi32(combined, _mm512_add_epi32(_mm512_slli_epi32(hi, 14),
                                                               _mm512_add_epi32(_mm512_slli_epi32(li, 7), mi)));
    }
    offsets[4 * k] = 8 * _mm512_reduce_add_epi32(combined);
    scales[k] = T == 1 ? d : d / 16384.0f;
}

#endif

void ck_split_encode(const float *x, size_t n, int terms, void *out) {
    const size_t blocks = n / 32, bytes = group_bytes(terms);
    const int T = terms == 1 ? 1 : 3;
    uint8_t *o = (uint8_t *)out;
    memset(o, 0, ck_split_bytes(n, terms));
#ifdef CK_X86
    if (CK_HAS(CK_FEATURE_AVX512) && (ck_rowsf_thread_mask & CK_FEATURE_AVX512)) {
        for (size_t b = 0; b < blocks; b++) encode_block512(x + 32 * b, T, o + bytes * (b / 4), (int)(b % 4));
        return;
    }
#endif
    for (size_t b = 0; b < blocks; b++) encode_block(x + 32 * b, T, o + bytes * (b / 4), (int)(b % 4));
}

#ifdef CK_X86

int ck_split_available(void) {
    const unsigned f = ck_cpu_active() & ck_rowsf_thread_mask;
    return (f & CK_FEATURE_AVX512) && (f & CK_FEATURE_AVX512_VNNI);
}

#define CK_SPLIT static inline __attribute__((always_inline)) CK_AVX512_VNNI

CK_SPLIT __m512i dpbusd512(__m512i acc, __m512i u, const uint8_t *s) {
    return _mm512_dpbusd_epi32(acc, u, _mm512_load_si512((const void *)s));
}

/// One group of `count` (1...4) Q4_0 blocks at `b` against V vectors' group at `a` (stride
/// a_stride): acc[v] += d_w · d_x · Σ (q - 8) x per block, lane-wise.
CK_SPLIT void group_q4_0(const uint8_t *b, const int count, const int T, const uint8_t *a, size_t a_stride,
                         const int V, __m512 *acc) {
    // a row's last group may hold fewer blocks: nothing past them is read (it may be the end of
    // the file), and the missing blocks' codes and scales are zero
    __m512i codes = _mm512_castsi128_si512(ck_load128(b + 2));
    if (count > 1) codes = _mm512_inserti32x4(codes, ck_load128(b + 2 + CK_Q4_0), 1);
    if (count > 2) codes = _mm512_inserti32x4(codes, ck_load128(b + 2 + 2 * CK_Q4_0), 2);
    if (count > 3) codes = _mm512_inserti32x4(codes, ck_load128(b + 2 + 3 * CK_Q4_0), 3);
    uint64_t d_bits = 0;
    for (int k = 0; k < count; k++) {
        uint16_t h;
        memcpy(&h, b + k * CK_Q4_0, 2);
        d_bits |= (uint64_t)h << (16 * k);
    }
    const __m512i low4 = _mm512_set1_epi8(0x0F);
    const __m512i spread = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    const __m512i lo = _mm512_and_si512(codes, low4);
    const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(codes, 4), low4);
    const __m128 dw = _mm_cvtph_ps(_mm_cvtsi64_si128((long long)d_bits));
    for (int v = 0; v < V; v++) {
        const uint8_t *t = a + (size_t)v * a_stride;
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
        s = _mm512_sub_epi32(s, _mm512_load_si512((const void *)(t + 128 * T)));
        const __m128 scale = _mm_mul_ps(dw, _mm_load_ps((const float *)(t + 128 * T + 64)));
        const __m512 scale16 = _mm512_permutexvar_ps(spread, _mm512_castps128_ps512(scale));
        acc[v] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), scale16, acc[v]);
    }
}

/// out[v] = one Q4_0 row of n elements · split vector v, for v < V.
CK_SPLIT void split_q4_0(const uint8_t *w, size_t n, const int T, const uint8_t *a, size_t a_stride, const int V,
                         float *out) {
    const size_t blocks = n / 32, full = blocks / 4, bytes = T == 3 ? 512 : 256;
    __m512 acc[8];
    for (int v = 0; v < V; v++) acc[v] = _mm512_setzero_ps();
    for (size_t g = 0; g < full; g++) group_q4_0(w + g * 4 * CK_Q4_0, 4, T, a + g * bytes, a_stride, V, acc);
    const uint8_t *wt = w + full * 4 * CK_Q4_0, *at = a + full * bytes;
    switch (blocks % 4) {
    case 1: group_q4_0(wt, 1, T, at, a_stride, V, acc); break;
    case 2: group_q4_0(wt, 2, T, at, a_stride, V, acc); break;
    case 3: group_q4_0(wt, 3, T, at, a_stride, V, acc); break;
    default: break;
    }
    for (int v = 0; v < V; v++) out[v] = _mm512_reduce_add_ps(acc[v]);
}

#define SPLIT_CASE(T, V)                                                                           \
    case V:                                                                                        \
        for (size_t r = 0; r < rows; r++) {                                                        \
            float out[8];                                                                          \
            split_q4_0((const uint8_t *)w + r * row_bytes, n, T, (const uint8_t *)a, a_stride, V, out); \
            for (int v = 0; v < V; v++) y[(size_t)v * y_stride + r] = out[v];                      \
        }                                                                                          \
        break;

CK_AVX512_VNNI void ck_split_q4_0_rows(const void *w, size_t row_bytes, size_t rows, size_t n, int terms,
                                       const void *a, size_t a_stride, size_t vectors, float *y, size_t y_stride) {
    if (terms == 1) {
        switch (vectors) {
        SPLIT_CASE(1, 1) SPLIT_CASE(1, 2) SPLIT_CASE(1, 3) SPLIT_CASE(1, 4)
        SPLIT_CASE(1, 5) SPLIT_CASE(1, 6) SPLIT_CASE(1, 7) SPLIT_CASE(1, 8)
        default: break;
        }
        return;
    }
    switch (vectors) {
    SPLIT_CASE(3, 1) SPLIT_CASE(3, 2) SPLIT_CASE(3, 3) SPLIT_CASE(3, 4)
    SPLIT_CASE(3, 5) SPLIT_CASE(3, 6) SPLIT_CASE(3, 7) SPLIT_CASE(3, 8)
    default: break;
    }
}

#else

int ck_split_available(void) { return 0; }
void ck_split_q4_0_rows(const void *w, size_t row_bytes, size_t rows, size_t n, int terms, const void *a,
                        size_t a_stride, size_t vectors, float *y, size_t y_stride) {
    (void)w; (void)row_bytes; (void)rows; (void)n; (void)terms; (void)a; (void)a_stride; (void)vectors; (void)y; (void)y_stride;
}

#endif

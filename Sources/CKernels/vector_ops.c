// The engine's elementwise and attention loops in AVX2/FMA (Engine's Operations calls these when
// the CPU path is not scalar). Swift's SIMD types compile to SSE for the baseline x86-64 target
// the engine is built for, so these loops ran at a quarter of the width FMA gives.
//
// exp is computed as 2^n * p(r), n = round(x / ln 2), r = x - n ln 2 (ln 2 split in two parts so
// r is exact to f32), p a degree-6 polynomial for e^r on [-ln2/2, ln2/2]: within 2 ulp of expf on
// [-87, 88]; below -87.3 the result is 0, above 88.7 infinity, and exp(-inf) is exactly 0.

#include <math.h>
#include "ck_internal.h"
#include "ckernels.h"

#ifdef CK_X86

CK_INLINE __m256 ck_exp8(__m256 x) {
    const __m256 log2e = _mm256_set1_ps(1.44269504088896341f);
    const __m256 ln2_hi = _mm256_set1_ps(0.693359375f), ln2_lo = _mm256_set1_ps(-2.12194440e-4f);
    const __m256 clamped = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.7f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(clamped, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, ln2_hi, clamped);
    r = _mm256_fnmadd_ps(n, ln2_lo, r);
    // e^r = 1 + r + r^2/2! + ... + r^6/6! (Horner)
    __m256 p = _mm256_set1_ps(1.0f / 720);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    // 2^n by adding n to the exponent field; n is within [-126, 128] after clamping, and 2^128
    // (n = 128) is split as 2^127 * 2 so the bits stay valid.
    const __m256i ni = _mm256_cvtps_epi32(n);
    const __m256i half = _mm256_srai_epi32(ni, 1);
    const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(half, _mm256_set1_epi32(127)), 23));
    const __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_sub_epi32(ni, half), _mm256_set1_epi32(127)), 23));
    __m256 result = _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
    // Underflow to exactly 0 (and exp(-inf) = 0), overflow to infinity.
    result = _mm256_blendv_ps(result, _mm256_setzero_ps(), _mm256_cmp_ps(x, _mm256_set1_ps(-87.3f), _CMP_LT_OQ));
    return _mm256_blendv_ps(result, _mm256_set1_ps(INFINITY), _mm256_cmp_ps(x, _mm256_set1_ps(88.7f), _CMP_GT_OQ));
}

CK_AVX2 static float ck_exp1(float x) {
    return _mm256_cvtss_f32(ck_exp8(_mm256_set1_ps(x)));
}

CK_AVX2 void ck_softmax_f32(float *x, size_t n) {
    if (n == 0) return;
    float maximum = -INFINITY;
    for (size_t i = 0; i < n; i++) if (x[i] > maximum) maximum = x[i];
    if (maximum == -INFINITY) {  // nothing to attend to: all zero, as the scalar version's 0/0 would not be
        for (size_t i = 0; i < n; i++) x[i] = 0;
        return;
    }
    const __m256 m = _mm256_set1_ps(maximum);
    __m256 sums = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 e = ck_exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), m));
        _mm256_storeu_ps(x + i, e);
        sums = _mm256_add_ps(sums, e);
    }
    float lanes[8];
    _mm256_storeu_ps(lanes, sums);
    float sum = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    for (; i < n; i++) {
        x[i] = ck_exp1(x[i] - maximum);
        sum += x[i];
    }
    const __m256 inverse = _mm256_set1_ps(1 / sum);
    for (i = 0; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), inverse));
    for (; i < n; i++) x[i] *= 1 / sum;
}

CK_AVX2 void ck_swiglu_f32(float *gate, const float *up, size_t n) {
    size_t i = 0;
    const __m256 one = _mm256_set1_ps(1);
    for (; i + 8 <= n; i += 8) {
        const __m256 g = _mm256_loadu_ps(gate + i);
        const __m256 silu = _mm256_div_ps(g, _mm256_add_ps(one, ck_exp8(_mm256_sub_ps(_mm256_setzero_ps(), g))));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(silu, _mm256_loadu_ps(up + i)));
    }
    for (; i < n; i++) gate[i] = gate[i] / (1 + ck_exp1(-gate[i])) * up[i];
}

/// q · k over d floats (d a multiple of 8 in the fast loop, any tail added after).
CK_INLINE float ck_dot_d(const float *q, const float *k, size_t d) {
    __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= d; i += 16) {
        a = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_loadu_ps(k + i), a);
        b = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), _mm256_loadu_ps(k + i + 8), b);
    }
    for (; i + 8 <= d; i += 8) a = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_loadu_ps(k + i), a);
    a = _mm256_add_ps(a, b);
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    float sum = _mm_cvtss_f32(s);
    for (; i < d; i++) sum += q[i] * k[i];
    return sum;
}

/// The 8 lane sums of a0...a7, in order, as one vector.
CK_INLINE __m256 ck_hsum8x8(const __m256 a[8]) {
    const __m256 h01 = _mm256_hadd_ps(a[0], a[1]), h23 = _mm256_hadd_ps(a[2], a[3]);
    const __m256 h45 = _mm256_hadd_ps(a[4], a[5]), h67 = _mm256_hadd_ps(a[6], a[7]);
    const __m256 h0123 = _mm256_hadd_ps(h01, h23), h4567 = _mm256_hadd_ps(h45, h67);
    // h0123 holds the low-half sums of keys 0-3 then their high-half sums; likewise h4567
    return _mm256_add_ps(_mm256_permute2f128_ps(h0123, h4567, 0x20), _mm256_permute2f128_ps(h0123, h4567, 0x31));
}

CK_AVX2 void ck_attend_scores(const float *query, const float *keys, size_t key_stride, size_t count, size_t d,
                              float scale, const int32_t *positions, size_t position_stride, int32_t limit, float *scores) {
    size_t j = 0;
    if (d % 8 == 0) {
        // Eight keys at a time: each query vector is loaded once for all eight, the eight FMA
        // chains are independent, and one transpose-and-add reduces them together.
        const __m256 s = _mm256_set1_ps(scale);
        for (; j + 8 <= count; j += 8) {
            unsigned masked = 0;
            for (unsigned k = 0; k < 8; k++) masked |= (unsigned)(positions[(j + k) * position_stride] > limit) << k;
            if (masked == 0xFF) {  // all after the query's position (the rest of a prefill chunk)
                _mm256_storeu_ps(scores + j, _mm256_set1_ps(-INFINITY));
                continue;
            }
            __m256 acc[8];
            for (int k = 0; k < 8; k++) acc[k] = _mm256_setzero_ps();
            const float *kb = keys + j * key_stride;
            for (size_t i = 0; i < d; i += 8) {
                const __m256 q = _mm256_loadu_ps(query + i);
                for (int k = 0; k < 8; k++) acc[k] = _mm256_fmadd_ps(q, _mm256_loadu_ps(kb + k * key_stride + i), acc[k]);
            }
            _mm256_storeu_ps(scores + j, _mm256_mul_ps(ck_hsum8x8(acc), s));
            for (unsigned k = 0; k < 8; k++) {
                if (masked >> k & 1) scores[j + k] = -INFINITY;
            }
        }
    }
    for (; j < count; j++) {
        if (positions[j * position_stride] > limit) { scores[j] = -INFINITY; continue; }
        if (d % 8 != 0) { scores[j] = ck_dot_d(query, keys + j * key_stride, d) * scale; continue; }
        // The blocked loop's arithmetic for one key (one FMA chain, lanes added in ck_hsum8x8's
        // order), so a key's score does not depend on where a block boundary falls: a cache split
        // into segments scores exactly as one contiguous cache.
        __m256 acc = _mm256_setzero_ps();
        for (size_t i = 0; i < d; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(query + i), _mm256_loadu_ps(keys + j * key_stride + i), acc);
        float l[8];
        _mm256_storeu_ps(l, acc);
        scores[j] = (((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))) * scale;
    }
}

CK_AVX2 void ck_attend_values(const float *weights, const float *values, size_t value_stride, size_t count, size_t d,
                              float *out) {
    size_t i = 0;
    // Four registers of the output at a time, kept across every value row, added to in row order
    // (one chain per register), so a cache split into segments sums exactly as a contiguous one.
    for (; i + 32 <= d; i += 32) {
        __m256 o0 = _mm256_loadu_ps(out + i), o1 = _mm256_loadu_ps(out + i + 8);
        __m256 o2 = _mm256_loadu_ps(out + i + 16), o3 = _mm256_loadu_ps(out + i + 24);
        for (size_t j = 0; j < count; j++) {
            if (!(weights[j] > 0)) continue;
            const __m256 w = _mm256_set1_ps(weights[j]);
            const float *v = values + j * value_stride + i;
            o0 = _mm256_fmadd_ps(w, _mm256_loadu_ps(v), o0);
            o1 = _mm256_fmadd_ps(w, _mm256_loadu_ps(v + 8), o1);
            o2 = _mm256_fmadd_ps(w, _mm256_loadu_ps(v + 16), o2);
            o3 = _mm256_fmadd_ps(w, _mm256_loadu_ps(v + 24), o3);
        }
        _mm256_storeu_ps(out + i, o0);
        _mm256_storeu_ps(out + i + 8, o1);
        _mm256_storeu_ps(out + i + 16, o2);
        _mm256_storeu_ps(out + i + 24, o3);
    }
    for (; i < d; i++) {
        float o = out[i];
        for (size_t j = 0; j < count; j++) if (weights[j] > 0) o += weights[j] * values[j * value_stride + i];
        out[i] = o;
    }
}

CK_AVX2 void ck_attend_mask(float *scores, size_t n, float scale, const int32_t *positions, int32_t limit) {
    const __m256 s = _mm256_set1_ps(scale), masked = _mm256_set1_ps(-INFINITY);
    const __m256i l = _mm256_set1_epi32(limit);
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        const __m256 after = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_loadu_si256((const __m256i *)(positions + j)), l));
        _mm256_storeu_ps(scores + j, _mm256_blendv_ps(_mm256_mul_ps(_mm256_loadu_ps(scores + j), s), masked, after));
    }
    for (; j < n; j++) scores[j] = positions[j] > limit ? -INFINITY : scores[j] * scale;
}

#else

void ck_attend_mask(float *scores, size_t n, float scale, const int32_t *positions, int32_t limit) {
    (void)scores; (void)n; (void)scale; (void)positions; (void)limit; __builtin_trap();
}
void ck_softmax_f32(float *x, size_t n) { (void)x; (void)n; __builtin_trap(); }
void ck_swiglu_f32(float *gate, const float *up, size_t n) { (void)gate; (void)up; (void)n; __builtin_trap(); }
void ck_attend_scores(const float *query, const float *keys, size_t key_stride, size_t count, size_t d,
                      float scale, const int32_t *positions, size_t position_stride, int32_t limit, float *scores) {
    (void)query; (void)keys; (void)key_stride; (void)count; (void)d; (void)scale; (void)positions; (void)position_stride;
    (void)limit; (void)scores; __builtin_trap();
}
void ck_attend_values(const float *weights, const float *values, size_t value_stride, size_t count, size_t d, float *out) {
    (void)weights; (void)values; (void)value_stride; (void)count; (void)d; (void)out; __builtin_trap();
}

#endif

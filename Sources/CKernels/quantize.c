// AVX2 activation quantizers: f32 rows to q8_0, q8_1 and q8_K blocks, the fast tier of
// Legacy.quantizeQ8_0 / quantizeQ8_1 (Sources/Kernels/LegacyQuantize.swift) and
// KQuant.quantizeQ8_K (Sources/Kernels/Quantize.swift). The bytes are identical to those
// references (and so to GGML's quantize_row_*_ref):
//   * the same f32 operations in the same order (max|x| ignoring NaN, d = amax / 127,
//     id = 1 / d, x * id; q8_K: iscale = -127 / signed max, x * iscale), never fused;
//   * q8_0/q8_1 round half away from zero (roundf), computed exactly as trunc(v) plus ±1 when
//     |v - trunc(v)| >= 0.5 (v - trunc(v) is exact), not as trunc(v ± 0.5), which misrounds
//     0.49999997; q8_K rounds half to even (_mm256_round_ps nearest);
//   * clamping to -128...127 happens in f32 before conversion, with NaN going to -128 as
//     clampToInt does;
//   * f16 scales are rounded to nearest even by F16C (as Half.f16(from:)).

#include "ck_internal.h"

#pragma STDC FP_CONTRACT OFF

#ifdef CK_X86

CK_INLINE __m256 abs_ps(__m256 v) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v); }

/// Largest |x| over 32 floats, NaN ignored (max_ps returns its second operand when either is NaN).
CK_INLINE float absmax32(const float *x) {
    __m256 m = _mm256_setzero_ps();
    for (int k = 0; k < 4; k++) m = _mm256_max_ps(abs_ps(_mm256_loadu_ps(x + 8 * k)), m);
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    h = _mm_max_ss(h, _mm_movehdup_ps(h));
    return _mm_cvtss_f32(h);
}

/// `v` (already integral) clamped to -128...127 in f32 (NaN -> -128) and converted to i32.
CK_INLINE __m256i clamp_to_i32(__m256 v) {
    v = _mm256_max_ps(v, _mm256_set1_ps(-128.0f));   // NaN in v gives -128
    v = _mm256_min_ps(v, _mm256_set1_ps(127.0f));
    return _mm256_cvttps_epi32(v);
}

/// roundf for 8 lanes: half-way cases away from zero.
CK_INLINE __m256 round_half_away(__m256 v) {
    const __m256 t = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256 frac = abs_ps(_mm256_sub_ps(v, t));
    const __m256 away = _mm256_cmp_ps(frac, _mm256_set1_ps(0.5f), _CMP_GE_OQ);
    const __m256 step = _mm256_or_ps(_mm256_and_ps(v, _mm256_set1_ps(-0.0f)), _mm256_set1_ps(1.0f));
    return _mm256_add_ps(t, _mm256_and_ps(away, step));
}

/// Four vectors of 8 i32 (each -128...127) packed to 32 int8 in order.
CK_INLINE __m256i pack_i8(__m256i i0, __m256i i1, __m256i i2, __m256i i3) {
    const __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
    return _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

CK_INLINE void store_f16(uint8_t *p, float value) {
    const uint16_t h = _cvtss_sh(value, _MM_FROUND_TO_NEAREST_INT);
    memcpy(p, &h, 2);
}

/// One q8_0/q8_1 block: writes d at `block`, the codes at `qs`; returns the codes' sum and d.
CK_INLINE int q8_block(const float *x, uint8_t *block, uint8_t *qs, float *d_out) {
    const float d = absmax32(x) / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    store_f16(block, d);
    const __m256 vid = _mm256_set1_ps(id);
    __m256i q[4];
    for (int k = 0; k < 4; k++) {
        q[k] = clamp_to_i32(round_half_away(_mm256_mul_ps(_mm256_loadu_ps(x + 8 * k), vid)));
    }
    _mm256_storeu_si256((__m256i *)qs, pack_i8(q[0], q[1], q[2], q[3]));
    const __m256i s = _mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3]));
    __m128i h = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
    h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0x4E));
    h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0xB1));
    *d_out = d;
    return _mm_cvtsi128_si32(h);
}

// f32 -> q8_0 blocks (34 B: d f16 @0, qs int8[32] @2).
CK_AVX2 void ck_quantize_q8_0(const float *x, void *out, size_t n) {
    uint8_t *y = out;
    for (size_t b = 0; b < n / 32; b++, x += 32, y += CK_Q8_0) {
        float d;
        (void)q8_block(x, y, y + 2, &d);
    }
}

// f32 -> q8_1 blocks (36 B: d f16 @0, s f16 @2 = f16(d * Σ codes) with d unrounded, qs @4).
CK_AVX2 void ck_quantize_q8_1(const float *x, void *out, size_t n) {
    uint8_t *y = out;
    for (size_t b = 0; b < n / 32; b++, x += 32, y += CK_Q8_1) {
        float d;
        const int sum = q8_block(x, y, y + 4, &d);
        const float s = (float)sum * d;
        store_f16(y + 2, s);
    }
}

// f32 -> q8_K blocks (292 B: d f32 @0 = 1 / iscale, qs int8[256] @4, bsums int16[16] @260).
// iscale = -127 / (the first element of largest magnitude); codes round half to even.
CK_AVX2 void ck_quantize_q8_K(const float *x, void *out, size_t n) {
    uint8_t *y = out;
    for (size_t b = 0; b < n / 256; b++, x += 256, y += CK_Q8_K) {
        __m256 m = _mm256_setzero_ps();
        for (int k = 0; k < 32; k++) m = _mm256_max_ps(abs_ps(_mm256_loadu_ps(x + 8 * k)), m);
        __m128 h = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        h = _mm_max_ps(h, _mm_movehl_ps(h, h));
        h = _mm_max_ss(h, _mm_movehdup_ps(h));
        const float amax = _mm_cvtss_f32(h);
        if (!(amax > 0.0f)) {
            memset(y, 0, CK_Q8_K);
            continue;
        }
        const __m256 vamax = _mm256_set1_ps(amax);
        int first = 0;
        for (int k = 0; k < 32; k++) {
            const int mask = _mm256_movemask_ps(_mm256_cmp_ps(abs_ps(_mm256_loadu_ps(x + 8 * k)), vamax, _CMP_EQ_OQ));
            if (mask) {
                first = 8 * k + __builtin_ctz((unsigned)mask);
                break;
            }
        }
        const float iscale = -127.0f / x[first];
        const __m256 vis = _mm256_set1_ps(iscale);
        const __m256i ones = _mm256_set1_epi8(1);
        __m256i groups[8];
        for (int c = 0; c < 8; c++) {
            __m256i q[4];
            for (int k = 0; k < 4; k++) {
                const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + 32 * c + 8 * k), vis);
                q[k] = clamp_to_i32(_mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            }
            const __m256i bytes = pack_i8(q[0], q[1], q[2], q[3]);
            _mm256_storeu_si256((__m256i *)(y + 4 + 32 * c), bytes);
            // lanes 0-3: four sums of 4 codes of group 2c, lanes 4-7: of group 2c + 1
            groups[c] = ck_pairsum16(_mm256_maddubs_epi16(ones, bytes));
        }
        const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
        for (int half = 0; half < 2; half++) {
            const __m256i *g = groups + 4 * half;
            const __m256i sums = _mm256_permutevar8x32_epi32(ck_reduce4(g[0], g[1], g[2], g[3]), order);
            const __m128i packed = _mm_packs_epi32(_mm256_castsi256_si128(sums), _mm256_extracti128_si256(sums, 1));
            _mm_storeu_si128((__m128i *)(y + 260 + 16 * half), packed);
        }
        const float d = 1.0f / iscale;
        memcpy(y, &d, 4);
    }
}

#endif

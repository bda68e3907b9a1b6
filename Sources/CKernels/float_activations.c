// Weight rows (GGML block encodings) times f32 activations, AVX2 + FMA + F16C: each 32-element
// (sub-)block is decoded once into four 8-float registers (scale applied) and multiplied into
// every activation vector, so a batch of up to 8 tokens reads the weights once. Layouts are those
// of the scalar references in Sources/Kernels (LegacyQuants.swift, KQuants.swift); the results
// equal Dot.row's up to the order of f32 additions.

#include "ckernels_float.h"
#include "ck_internal.h"

#include <immintrin.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)

// Every kernel body is written once as an always-inline function of a constant vector count V and
// instantiated for V = 1...8 by ROWSF_DISPATCH, so the accumulators live in registers. With few
// vectors each gets several independent accumulators (K), to hide FMA latency.
#define CK_BODY static inline __attribute__((always_inline)) CK_AVX2
#define K_FOR(V) ((V) == 1 ? 4 : ((V) <= 4 ? 2 : 1))
#define ACC_SETUP(V)                                                                          \
    __m256 acc[8];                                                                            \
    for (size_t a_ = 0; a_ < (size_t)((V) * K_FOR(V)); a_++) acc[a_] = _mm256_setzero_ps();

/// acc[v*K + k] += w_j · x_v[base + 8j...] for every vector, spreading the 4 products over K chains.
CK_BODY void accumulate32(__m256 *acc, __m256 w0, __m256 w1, __m256 w2, __m256 w3,
                          const float *x, size_t x_stride, const size_t V, size_t base) {
    const size_t K = K_FOR(V);
    for (size_t v = 0; v < V; v++) {
        const float *xv = x + v * x_stride + base;
        acc[v * K + 0 % K] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(xv), acc[v * K + 0 % K]);
        acc[v * K + 1 % K] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xv + 8), acc[v * K + 1 % K]);
        acc[v * K + 2 % K] = _mm256_fmadd_ps(w2, _mm256_loadu_ps(xv + 16), acc[v * K + 2 % K]);
        acc[v * K + 3 % K] = _mm256_fmadd_ps(w3, _mm256_loadu_ps(xv + 24), acc[v * K + 3 % K]);
    }
}

CK_BODY float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

CK_BODY void finish(const __m256 *acc, const size_t V, float *out) {
    const size_t K = K_FOR(V);
    for (size_t v = 0; v < V; v++) {
        __m256 sum = acc[v * K];
        for (size_t k = 1; k < K; k++) sum = _mm256_add_ps(sum, acc[v * K + k]);
        out[v] = hsum(sum);
    }
}

/// The exported kernel: `vectors` (1...8) picks the instantiation of `body`.
#define ROWSF_DISPATCH(name, body)                                                                \
    CK_AVX2 void name(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out) { \
        switch (vectors) {                                                                        \
        case 1: body(w, n, x, x_stride, 1, out); break;                                           \
        case 2: body(w, n, x, x_stride, 2, out); break;                                           \
        case 3: body(w, n, x, x_stride, 3, out); break;                                           \
        case 4: body(w, n, x, x_stride, 4, out); break;                                           \
        case 5: body(w, n, x, x_stride, 5, out); break;                                           \
        case 6: body(w, n, x, x_stride, 6, out); break;                                           \
        case 7: body(w, n, x, x_stride, 7, out); break;                                           \
        default: body(w, n, x, x_stride, 8, out); break;                                          \
        }                                                                                         \
    }

/// 32 signed bytes (elements 0..31 in order) as four 8-float vectors times `scale`.
CK_BODY void bytes_to_floats(__m256i q, __m256 scale, __m256 *w0, __m256 *w1, __m256 *w2, __m256 *w3) {
    __m128i lo = _mm256_castsi256_si128(q), hi = _mm256_extracti128_si256(q, 1);
    *w0 = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(lo)), scale);
    *w1 = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8))), scale);
    *w2 = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(hi)), scale);
    *w3 = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(hi, 8))), scale);
}

/// 16 bytes of packed nibbles as 32 bytes: low nibbles (elements 0..15) then high (16..31).
CK_BODY __m256i nibbles(const uint8_t *p) {
    __m128i b = _mm_loadu_si128((const __m128i *)p);
    __m128i mask = _mm_set1_epi8(0x0F);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(b, 4), mask), _mm_and_si128(b, mask));
}

/// Bit i of the 32-bit word at `p` as 0xFF/0x00 in byte i.
CK_BODY __m256i bits_to_bytes(const uint8_t *p) {
    uint32_t bits;
    memcpy(&bits, p, 4);
    const __m256i shuffle = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0x0000000000000000);
    __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits), shuffle);
    const __m256i select = _mm256_set1_epi64x((long long)0x7fbfdfeff7fbfdfe);
    spread = _mm256_or_si256(spread, select);
    return _mm256_cmpeq_epi8(spread, _mm256_set1_epi64x(-1));
}

// Q8_0: per 32 elements, f16 d then 32 int8; value = d * q.
CK_BODY void body_q8_0(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 32; i++, b += 34) {
        __m256 d = _mm256_set1_ps(ck_f16(b)), w0, w1, w2, w3;
        bytes_to_floats(_mm256_loadu_si256((const __m256i *)(b + 2)), d, &w0, &w1, &w2, &w3);
        accumulate32(acc, w0, w1, w2, w3, x, x_stride, vectors, i * 32);
    }
    finish(acc, vectors, out);
}

// Q4_0: per 32 elements, f16 d then 16 bytes; element j < 16 in the low nibble of byte j, element
// j + 16 in its high nibble; value = d * (q - 8).
CK_BODY void body_q4_0(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 32; i++, b += 18) {
        __m256 d = _mm256_set1_ps(ck_f16(b)), w0, w1, w2, w3;
        __m256i q = _mm256_sub_epi8(nibbles(b + 2), _mm256_set1_epi8(8));
        bytes_to_floats(q, d, &w0, &w1, &w2, &w3);
        accumulate32(acc, w0, w1, w2, w3, x, x_stride, vectors, i * 32);
    }
    finish(acc, vectors, out);
}

// Q5_0: per 32 elements, f16 d, a 32-bit word of fifth bits (bit j for element j), 16 bytes of
// nibbles as in Q4_0; value = d * ((nibble | bit << 4) - 16).
CK_BODY void body_q5_0(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 32; i++, b += 22) {
        __m256 d = _mm256_set1_ps(ck_f16(b)), w0, w1, w2, w3;
        __m256i high = _mm256_and_si256(bits_to_bytes(b + 2), _mm256_set1_epi8(0x10));
        __m256i q = _mm256_sub_epi8(_mm256_or_si256(nibbles(b + 6), high), _mm256_set1_epi8(16));
        bytes_to_floats(q, d, &w0, &w1, &w2, &w3);
        accumulate32(acc, w0, w1, w2, w3, x, x_stride, vectors, i * 32);
    }
    finish(acc, vectors, out);
}

/// Q4_K's packed 6-bit scale and min of sub-block j (0..7).
static inline void q4k_scale_min(const uint8_t *s, int j, int *sc, int *m) {
    if (j < 4) {
        *sc = s[j] & 63;
        *m = s[j + 4] & 63;
    } else {
        *sc = (s[j + 4] & 0x0F) | ((s[j - 4] >> 6) << 4);
        *m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

// Q4_K: per 256 elements, f16 d, f16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of nibbles;
// sub-blocks 2i and 2i+1 share 32 bytes (low and high nibbles); value = d*sc*q - dmin*m.
CK_BODY void body_q4_K(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    const __m256i mask = _mm256_set1_epi8(0x0F);
    for (size_t i = 0; i < n / 256; i++, b += 144) {
        float d = ck_f16(b), dmin = ck_f16(b + 2);
        const uint8_t *scales = b + 4, *qs = b + 16;
        for (int pair = 0; pair < 4; pair++) {
            __m256i bytes = _mm256_loadu_si256((const __m256i *)(qs + 32 * pair));
            for (int half = 0; half < 2; half++) {
                int sc, m;
                q4k_scale_min(scales, 2 * pair + half, &sc, &m);
                __m256i q = half == 0 ? _mm256_and_si256(bytes, mask) : _mm256_and_si256(_mm256_srli_epi16(bytes, 4), mask);
                __m256 scale = _mm256_set1_ps(d * (float)sc), offset = _mm256_set1_ps(-dmin * (float)m);
                __m256 w0, w1, w2, w3;
                bytes_to_floats(q, scale, &w0, &w1, &w2, &w3);
                w0 = _mm256_add_ps(w0, offset); w1 = _mm256_add_ps(w1, offset);
                w2 = _mm256_add_ps(w2, offset); w3 = _mm256_add_ps(w3, offset);
                accumulate32(acc, w0, w1, w2, w3, x, x_stride, vectors, i * 256 + (size_t)(64 * pair + 32 * half));
            }
        }
    }
    finish(acc, vectors, out);
}

// Q6_K: per 256 elements, 128 bytes of low 4 bits (ql), 64 bytes of high 2 bits (qh), 16 int8
// scales (one per 16 elements), f16 d. Each 128-element half uses 64 ql bytes and 32 qh bytes:
// element l (l < 32) = ql[l] low | qh[l] bits 0-1, l+32 = ql[l+32] low | bits 2-3,
// l+64 = ql[l] high | bits 4-5, l+96 = ql[l+32] high | bits 6-7; value = d * scale * (q - 32).
CK_BODY void body_q6_K(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    const __m256i low4 = _mm256_set1_epi8(0x0F), low2 = _mm256_set1_epi8(0x03), bias = _mm256_set1_epi8(32);
    for (size_t i = 0; i < n / 256; i++, b += 210) {
        const uint8_t *ql = b, *qh = b + 128;
        const int8_t *scales = (const int8_t *)(b + 192);
        float d = ck_f16(b + 208);
        for (int half = 0; half < 2; half++) {
            __m256i l0 = _mm256_loadu_si256((const __m256i *)(ql + 64 * half));
            __m256i l1 = _mm256_loadu_si256((const __m256i *)(ql + 64 * half + 32));
            __m256i h = _mm256_loadu_si256((const __m256i *)(qh + 32 * half));
            __m256i groups[4] = {
                _mm256_or_si256(_mm256_and_si256(l0, low4), _mm256_slli_epi16(_mm256_and_si256(h, low2), 4)),
                _mm256_or_si256(_mm256_and_si256(l1, low4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 2), low2), 4)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), low4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 4), low2), 4)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), low4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 6), low2), 4)),
            };
            for (int g = 0; g < 4; g++) {
                __m256i q = _mm256_sub_epi8(groups[g], bias);
                const int8_t *sc = scales + 8 * half + 2 * g;
                __m256 first = _mm256_set1_ps(d * (float)sc[0]), second = _mm256_set1_ps(d * (float)sc[1]);
                __m128i lo = _mm256_castsi256_si128(q), hi = _mm256_extracti128_si256(q, 1);
                __m256 w0 = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(lo)), first);
                __m256 w1 = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8))), first);
                __m256 w2 = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(hi)), second);
                __m256 w3 = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(hi, 8))), second);
                accumulate32(acc, w0, w1, w2, w3, x, x_stride, vectors, i * 256 + (size_t)(128 * half + 32 * g));
            }
        }
    }
    finish(acc, vectors, out);
}

// F16 weights: 32 halves at a time through F16C.
CK_BODY void body_f16(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256 w0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + 2 * i)));
        __m256 w1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + 2 * i + 16)));
        __m256 w2 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + 2 * i + 32)));
        __m256 w3 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + 2 * i + 48)));
        accumulate32(acc, w0, w1, w2, w3, x, x_stride, vectors, i);
    }
    finish(acc, vectors, out);
    for (; i < n; i++) {
        float wi = ck_f16(b + 2 * i);
        for (size_t v = 0; v < vectors; v++) out[v] += wi * x[v * x_stride + i];
    }
}

// F32 weights.
CK_BODY void body_f32(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC_SETUP(vectors)
    const float *f = (const float *)w;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        accumulate32(acc, _mm256_loadu_ps(f + i), _mm256_loadu_ps(f + i + 8), _mm256_loadu_ps(f + i + 16),
                     _mm256_loadu_ps(f + i + 24), x, x_stride, vectors, i);
    }
    finish(acc, vectors, out);
    for (; i < n; i++) {
        for (size_t v = 0; v < vectors; v++) out[v] += f[i] * x[v * x_stride + i];
    }
}

ROWSF_DISPATCH(ck_rowsf_q8_0, body_q8_0)
ROWSF_DISPATCH(ck_rowsf_q4_0, body_q4_0)
ROWSF_DISPATCH(ck_rowsf_q5_0, body_q5_0)
ROWSF_DISPATCH(ck_rowsf_q4_K, body_q4_K)
ROWSF_DISPATCH(ck_rowsf_q6_K, body_q6_K)
ROWSF_DISPATCH(ck_rowsf_f16, body_f16)
ROWSF_DISPATCH(ck_rowsf_f32, body_f32)

#else

// Not x86-64: ck_cpu_supported() is 0, so these are never called; they exist to link.
void ck_rowsf_q8_0(const void *w, size_t n, const float *x, size_t s, size_t v, float *o) { (void)w; (void)n; (void)x; (void)s; (void)v; (void)o; }
void ck_rowsf_q4_0(const void *w, size_t n, const float *x, size_t s, size_t v, float *o) { (void)w; (void)n; (void)x; (void)s; (void)v; (void)o; }
void ck_rowsf_q5_0(const void *w, size_t n, const float *x, size_t s, size_t v, float *o) { (void)w; (void)n; (void)x; (void)s; (void)v; (void)o; }
void ck_rowsf_q4_K(const void *w, size_t n, const float *x, size_t s, size_t v, float *o) { (void)w; (void)n; (void)x; (void)s; (void)v; (void)o; }
void ck_rowsf_q6_K(const void *w, size_t n, const float *x, size_t s, size_t v, float *o) { (void)w; (void)n; (void)x; (void)s; (void)v; (void)o; }
void ck_rowsf_f16(const void *w, size_t n, const float *x, size_t s, size_t v, float *o) { (void)w; (void)n; (void)x; (void)s; (void)v; (void)o; }
void ck_rowsf_f32(const void *w, size_t n, const float *x, size_t s, size_t v, float *o) { (void)w; (void)n; (void)x; (void)s; (void)v; (void)o; }

#endif

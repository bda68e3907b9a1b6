// IQ4_NL and IQ4_XS kernels (ckernels_iq4.h; layouts in Sources/Kernels/IQ4.swift). A code is an
// index into kvalues_iq4nl, so unpacking is a table lookup: vpshufb on the nibbles gives the
// signed byte values for the integer path, vpermps on a 16-float table of (value times scale) the
// decoded weights for the AVX-512 exact path. Integer dot products use the sign trick as
// dot_legacy.c (|q| times a with q's sign; no table value is 0), with vpdpbusd where VNNI exists.

#include "ckernels_iq4.h"
#include "ck_vnni.h"
#include "rowsf_rows.h"

#ifdef CK_X86

enum { IQ4_NL_BYTES = 18, IQ4_XS_BYTES = 136 };

static const int8_t iq4_table[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

/// The 32 values of a 16-byte nibble array (element j in the low nibble of byte j, j + 16 in the
/// high nibble) as signed bytes in element order.
CK_INLINE __m256i iq4_codes(const uint8_t *qs) {
    const __m256i table = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)iq4_table));
    return _mm256_shuffle_epi8(table, ck_legacy_nibbles(qs));
}

/// The 8 sub-block scales of an iq4_xs block, minus 32.
CK_INLINE void iq4_xs_scales(const uint8_t *x, int32_t ls[8]) {
    uint16_t h;
    memcpy(&h, x + 2, 2);
    for (int j = 0; j < 8; j++) ls[j] = (((x[4 + j / 2] >> (4 * (j % 2))) & 15) | (((h >> (2 * j)) & 3) << 4)) - 32;
}

// MARK: Integer dot products and tiles, one instantiation per instruction set

#define IQ4_SUFFIX avx2
#define IQ4_ATTR CK_AVX2
#define IQ4_DOT32(q, a) ck_pairsum16(_mm256_maddubs_epi16(_mm256_sign_epi8(q, q), _mm256_sign_epi8(a, q)))
#include "iq4_body.h"
#undef IQ4_SUFFIX
#undef IQ4_ATTR
#undef IQ4_DOT32

#define IQ4_SUFFIX vnni512
#define IQ4_ATTR CK_AVX512_VNNI
#define IQ4_DOT32(q, a) _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_sign_epi8(q, q), _mm256_sign_epi8(a, q))
#include "iq4_body.h"
#undef IQ4_SUFFIX
#undef IQ4_ATTR
#undef IQ4_DOT32

#define IQ4_SUFFIX avxvnni
#define IQ4_ATTR CK_AVX_VNNI
#define IQ4_DOT32(q, a) _mm256_dpbusd_avx_epi32(_mm256_setzero_si256(), _mm256_sign_epi8(q, q), _mm256_sign_epi8(a, q))
#include "iq4_body.h"
#undef IQ4_SUFFIX
#undef IQ4_ATTR
#undef IQ4_DOT32

/// Which integer path runs (ck_int_isa): AVX-512 VNNI (ymm vpdpbusd), AVX-VNNI, else AVX2.
#define IQ4_DISPATCH(name, ...)                                                                   \
    switch (ck_int_isa()) {                                                                       \
    case CK_ISA_AVX512_VNNI: return name##vnni512(__VA_ARGS__);                                   \
    case CK_ISA_AVX_VNNI: return name##avxvnni(__VA_ARGS__);                                      \
    default: return name##avx2(__VA_ARGS__);                                                      \
    }

float ck_dot_iq4_nl_q8_0(const void *w, const void *a, size_t n) { IQ4_DISPATCH(ck_dot_iq4_nl_q8_0_, w, a, n) }
float ck_dot_iq4_xs_q8_K(const void *w, const void *a, size_t n) { IQ4_DISPATCH(ck_dot_iq4_xs_q8_K_, w, a, n) }

void ck_tile_iq4_nl(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                    size_t vectors, size_t n, float *out, size_t out_stride) {
    IQ4_DISPATCH(ck_tile_iq4_nl_, w, w_stride, rows, a, a_stride, vectors, n, out, out_stride)
}

void ck_tile_iq4_xs(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                    size_t vectors, size_t n, float *out, size_t out_stride) {
    IQ4_DISPATCH(ck_tile_iq4_xs_, w, w_stride, rows, a, a_stride, vectors, n, out, out_stride)
}

// MARK: Exact activations (f32 vectors)

#define IQ4_BODY static inline __attribute__((always_inline))
/// Accumulator chains per vector.
#define IQ4_K(V) ((V) <= 4 ? 2 : 1)

/// acc[v K + k] += the 32 decoded weights w[0..3] (8 floats each) times x_v[base...].
IQ4_BODY CK_AVX2 void iq4_accumulate32(__m256 *acc, const __m256 w[4], const float *x, size_t x_stride,
                                       const size_t V, size_t base) {
    const size_t K = IQ4_K(V);
    for (size_t v = 0; v < V; v++) {
        const float *xv = x + v * x_stride + base;
        for (int k = 0; k < 4; k++) acc[v * K + k % K] = _mm256_fmadd_ps(w[k], _mm256_loadu_ps(xv + 8 * k), acc[v * K + k % K]);
    }
}

/// 32 values (iq4_codes) times `d` as four 8-float vectors in element order.
IQ4_BODY CK_AVX2 void iq4_decode32(__m256i q, __m256 d, __m256 w[4]) {
    const __m128i lo = _mm256_castsi256_si128(q), hi = _mm256_extracti128_si256(q, 1);
    w[0] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(lo)), d);
    w[1] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8))), d);
    w[2] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(hi)), d);
    w[3] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(hi, 8))), d);
}

IQ4_BODY CK_AVX2 void iq4_finish(const __m256 *acc, const size_t V, float *out) {
    const size_t K = IQ4_K(V);
    for (size_t v = 0; v < V; v++) out[v] = ck_hsum_ps(K == 2 ? _mm256_add_ps(acc[2 * v], acc[2 * v + 1]) : acc[v]);
}

/// iq4_nl (xs = 0) or iq4_xs (xs = 1) rows against V f32 vectors, AVX2.
IQ4_BODY CK_AVX2 void iq4_rowsf_avx2(const uint8_t *b, size_t n, const float *x, size_t x_stride, const size_t V,
                                     float *out, const int xs) {
    __m256 acc[8];
    for (size_t k = 0; k < V * IQ4_K(V); k++) acc[k] = _mm256_setzero_ps();
    if (!xs) {
        for (size_t i = 0; i < n / 32; i++, b += IQ4_NL_BYTES) {
            __m256 w[4];
            iq4_decode32(iq4_codes(b + 2), _mm256_set1_ps(ck_f16(b)), w);
            iq4_accumulate32(acc, w, x, x_stride, V, 32 * i);
        }
    } else {
        for (size_t i = 0; i < n / 256; i++, b += IQ4_XS_BYTES) {
            int32_t ls[8];
            iq4_xs_scales(b, ls);
            const float d = ck_f16(b);
            for (int j = 0; j < 8; j++) {
                __m256 w[4];
                iq4_decode32(iq4_codes(b + 8 + 16 * j), _mm256_set1_ps(d * (float)ls[j]), w);
                iq4_accumulate32(acc, w, x, x_stride, V, 256 * i + 32 * j);
            }
        }
    }
    iq4_finish(acc, V, out);
}

/// The AVX-512 path: a 16-float table of value times scale per (sub-)block, indexed by the nibbles
/// with vpermps (which reads only the low 4 bits of each index).
IQ4_BODY CK_AVX512 void iq4_rowsf_avx512(const uint8_t *b, size_t n, const float *x, size_t x_stride,
                                         const size_t V, float *out, const int xs) {
    __m512 acc[8];
    const size_t K = IQ4_K(V);
    for (size_t k = 0; k < V * K; k++) acc[k] = _mm512_setzero_ps();
    const __m512 values = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)iq4_table)));
    const size_t sub = xs ? 8 : 1, bytes = xs ? IQ4_XS_BYTES : IQ4_NL_BYTES;
    for (size_t i = 0; i < n / (32 * sub); i++, b += bytes) {
        int32_t ls[8] = {1, 1, 1, 1, 1, 1, 1, 1};
        if (xs) iq4_xs_scales(b, ls);
        const float d = ck_f16(b);
        for (size_t j = 0; j < sub; j++) {
            const __m512 table = _mm512_mul_ps(values, _mm512_set1_ps(xs ? d * (float)ls[j] : d));
            const __m512i codes = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(b + (xs ? 8 : 2) + 16 * j)));
            const __m512 lo = _mm512_permutexvar_ps(codes, table);
            const __m512 hi = _mm512_permutexvar_ps(_mm512_srli_epi32(codes, 4), table);
            const size_t base = 32 * (i * sub + j);
            for (size_t v = 0; v < V; v++) {
                const float *xv = x + v * x_stride + base;
                acc[v * K] = _mm512_fmadd_ps(lo, _mm512_loadu_ps(xv), acc[v * K]);
                acc[v * K + 1 % K] = _mm512_fmadd_ps(hi, _mm512_loadu_ps(xv + 16), acc[v * K + 1 % K]);
            }
        }
    }
    for (size_t v = 0; v < V; v++) out[v] = _mm512_reduce_add_ps(K == 2 ? _mm512_add_ps(acc[2 * v], acc[2 * v + 1]) : acc[v]);
}

#define IQ4_ROWSF_SWITCH(body, xs)                                                                \
    switch (vectors) {                                                                            \
    case 1: body(w, n, x, x_stride, 1, out, xs); break;                                           \
    case 2: body(w, n, x, x_stride, 2, out, xs); break;                                           \
    case 3: body(w, n, x, x_stride, 3, out, xs); break;                                           \
    case 4: body(w, n, x, x_stride, 4, out, xs); break;                                           \
    case 5: body(w, n, x, x_stride, 5, out, xs); break;                                           \
    case 6: body(w, n, x, x_stride, 6, out, xs); break;                                           \
    case 7: body(w, n, x, x_stride, 7, out, xs); break;                                           \
    default: body(w, n, x, x_stride, 8, out, xs); break;                                          \
    }

static CK_AVX2 void iq4_rowsf2(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out,
                               int xs) {
    if (xs) IQ4_ROWSF_SWITCH(iq4_rowsf_avx2, 1) else IQ4_ROWSF_SWITCH(iq4_rowsf_avx2, 0)
}

static CK_AVX512 void iq4_rowsf512(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors,
                                   float *out, int xs) {
    if (xs) IQ4_ROWSF_SWITCH(iq4_rowsf_avx512, 1) else IQ4_ROWSF_SWITCH(iq4_rowsf_avx512, 0)
}

void ck_rowsf_iq4_nl(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out) {
    if (CK_HAS(CK_FEATURE_AVX512)) iq4_rowsf512(w, n, x, x_stride, vectors, out, 0);
    else iq4_rowsf2(w, n, x, x_stride, vectors, out, 0);
}

void ck_rowsf_iq4_xs(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out) {
    if (CK_HAS(CK_FEATURE_AVX512)) iq4_rowsf512(w, n, x, x_stride, vectors, out, 1);
    else iq4_rowsf2(w, n, x, x_stride, vectors, out, 1);
}

static CK_AVX2 void iq4_rows2(const void *w, size_t row_bytes, size_t rows, size_t n, const float *x, size_t x_stride,
                              size_t vectors, float *y, size_t y_stride, int xs) {
    if (xs) ROWSF_ROWS_SWITCH(iq4_rowsf_avx2, 1) else ROWSF_ROWS_SWITCH(iq4_rowsf_avx2, 0)
}

static CK_AVX512 void iq4_rows512(const void *w, size_t row_bytes, size_t rows, size_t n, const float *x,
                                  size_t x_stride, size_t vectors, float *y, size_t y_stride, int xs) {
    if (xs) ROWSF_ROWS_SWITCH(iq4_rowsf_avx512, 1) else ROWSF_ROWS_SWITCH(iq4_rowsf_avx512, 0)
}

void ck_rowsf_iq4_nl_rows(const void *w, size_t row_bytes, size_t rows, size_t n, const float *x, size_t x_stride,
                          size_t vectors, float *y, size_t y_stride) {
    if (CK_HAS(CK_FEATURE_AVX512)) iq4_rows512(w, row_bytes, rows, n, x, x_stride, vectors, y, y_stride, 0);
    else iq4_rows2(w, row_bytes, rows, n, x, x_stride, vectors, y, y_stride, 0);
}

void ck_rowsf_iq4_xs_rows(const void *w, size_t row_bytes, size_t rows, size_t n, const float *x, size_t x_stride,
                          size_t vectors, float *y, size_t y_stride) {
    if (CK_HAS(CK_FEATURE_AVX512)) iq4_rows512(w, row_bytes, rows, n, x, x_stride, vectors, y, y_stride, 1);
    else iq4_rows2(w, row_bytes, rows, n, x, x_stride, vectors, y, y_stride, 1);
}

// MARK: Dequantize (value times scale, one f32 product each: bit-identical to Dequantize.row)

static CK_AVX2 void iq4_dequant2(const uint8_t *b, float *out, size_t n, int xs) {
    const size_t sub = xs ? 8 : 1, bytes = xs ? IQ4_XS_BYTES : IQ4_NL_BYTES;
    for (size_t i = 0; i < n / (32 * sub); i++, b += bytes) {
        int32_t ls[8] = {1, 1, 1, 1, 1, 1, 1, 1};
        if (xs) iq4_xs_scales(b, ls);
        const float d = ck_f16(b);
        for (size_t j = 0; j < sub; j++, out += 32) {
            __m256 w[4];
            iq4_decode32(iq4_codes(b + (xs ? 8 : 2) + 16 * j), _mm256_set1_ps(xs ? d * (float)ls[j] : d), w);
            for (int k = 0; k < 4; k++) _mm256_storeu_ps(out + 8 * k, w[k]);
        }
    }
}

static CK_AVX512 void iq4_dequant512(const uint8_t *b, float *out, size_t n, int xs) {
    const __m512 values = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)iq4_table)));
    const size_t sub = xs ? 8 : 1, bytes = xs ? IQ4_XS_BYTES : IQ4_NL_BYTES;
    for (size_t i = 0; i < n / (32 * sub); i++, b += bytes) {
        int32_t ls[8] = {1, 1, 1, 1, 1, 1, 1, 1};
        if (xs) iq4_xs_scales(b, ls);
        const float d = ck_f16(b);
        for (size_t j = 0; j < sub; j++, out += 32) {
            const __m512 scale = _mm512_set1_ps(xs ? d * (float)ls[j] : d);
            const __m512i codes = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(b + (xs ? 8 : 2) + 16 * j)));
            _mm512_storeu_ps(out, _mm512_mul_ps(_mm512_permutexvar_ps(codes, values), scale));
            _mm512_storeu_ps(out + 16, _mm512_mul_ps(_mm512_permutexvar_ps(_mm512_srli_epi32(codes, 4), values), scale));
        }
    }
}

void ck_dequant_iq4_nl(const void *w, float *out, size_t n) {
    if (CK_HAS(CK_FEATURE_AVX512)) iq4_dequant512(w, out, n, 0);
    else iq4_dequant2(w, out, n, 0);
}

void ck_dequant_iq4_xs(const void *w, float *out, size_t n) {
    if (CK_HAS(CK_FEATURE_AVX512)) iq4_dequant512(w, out, n, 1);
    else iq4_dequant2(w, out, n, 1);
}

#else

// Not x86-64: ck_cpu_supported() is 0, so these are never called; they exist to link.
float ck_dot_iq4_nl_q8_0(const void *w, const void *a, size_t n) { (void)w; (void)a; (void)n; __builtin_trap(); }
float ck_dot_iq4_xs_q8_K(const void *w, const void *a, size_t n) { (void)w; (void)a; (void)n; __builtin_trap(); }
void ck_tile_iq4_nl(const void *w, size_t ws, size_t rows, const void *a, size_t as, size_t vectors, size_t n,
                    float *out, size_t os) {
    (void)w; (void)ws; (void)rows; (void)a; (void)as; (void)vectors; (void)n; (void)out; (void)os;
    __builtin_trap();
}
void ck_tile_iq4_xs(const void *w, size_t ws, size_t rows, const void *a, size_t as, size_t vectors, size_t n,
                    float *out, size_t os) {
    (void)w; (void)ws; (void)rows; (void)a; (void)as; (void)vectors; (void)n; (void)out; (void)os;
    __builtin_trap();
}
void ck_rowsf_iq4_nl(const void *w, size_t n, const float *x, size_t xs, size_t v, float *out) {
    (void)w; (void)n; (void)x; (void)xs; (void)v; (void)out; __builtin_trap();
}
void ck_rowsf_iq4_xs(const void *w, size_t n, const float *x, size_t xs, size_t v, float *out) {
    (void)w; (void)n; (void)x; (void)xs; (void)v; (void)out; __builtin_trap();
}
void ck_rowsf_iq4_nl_rows(const void *w, size_t rb, size_t rows, size_t n, const float *x, size_t xs, size_t v, float *y,
                          size_t ys) {
    (void)w; (void)rb; (void)rows; (void)n; (void)x; (void)xs; (void)v; (void)y; (void)ys; __builtin_trap();
}
void ck_rowsf_iq4_xs_rows(const void *w, size_t rb, size_t rows, size_t n, const float *x, size_t xs, size_t v, float *y,
                          size_t ys) {
    (void)w; (void)rb; (void)rows; (void)n; (void)x; (void)xs; (void)v; (void)y; (void)ys; __builtin_trap();
}
void ck_dequant_iq4_nl(const void *w, float *out, size_t n) { (void)w; (void)out; (void)n; __builtin_trap(); }
void ck_dequant_iq4_xs(const void *w, float *out, size_t n) { (void)w; (void)out; (void)n; __builtin_trap(); }

#endif

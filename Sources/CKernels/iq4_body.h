// The integer kernels of iq4.c for one instruction set, included once per set with
// IQ4_SUFFIX (name suffix), IQ4_ATTR (target attribute) and IQ4_DOT32(q, a) (8 int32 lanes summing
// to Σ q_i a_i over 32 signed bytes; q never 0, a never -128) defined. Every set sums the same
// integers and applies scales in the same order, so all paths give bit-identical results.

#define IQ4_CAT2(a, b) a##b
#define IQ4_CAT(a, b) IQ4_CAT2(a, b)
#define IQ4_FN(name) IQ4_CAT(name, IQ4_SUFFIX)

/// rows x vectors of iq4_nl . q8_0; each row's blocks are unpacked once for every vector.
static inline __attribute__((always_inline)) IQ4_ATTR void
IQ4_FN(iq4_nl_tile_)(const uint8_t *w, size_t w_stride, size_t rows, const uint8_t *a, size_t a_stride,
                     size_t vectors, size_t nb, float *out, size_t out_stride) {
    for (size_t r = 0; r < rows; r++) {
        const uint8_t *x = w + r * w_stride;
        __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
        for (size_t b = 0; b < nb; b++, x += IQ4_NL_BYTES) {
            const __m256i q = iq4_codes(x + 2);
            for (size_t v = 0; v < vectors; v++) {
                const uint8_t *y = a + v * a_stride + b * CK_Q8_0;
                const __m256i s = IQ4_DOT32(q, ck_load256(y + 2));
                acc[v] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), ck_f16_product8(x, y), acc[v]);
            }
        }
        for (size_t v = 0; v < vectors; v++) out[v * out_stride + r] = ck_hsum_ps(acc[v]);
    }
}

/// rows x vectors of iq4_xs . q8_K: per super-block Σ_j (ls_j - 32) Σ q a in int32 lanes, then one
/// FMA with d_w d_a.
static inline __attribute__((always_inline)) IQ4_ATTR void
IQ4_FN(iq4_xs_tile_)(const uint8_t *w, size_t w_stride, size_t rows, const uint8_t *a, size_t a_stride,
                     size_t vectors, size_t nb, float *out, size_t out_stride) {
    for (size_t r = 0; r < rows; r++) {
        const uint8_t *x = w + r * w_stride;
        __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
        for (size_t b = 0; b < nb; b++, x += IQ4_XS_BYTES) {
            int32_t ls[8];
            iq4_xs_scales(x, ls);
            __m256i q[8];
            for (int j = 0; j < 8; j++) q[j] = iq4_codes(x + 8 + 16 * j);
            const float dw = ck_f16(x);
            for (size_t v = 0; v < vectors; v++) {
                const uint8_t *y = a + v * a_stride + b * CK_Q8_K;
                __m256i sum = _mm256_setzero_si256();
                for (int j = 0; j < 8; j++) {
                    const __m256i s = IQ4_DOT32(q[j], ck_load256(y + 4 + 32 * j));
                    sum = _mm256_add_epi32(sum, _mm256_mullo_epi32(s, _mm256_set1_epi32(ls[j])));
                }
                acc[v] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum), _mm256_set1_ps(dw * ck_f32(y)), acc[v]);
            }
        }
        for (size_t v = 0; v < vectors; v++) out[v * out_stride + r] = ck_hsum_ps(acc[v]);
    }
}

static IQ4_ATTR float IQ4_FN(ck_dot_iq4_nl_q8_0_)(const void *w, const void *a, size_t n) {
    float out;
    IQ4_FN(iq4_nl_tile_)(w, 0, 1, a, 0, 1, n / 32, &out, 1);
    return out;
}

static IQ4_ATTR float IQ4_FN(ck_dot_iq4_xs_q8_K_)(const void *w, const void *a, size_t n) {
    float out;
    IQ4_FN(iq4_xs_tile_)(w, 0, 1, a, 0, 1, n / 256, &out, 1);
    return out;
}

static IQ4_ATTR void IQ4_FN(ck_tile_iq4_nl_)(const void *w, size_t w_stride, size_t rows, const void *a,
                                              size_t a_stride, size_t vectors, size_t n, float *out,
                                              size_t out_stride) {
    IQ4_FN(iq4_nl_tile_)(w, w_stride, rows, a, a_stride, vectors, n / 32, out, out_stride);
}

static IQ4_ATTR void IQ4_FN(ck_tile_iq4_xs_)(const void *w, size_t w_stride, size_t rows, const void *a,
                                              size_t a_stride, size_t vectors, size_t n, float *out,
                                              size_t out_stride) {
    IQ4_FN(iq4_xs_tile_)(w, w_stride, rows, a, a_stride, vectors, n / 256, out, out_stride);
}

#undef IQ4_FN
#undef IQ4_CAT
#undef IQ4_CAT2

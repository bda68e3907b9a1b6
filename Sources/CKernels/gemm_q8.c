// The 32-element block types (Q8_0, Q4_0, Q5_0, IQ4_NL against Q8_0 activations; Q4_1, Q5_1
// against Q8_1) for prefill: the q8 path's matrix kernel for many vectors at once (FastDot.matrix,
// Sources/Kernels/SIMDDot.swift). Each block is unpacked to 32 signed codes while repacking (nibbles
// less their offset, fifth bits, IQ4_NL's table), so one compute loop serves every type; Q4_1 and
// Q5_1 add their block minimum times the activation block's stored sum.
//
// The 4x4 tiles (tiles.c) fold every (row, vector) block product into shared lanes with shuffles
// before they can scale it; here the rows are the lanes from the start. Eight weight rows are
// repacked, once per call, into a panel in which 32 bytes hold the same 4 codes of all 8 rows
// (chunk k of block b: row r's codes 4k...4k+3 at bytes 4r...4r+3), so one vpdpbusd against a
// vector's 4 codes broadcast to every lane advances all 8 rows' dot products, and a block's 8
// chunks leave each row's block sum in its own int32 lane, ready for the row scales as a vector.
//
// vpdpbusd multiplies unsigned by signed bytes. The weights are made unsigned by adding 128 (a
// flip of the top bit, done while repacking), so each lane's sum is dot(w, a) + 128 * sum(a),
// and the second term, which depends only on the activation block, is subtracted: exact integer
// arithmetic throughout, then one f32 FMA per block with scale d_w[r] * d_a. The result equals
// the row kernel's up to the order of the f32 additions.
//
// AVX-512 VNNI runs 8 vectors per panel pass (32 registers); AVX-VNNI runs 4 (16 registers); AVX2,
// without vpdpbusd, multiplies |w| by the activation carrying w's sign (vpmaddubsw, as the row
// kernels do) and widens the int16 pairs (vpmaddwd), 4 vectors per pass.

#include <stdlib.h>
#include "ck_vnni.h"
#include "ckernels_gemm.h"

#ifdef CK_X86

enum { Q8_GROUP = 8, Q8_CHUNK_BYTES = 32, Q8_PANEL_BLOCK = Q8_GROUP * Q8_CHUNK_BYTES };

enum { Q8_T_Q8_0, Q8_T_Q4_0, Q8_T_Q4_1, Q8_T_Q5_0, Q8_T_Q5_1, Q8_T_IQ4_NL };

static const int8_t q8_iq4_table[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

/// Bytes of one block of `type`.
CK_INLINE size_t q8_block_bytes(const int type) {
    return type == Q8_T_Q8_0 ? CK_Q8_0 : type == Q8_T_Q4_0 ? CK_Q4_0 : type == Q8_T_Q4_1 ? CK_Q4_1
         : type == Q8_T_Q5_0 ? CK_Q5_0 : type == Q8_T_Q5_1 ? CK_Q5_1 : 18;
}

/// Whether `type` has a block minimum (and so takes Q8_1 activations).
CK_INLINE int q8_has_min(const int type) { return type == Q8_T_Q4_1 || type == Q8_T_Q5_1; }

/// A block's 32 codes as signed bytes, element order (what the block's scale multiplies).
CK_INLINE __m256i q8_codes(const int type, const uint8_t *x) {
    switch (type) {
    case Q8_T_Q8_0: return ck_load256(x + 2);
    case Q8_T_Q4_0: return _mm256_sub_epi8(ck_legacy_nibbles(x + 2), _mm256_set1_epi8(8));
    case Q8_T_Q4_1: return ck_legacy_nibbles(x + 4);
    case Q8_T_Q5_0:
        return _mm256_sub_epi8(_mm256_or_si256(ck_legacy_nibbles(x + 6), ck_fifth_bits(ck_u32(x + 2))), _mm256_set1_epi8(16));
    case Q8_T_Q5_1: return _mm256_or_si256(ck_legacy_nibbles(x + 8), ck_fifth_bits(ck_u32(x + 4)));
    default: {
        const __m256i table = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)q8_iq4_table));
        return _mm256_shuffle_epi8(table, ck_legacy_nibbles(x + 2));
    }
    }
}

/// Repacks 8 rows (repeating the last of `rows` real ones) of `nb` blocks of `type` into `panel`,
/// their scales as f32 into `scales` and, for types with one, their minimums into `mins` (8 per
/// block each). With `unsigned_codes` (the VNNI paths) each code gets +128 (its top bit flipped).
CK_INLINE void q8_repack(const int type, const uint8_t *w, size_t w_stride, size_t rows, size_t nb, uint8_t *panel,
                         float *scales, float *mins, const int unsigned_codes) {
    const size_t bytes = q8_block_bytes(type);
    const uint8_t *row[Q8_GROUP];
    for (size_t r = 0; r < Q8_GROUP; r++) row[r] = w + (r < rows ? r : rows - 1) * w_stride;
    const __m256i flip = _mm256_set1_epi8(unsigned_codes ? (char)0x80 : 0);
    for (size_t b = 0; b < nb; b++) {
        __m256i q[Q8_GROUP];
        for (size_t r = 0; r < Q8_GROUP; r++) {
            const uint8_t *x = row[r] + b * bytes;
            scales[b * Q8_GROUP + r] = ck_f16(x);
            if (q8_has_min(type)) mins[b * Q8_GROUP + r] = ck_f16(x + 2);
            q[r] = _mm256_xor_si256(q8_codes(type, x), flip);
        }
        // 8x8 transpose of dwords: unpack pairs, then quadruples, then halves.
        const __m256i t0 = _mm256_unpacklo_epi32(q[0], q[1]), t1 = _mm256_unpackhi_epi32(q[0], q[1]);
        const __m256i t2 = _mm256_unpacklo_epi32(q[2], q[3]), t3 = _mm256_unpackhi_epi32(q[2], q[3]);
        const __m256i t4 = _mm256_unpacklo_epi32(q[4], q[5]), t5 = _mm256_unpackhi_epi32(q[4], q[5]);
        const __m256i t6 = _mm256_unpacklo_epi32(q[6], q[7]), t7 = _mm256_unpackhi_epi32(q[6], q[7]);
        const __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
        const __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
        const __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
        const __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
        uint8_t *out = panel + b * Q8_PANEL_BLOCK;
        // u0 holds dword 0 of rows 0-3 (low half) and dword 4 of rows 0-3 (high half); u4 the same of rows 4-7.
        const __m256i chunks[8] = {
            _mm256_permute2x128_si256(u0, u4, 0x20), _mm256_permute2x128_si256(u1, u5, 0x20),
            _mm256_permute2x128_si256(u2, u6, 0x20), _mm256_permute2x128_si256(u3, u7, 0x20),
            _mm256_permute2x128_si256(u0, u4, 0x31), _mm256_permute2x128_si256(u1, u5, 0x31),
            _mm256_permute2x128_si256(u2, u6, 0x31), _mm256_permute2x128_si256(u3, u7, 0x31),
        };
        for (int k = 0; k < 8; k++) _mm256_storeu_si256((__m256i *)(out + k * Q8_CHUNK_BYTES), chunks[k]);
    }
}

/// The activations regrouped for the panel passes, `VN` vectors at a time (the last group padded
/// with zero vectors): for group g, block b and chunk k, the 4 codes at 4k...4k+3 of each of the
/// group's vectors side by side (`codes`, int32 words at ((g * nb + b) * 8 + k) * VN + v), so a
/// pass broadcasts each from a fixed offset; and per block and vector, at (g * nb + b) * VN + v,
/// its scale as f32, 128 times the sum of its codes (0 without `unsigned_codes`: the AVX2 path
/// multiplies signed codes) and, for Q8_1 (`with_sum`), its stored scaled sum (what a block
/// minimum multiplies).
CK_INLINE void q8_prepare(const uint8_t *a, size_t a_stride, size_t vectors, size_t nb, const size_t VN, int32_t *codes,
                          float *scales, int32_t *offsets, float *sums, const int with_sum, const int unsigned_codes) {
    const size_t bytes = with_sum ? CK_Q8_1 : CK_Q8_0, first = with_sum ? 4 : 2;
    const size_t groups = (vectors + VN - 1) / VN;
    for (size_t g = 0; g < groups; g++) {
        for (size_t b = 0; b < nb; b++) {
            for (size_t v = 0; v < VN; v++) {
                const size_t i = (g * nb + b) * VN + v, vector = g * VN + v;
                int32_t *out = codes + (g * nb + b) * 8 * VN + v;
                if (vector >= vectors) {
                    for (int k = 0; k < 8; k++) out[k * VN] = 0;
                    scales[i] = 0;
                    offsets[i] = 0;
                    sums[i] = 0;
                    continue;
                }
                const uint8_t *x = a + vector * a_stride + b * bytes;
                const __m256i q = ck_load256(x + first);
                int32_t words[8];
                _mm256_storeu_si256((__m256i *)words, q);
                for (int k = 0; k < 8; k++) out[k * VN] = words[k];
                // Sum of 32 signed bytes: widen to int16 pairs with maddubs against ones, then to int32.
                const __m256i pairs = _mm256_maddubs_epi16(_mm256_set1_epi8(1), q);
                const __m256i quads = _mm256_madd_epi16(pairs, _mm256_set1_epi16(1));
                __m128i s = _mm_add_epi32(_mm256_castsi256_si128(quads), _mm256_extracti128_si256(quads, 1));
                s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
                s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
                scales[i] = ck_f16(x);
                offsets[i] = unsigned_codes ? 128 * _mm_cvtsi128_si32(s) : 0;
                sums[i] = with_sum ? ck_f16(x + 2) : 0;
            }
        }
    }
}

/// One panel of 8 rows against vector group g (V vectors, `valid` of them real):
/// out[v * out_stride + r] for r < rows, v < valid (`out` at the group's first vector).
#define Q8_PANEL_BODY(DPBUSD, V)                                                                    \
    do {                                                                                            \
        __m256 acc[V];                                                                              \
        for (int v = 0; v < (V); v++) acc[v] = _mm256_setzero_ps();                                 \
        const size_t wbytes = q8_block_bytes(type);                                                 \
        for (size_t b = 0; b < nb; b++) {                                                           \
            const uint8_t *p = panel + b * Q8_PANEL_BLOCK;                                          \
            const int32_t *x = codes + (g * nb + b) * 8 * (V);                                      \
            const size_t i = (g * nb + b) * (V);                                                    \
            /* the next group's rows, which the next repack reads: latency hidden behind this work */ \
            if (next)                                                                               \
                for (int r = 0; r < Q8_GROUP; r++)                                                  \
                    _mm_prefetch((const char *)(next + r * w_stride + b * wbytes), _MM_HINT_T0);    \
            __m256i s[V];                                                                           \
            for (int v = 0; v < (V); v++) s[v] = _mm256_setzero_si256();                            \
            for (int k = 0; k < 8; k++) {                                                           \
                const __m256i wk = _mm256_loadu_si256((const __m256i *)(p + k * Q8_CHUNK_BYTES));   \
                for (int v = 0; v < (V); v++) s[v] = DPBUSD(s[v], wk, _mm256_set1_epi32(x[k * (V) + v])); \
            }                                                                                       \
            const __m256 dw = _mm256_loadu_ps(scales + b * Q8_GROUP);                               \
            for (int v = 0; v < (V); v++) {                                                         \
                const __m256i sum = _mm256_sub_epi32(s[v], _mm256_set1_epi32(offsets[i + v]));      \
                acc[v] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum), _mm256_mul_ps(dw, _mm256_set1_ps(da[i + v])), acc[v]); \
                if (q8_has_min(type))                                                               \
                    acc[v] = _mm256_fmadd_ps(_mm256_loadu_ps(mins + b * Q8_GROUP), _mm256_set1_ps(sa[i + v]), acc[v]); \
            }                                                                                       \
        }                                                                                           \
        for (size_t v = 0; v < valid; v++) {                                                        \
            float *o = out + v * out_stride;                                                        \
            if (rows >= Q8_GROUP) {                                                                 \
                _mm256_storeu_ps(o, acc[v]);                                                        \
            } else {                                                                                \
                float lanes[Q8_GROUP];                                                              \
                _mm256_storeu_ps(lanes, acc[v]);                                                    \
                for (size_t r = 0; r < rows; r++) o[r] = lanes[r];                                  \
            }                                                                                       \
        }                                                                                           \
    } while (0)

#define Q8_PANEL_FN(NAME, TARGET, DPBUSD, V)                                                        \
    static inline __attribute__((always_inline)) TARGET void NAME(                                 \
        const int type, const uint8_t *panel, const float *scales, const float *mins, size_t nb,    \
        size_t rows, const int32_t *codes, const float *da, const int32_t *offsets, const float *sa, \
        size_t g, size_t valid, float *out, size_t out_stride, const uint8_t *next, size_t w_stride) { \
        Q8_PANEL_BODY(DPBUSD, V);                                                                   \
    }

#define Q8_DPBUSD_512(acc, u, s) _mm256_dpbusd_epi32(acc, u, s)
#define Q8_DPBUSD_AVX(acc, u, s) _mm256_dpbusd_avx_epi32(acc, u, s)
/// AVX2 has no vpdpbusd: |w| times a with w's sign, in int16 pairs that cannot saturate (codes
/// within ±127 on one side, |w| ≤ 128 on the other), then widened pairwise to int32.
#define Q8_DPBUSD_AVX2(acc, w, s)                                                                   \
    _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(s, w)), \
                                            _mm256_set1_epi16(1)))

/// The whole matrix for one ISA and type: `VN` vectors per panel pass.
#define Q8_MATRIX_FN(NAME, TARGET, DPBUSD, VN, UNSIGNED)                                            \
    Q8_PANEL_FN(NAME##_pass, TARGET, DPBUSD, VN)                                                    \
    static inline __attribute__((always_inline)) TARGET void NAME##_typed(                         \
        const int type, const uint8_t *w, size_t w_stride, size_t rows, const uint8_t *a,           \
        size_t a_stride, size_t vectors, size_t nb, float *out, size_t out_stride, uint8_t *panel,  \
        float *scales, float *mins, int32_t *codes, float *da, int32_t *offsets, float *sa) {       \
        q8_prepare(a, a_stride, vectors, nb, VN, codes, da, offsets, sa, q8_has_min(type), UNSIGNED); \
        const size_t groups = (vectors + (VN) - 1) / (VN);                                          \
        for (size_t r0 = 0; r0 < rows; r0 += Q8_GROUP) {                                            \
            const size_t group = rows - r0 < Q8_GROUP ? rows - r0 : Q8_GROUP;                       \
            q8_repack(type, w + r0 * w_stride, w_stride, group, nb, panel, scales, mins, UNSIGNED); \
            /* prefetched during the first pass over the vectors (at most 8 rows past the end: */    \
            /* prefetches never fault) */                                                           \
            const uint8_t *next = r0 + Q8_GROUP < rows ? w + (r0 + Q8_GROUP) * w_stride : NULL;     \
            for (size_t g = 0; g < groups; g++) {                                                   \
                const size_t valid = vectors - g * (VN) < (VN) ? vectors - g * (VN) : (VN);         \
                NAME##_pass(type, panel, scales, mins, nb, group, codes, da, offsets, sa, g, valid,  \
                            out + g * (VN) * out_stride + r0, out_stride, next, w_stride);          \
                next = NULL;                                                                        \
            }                                                                                       \
        }                                                                                           \
    }                                                                                               \
    static TARGET void NAME(int type, const uint8_t *w, size_t w_stride, size_t rows, const uint8_t *a, \
                            size_t a_stride, size_t vectors, size_t nb, float *out, size_t out_stride, \
                            uint8_t *panel, float *scales, float *mins, int32_t *codes, float *da,  \
                            int32_t *offsets, float *sa) {                                          \
        switch (type) {                                                                             \
        case Q8_T_Q8_0: NAME##_typed(Q8_T_Q8_0, w, w_stride, rows, a, a_stride, vectors, nb, out, out_stride, panel, scales, mins, codes, da, offsets, sa); break; \
        case Q8_T_Q4_0: NAME##_typed(Q8_T_Q4_0, w, w_stride, rows, a, a_stride, vectors, nb, out, out_stride, panel, scales, mins, codes, da, offsets, sa); break; \
        case Q8_T_Q4_1: NAME##_typed(Q8_T_Q4_1, w, w_stride, rows, a, a_stride, vectors, nb, out, out_stride, panel, scales, mins, codes, da, offsets, sa); break; \
        case Q8_T_Q5_0: NAME##_typed(Q8_T_Q5_0, w, w_stride, rows, a, a_stride, vectors, nb, out, out_stride, panel, scales, mins, codes, da, offsets, sa); break; \
        case Q8_T_Q5_1: NAME##_typed(Q8_T_Q5_1, w, w_stride, rows, a, a_stride, vectors, nb, out, out_stride, panel, scales, mins, codes, da, offsets, sa); break; \
        default: NAME##_typed(Q8_T_IQ4_NL, w, w_stride, rows, a, a_stride, vectors, nb, out, out_stride, panel, scales, mins, codes, da, offsets, sa); break; \
        }                                                                                           \
    }

Q8_MATRIX_FN(q8_matrix_avx512vnni, CK_AVX512_VNNI, Q8_DPBUSD_512, 8, 1)
Q8_MATRIX_FN(q8_matrix_avxvnni, CK_AVX_VNNI, Q8_DPBUSD_AVX, 4, 1)
Q8_MATRIX_FN(q8_matrix_avx2, CK_AVX2, Q8_DPBUSD_AVX2, 4, 0)

/// The exported entry for one type: scratch, then the widest path there is.
static int q8_matrix(int type, const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                     size_t vectors, size_t n, float *out, size_t out_stride) {
    const int isa = ck_int_isa();
    if (rows == 0 || vectors == 0 || n % 32 != 0) return 0;
    const size_t nb = n / 32;
    // Scratch: the panel, its scales and minimums (reused for every group of rows), the
    // activations regrouped with their scales, offsets and sums. Sized by the call; freed before
    // returning.
    const size_t VN = isa == CK_ISA_AVX512_VNNI ? 8 : 4, padded = (vectors + VN - 1) / VN * VN;
    const size_t panel_bytes = nb * Q8_PANEL_BLOCK, scale_bytes = nb * Q8_GROUP * sizeof(float);
    const size_t code_bytes = padded * nb * 32, act_bytes = padded * nb * (2 * sizeof(float) + sizeof(int32_t));
    uint8_t *scratch = malloc(panel_bytes + 2 * scale_bytes + code_bytes + act_bytes + 64);
    if (!scratch) return 0;
    uint8_t *panel = scratch;
    float *scales = (float *)(scratch + panel_bytes);
    float *mins = scales + nb * Q8_GROUP;
    int32_t *codes = (int32_t *)(mins + nb * Q8_GROUP);
    float *da = (float *)(codes + padded * nb * 8);
    float *sa = da + padded * nb;
    int32_t *offsets = (int32_t *)(sa + padded * nb);
    if (isa == CK_ISA_AVX512_VNNI) {
        q8_matrix_avx512vnni(type, w, w_stride, rows, a, a_stride, vectors, nb, out, out_stride, panel, scales, mins, codes, da, offsets, sa);
    } else if (isa == CK_ISA_AVX_VNNI) {
        q8_matrix_avxvnni(type, w, w_stride, rows, a, a_stride, vectors, nb, out, out_stride, panel, scales, mins, codes, da, offsets, sa);
    } else {
        q8_matrix_avx2(type, w, w_stride, rows, a, a_stride, vectors, nb, out, out_stride, panel, scales, mins, codes, da, offsets, sa);
    }
    free(scratch);
    return 1;
}

#define Q8_EXPORT(NAME, TYPE)                                                                       \
    int NAME(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride, size_t vectors, \
             size_t n, float *out, size_t out_stride) {                                             \
        return q8_matrix(TYPE, w, w_stride, rows, a, a_stride, vectors, n, out, out_stride);        \
    }

Q8_EXPORT(ck_matrix_q8_0, Q8_T_Q8_0)
Q8_EXPORT(ck_matrix_q4_0, Q8_T_Q4_0)
Q8_EXPORT(ck_matrix_q4_1, Q8_T_Q4_1)
Q8_EXPORT(ck_matrix_q5_0, Q8_T_Q5_0)
Q8_EXPORT(ck_matrix_q5_1, Q8_T_Q5_1)
Q8_EXPORT(ck_matrix_iq4_nl, Q8_T_IQ4_NL)

#else

#define Q8_EXPORT(NAME)                                                                             \
    int NAME(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride, size_t vectors, \
             size_t n, float *out, size_t out_stride) {                                             \
        (void)w; (void)w_stride; (void)rows; (void)a; (void)a_stride; (void)vectors; (void)n; (void)out; (void)out_stride; \
        return 0;                                                                                   \
    }

Q8_EXPORT(ck_matrix_q8_0)
Q8_EXPORT(ck_matrix_q4_0)
Q8_EXPORT(ck_matrix_q4_1)
Q8_EXPORT(ck_matrix_q5_0)
Q8_EXPORT(ck_matrix_q5_1)
Q8_EXPORT(ck_matrix_iq4_nl)

#endif

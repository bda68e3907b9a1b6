// Exact-activation row kernels (ck_rowsf_*) for the K-quant 256-element super-blocks: Q2_K, Q3_K,
// Q4_K, Q5_K, Q6_K (layouts in Sources/Kernels/KQuants.swift). Results equal Dot.row's up to the
// order and grouping of f32 operations (Dot.row scales each sub-block's sum; here each element is
// decoded to d·sc·q + offset before the dot product).
//
// Per super-block the sub-block scales (and offsets: mins, code biases) are decoded once into small
// float tables; each element is then cvt(q) · scale + offset in one FMA, the scale and offset
// broadcast from the tables. Codes are widened from memory (vpmovzxbd: int32 lane j holds byte j,
// whose bit fields are separated with shifts and masks), except Q6_K, whose 6-bit codes are
// assembled 32 (AVX2) or 64 (AVX-512) bytes at a time first. High bits (Q3_K hmask, Q5_K qh)
// choose between two offsets or set the code's top bit: AVX2 moves the bit to the sign for
// vblendvps; AVX-512 tests bytes into an opmask. Q4_K's AVX-512 path skips the conversion: it
// looks each nibble up in a 16-float table per sub-block (vpermps).

#include "rowsf.h"

#ifdef CK_X86

// MARK: Scale tables

/// Keeps a table in memory: without it the compiler forwards the stored vector through register
/// shuffles (two per broadcast), where a broadcast load costs no vector ALU slot.
#define KEEP_IN_MEMORY(table) __asm__ volatile("" : : "r"(table) : "memory")

/// Q4_K/Q5_K: scale[j] = d·sc_j, offset[j] = -dmin·m_j for the 8 sub-blocks of 32.
CK_BODY void tables_k4(const uint8_t *b, float scale[8], float offset[8]) {
    uint32_t sc[2], mn[2];
    ck_scale_min_k4(b + 4, sc, mn);
    const __m256 d = f16x8(b), negmin = _mm256_sub_ps(_mm256_setzero_ps(), f16x8(b + 2));
    _mm256_storeu_ps(scale, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_setr_epi32((int)sc[0], (int)sc[1], 0, 0))), d));
    _mm256_storeu_ps(offset, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_setr_epi32((int)mn[0], (int)mn[1], 0, 0))), negmin));
}

/// 16 signed bytes times `d` as floats into table[0..15].
CK_BODY void table_i8x16(__m128i bytes, __m256 d, float table[16]) {
    _mm256_storeu_ps(table, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes)), d));
    _mm256_storeu_ps(table + 8, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(bytes, 8))), d));
}

/// Q2_K: scale[j] = d·sc_j, offset[j] = -dmin·m_j for the 16 sub-blocks of 16.
CK_BODY void tables_q2_K(const uint8_t *b, float scale[16], float offset[16]) {
    const __m128i packed = ck_load128(b), low4 = _mm_set1_epi8(0x0F);
    table_i8x16(_mm_and_si128(packed, low4), f16x8(b + 80), scale);
    table_i8x16(_mm_and_si128(_mm_srli_epi16(packed, 4), low4), _mm256_sub_ps(_mm256_setzero_ps(), f16x8(b + 82)), offset);
}

/// Q3_K: scale[j] = d·sc_j (sc_j signed), low[j] = -4·scale[j] (the offset of codes whose high bit
/// is clear) for the 16 sub-blocks of 16.
CK_BODY void tables_q3_K(const uint8_t *b, float scale[16], float low[16]) {
    const __m256 d = f16x8(b + 108);
    table_i8x16(ck_q3_K_scales(b + 96), d, scale);
    table_i8x16(ck_q3_K_scales(b + 96), _mm256_mul_ps(d, _mm256_set1_ps(-4)), low);
}

// MARK: AVX2

// Q2_K: 2-bit codes, element e in byte 32(e/128) + e%32 at bits 2((e%128)/32); x = d·sc·q - dmin·m.
CK_BODY void body_q2_K(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 256; i++, b += CK_Q2_K) {
        float scale[16], offset[16];
        tables_q2_K(b, scale, offset);
        KEEP_IN_MEMORY(scale);
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l += 8) {
                const __m256i bytes = u8x8(b + 16 + 32 * h + l);
                for (int g = 0; g < 4; g++) {
                    const __m256i q = _mm256_and_si256(_mm256_srli_epi32(bytes, 2 * g), _mm256_set1_epi32(3));
                    const int j = 8 * h + 2 * g + l / 16;
                    const __m256 v = _mm256_fmadd_ps(_mm256_cvtepi32_ps(q), _mm256_set1_ps(scale[j]), _mm256_set1_ps(offset[j]));
                    accumulate8(acc, v, x, x_stride, vectors, i * 256 + (size_t)(128 * h + 32 * g + l), (size_t)g);
                }
            }
        }
    }
    finish(acc, vectors, out);
}

// Q3_K: 2-bit codes as Q2_K, high bit e/32 of hmask byte e%32; x = d·sc·(q - (high ? 0 : 4)).
CK_BODY void body_q3_K(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 256; i++, b += CK_Q3_K) {
        float scale[16], low[16];
        tables_q3_K(b, scale, low);
        KEEP_IN_MEMORY(scale);
        for (int l = 0; l < 32; l += 8) {
            const __m256i high = u8x8(b + l);
            for (int h = 0; h < 2; h++) {
                const __m256i bytes = u8x8(b + 32 + 32 * h + l);
                for (int g = 0; g < 4; g++) {
                    const __m256i q = _mm256_and_si256(_mm256_srli_epi32(bytes, 2 * g), _mm256_set1_epi32(3));
                    const int j = 8 * h + 2 * g + l / 16;
                    const __m256 set = _mm256_castsi256_ps(_mm256_slli_epi32(high, 31 - (4 * h + g)));
                    const __m256 offset = _mm256_blendv_ps(_mm256_set1_ps(low[j]), _mm256_setzero_ps(), set);
                    const __m256 v = _mm256_fmadd_ps(_mm256_cvtepi32_ps(q), _mm256_set1_ps(scale[j]), offset);
                    accumulate8(acc, v, x, x_stride, vectors, i * 256 + (size_t)(128 * h + 32 * g + l), (size_t)g);
                }
            }
        }
    }
    finish(acc, vectors, out);
}

// Q4_K / Q5_K: sub-blocks 2p and 2p+1 share qs bytes 32p...32p+31 (low and high nibbles); Q5_K's
// fifth bit of element e is bit e/32 of qh byte e%32. x = d·sc·q - dmin·m.
CK_BODY void body_k4(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out,
                     const int bytes, const int qh_at, const int qs_at) {
    ACC_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 256; i++, b += bytes) {
        float scale[8], offset[8], lifted[8];
        tables_k4(b, scale, offset);
        if (qh_at) {   // the offsets of codes whose fifth bit is set: offset + 16·scale
            _mm256_storeu_ps(lifted, _mm256_fmadd_ps(_mm256_loadu_ps(scale), _mm256_set1_ps(16), _mm256_loadu_ps(offset)));
        }
        KEEP_IN_MEMORY(scale);
        for (int l = 0; l < 32; l += 8) {
            const __m256i high = qh_at ? u8x8(b + qh_at + l) : _mm256_setzero_si256();
            for (int p = 0; p < 4; p++) {
                const __m256i codes = u8x8(b + qs_at + 32 * p + l);
                for (int half = 0; half < 2; half++) {
                    const int j = 2 * p + half;
                    const __m256i q = half == 0 ? _mm256_and_si256(codes, _mm256_set1_epi32(15)) : _mm256_srli_epi32(codes, 4);
                    __m256 off = _mm256_set1_ps(offset[j]);
                    if (qh_at) {
                        const __m256 set = _mm256_castsi256_ps(_mm256_slli_epi32(high, 31 - j));
                        off = _mm256_blendv_ps(off, _mm256_set1_ps(lifted[j]), set);
                    }
                    const __m256 v = _mm256_fmadd_ps(_mm256_cvtepi32_ps(q), _mm256_set1_ps(scale[j]), off);
                    accumulate8(acc, v, x, x_stride, vectors, i * 256 + (size_t)(32 * j + l), (size_t)j);
                }
            }
        }
    }
    finish(acc, vectors, out);
}

CK_BODY void body_q4_K(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    body_k4(w, n, x, x_stride, vectors, out, CK_Q4_K, 0, 16);
}

CK_BODY void body_q5_K(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    body_k4(w, n, x, x_stride, vectors, out, CK_Q5_K, 16, 48);
}

/// Q6_K's 6-bit codes of one 128-element half, assembled 32 bytes at a time: groups[g] holds
/// elements 32g...32g+31 (ql low/high nibbles with qh bit pairs 2g, 2g+1 above them).
CK_BODY void q6_K_groups(const uint8_t *ql, const uint8_t *qh, __m256i groups[4]) {
    const __m256i low4 = _mm256_set1_epi8(0x0F), low2 = _mm256_set1_epi8(0x03);
    const __m256i l0 = ck_load256(ql), l1 = ck_load256(ql + 32), h = ck_load256(qh);
    groups[0] = _mm256_or_si256(_mm256_and_si256(l0, low4), _mm256_slli_epi16(_mm256_and_si256(h, low2), 4));
    groups[1] = _mm256_or_si256(_mm256_and_si256(l1, low4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 2), low2), 4));
    groups[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), low4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 4), low2), 4));
    groups[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), low4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 6), low2), 4));
}

// Q6_K: x = d·sc·(q - 32), one int8 scale per 16 elements.
CK_BODY void body_q6_K(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 256; i++, b += CK_Q6_K) {
        float scale[16];
        table_i8x16(ck_load128(b + 192), f16x8(b + 208), scale);
        KEEP_IN_MEMORY(scale);
        for (int h = 0; h < 2; h++) {
            __m256i groups[4];
            q6_K_groups(b + 64 * h, b + 128 + 32 * h, groups);
            for (int g = 0; g < 4; g++) {
                const __m256i q = _mm256_sub_epi8(groups[g], _mm256_set1_epi8(32));
                const __m128i lo = _mm256_castsi256_si128(q), hi = _mm256_extracti128_si256(q, 1);
                const __m128i parts[4] = { lo, _mm_srli_si128(lo, 8), hi, _mm_srli_si128(hi, 8) };
                for (int k = 0; k < 4; k++) {
                    const int j = 8 * h + 2 * g + k / 2;
                    const __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(parts[k])), _mm256_set1_ps(scale[j]));
                    accumulate8(acc, v, x, x_stride, vectors, i * 256 + (size_t)(128 * h + 32 * g + 8 * k), (size_t)k);
                }
            }
        }
    }
    finish(acc, vectors, out);
}

// MARK: AVX-512

CK_BODY512 void body512_q2_K(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC512_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 256; i++, b += CK_Q2_K) {
        float scale[16], offset[16];
        tables_q2_K(b, scale, offset);
        KEEP_IN_MEMORY(scale);
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l += 16) {
                const __m512i bytes = u8x16(b + 16 + 32 * h + l);
                for (int g = 0; g < 4; g++) {
                    const __m512i q = _mm512_and_si512(_mm512_srli_epi32(bytes, 2 * g), _mm512_set1_epi32(3));
                    const int j = 8 * h + 2 * g + l / 16;
                    accumulate16(acc, decode16(q, _mm512_set1_ps(scale[j]), _mm512_set1_ps(offset[j])), x, x_stride,
                                 vectors, i * 256 + (size_t)(128 * h + 32 * g + l), (size_t)g);
                }
            }
        }
    }
    finish512(acc, vectors, out);
}

CK_BODY512 void body512_q3_K(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC512_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 256; i++, b += CK_Q3_K) {
        float scale[16], low[16];
        tables_q3_K(b, scale, low);
        KEEP_IN_MEMORY(scale);
        for (int l = 0; l < 32; l += 16) {
            const __m128i high = ck_load128(b + l);
            for (int h = 0; h < 2; h++) {
                const __m512i bytes = u8x16(b + 32 + 32 * h + l);
                for (int g = 0; g < 4; g++) {
                    const __m512i q = _mm512_and_si512(_mm512_srli_epi32(bytes, 2 * g), _mm512_set1_epi32(3));
                    const int j = 8 * h + 2 * g + l / 16;
                    const __mmask16 clear = _mm_testn_epi8_mask(high, _mm_set1_epi8((char)(1 << (4 * h + g))));
                    const __m512 offset = _mm512_maskz_mov_ps(clear, _mm512_set1_ps(low[j]));
                    accumulate16(acc, decode16(q, _mm512_set1_ps(scale[j]), offset), x, x_stride, vectors,
                                 i * 256 + (size_t)(128 * h + 32 * g + l), (size_t)g);
                }
            }
        }
    }
    finish512(acc, vectors, out);
}

/// Q4_K: per sub-block, the 16 nibble values decoded into a table (d·sc·k - dmin·m, k = 0...15) and
/// looked up with vpermps, which reads only the low 4 bits of each index.
CK_BODY512 void body512_q4_K(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC512_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    const __m512 ramp = _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (size_t i = 0; i < n / 256; i++, b += CK_Q4_K) {
        float scale[8], offset[8];
        tables_k4(b, scale, offset);
        KEEP_IN_MEMORY(scale);
        for (int p = 0; p < 4; p++) {
            const __m512i codes[2] = { u8x16(b + 16 + 32 * p), u8x16(b + 16 + 32 * p + 16) };
            for (int half = 0; half < 2; half++) {
                const int j = 2 * p + half;
                const __m512 table = _mm512_fmadd_ps(ramp, _mm512_set1_ps(scale[j]), _mm512_set1_ps(offset[j]));
                for (int l = 0; l < 2; l++) {
                    const __m512i index = half == 0 ? codes[l] : _mm512_srli_epi32(codes[l], 4);
                    accumulate16(acc, _mm512_permutexvar_ps(index, table), x, x_stride, vectors,
                                 i * 256 + (size_t)(32 * j + 16 * l), (size_t)(2 * half + l));
                }
            }
        }
    }
    finish512(acc, vectors, out);
}

/// Q5_K: codes converted (vcvtdq2ps) after an opmask from the qh bytes sets their fifth bit (a
/// 32-entry table costs more here than the conversion).
CK_BODY512 void body512_q5_K(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC512_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    const __m512i sixteen = _mm512_set1_epi32(16);
    for (size_t i = 0; i < n / 256; i++, b += CK_Q5_K) {
        float scale[8], offset[8];
        tables_k4(b, scale, offset);
        KEEP_IN_MEMORY(scale);
        const __m256i high = ck_load256(b + 16);
        for (int p = 0; p < 4; p++) {
            for (int l = 0; l < 32; l += 16) {
                const __m512i codes = u8x16(b + 48 + 32 * p + l);
                for (int half = 0; half < 2; half++) {
                    const int j = 2 * p + half;
                    __m512i q = half == 0 ? _mm512_and_si512(codes, _mm512_set1_epi32(15)) : _mm512_srli_epi32(codes, 4);
                    const __mmask32 set = _mm256_test_epi8_mask(high, _mm256_set1_epi8((char)(1 << j)));
                    q = _mm512_mask_or_epi32(q, (__mmask16)(l == 0 ? set : set >> 16), q, sixteen);
                    accumulate16(acc, decode16(q, _mm512_set1_ps(scale[j]), _mm512_set1_ps(offset[j])), x, x_stride,
                                 vectors, i * 256 + (size_t)(32 * j + l), (size_t)(2 * half + l / 16));
                }
            }
        }
    }
    finish512(acc, vectors, out);
}

/// Q6_K's codes of one 128-element half, 64 bytes at a time: pair[0] = elements 0...63 (groups 0
/// and 1), pair[1] = elements 64...127 (groups 2 and 3).
CK_BODY512 void q6_K_pairs(const uint8_t *ql, const uint8_t *qh, __m512i pair[2]) {
    const __m512i low4 = _mm512_set1_epi8(0x0F), bits45 = _mm512_set1_epi8(0x30);
    const __m512i l = _mm512_loadu_si512(ql);
    // qh in both 256-bit halves, the upper shifted by 2: bits 0-1 (4-5) of each byte are then the
    // high bits of groups 0 and 1 (2 and 3); bits leaking across bytes are masked off below.
    const __m512i h = _mm512_srlv_epi64(_mm512_broadcast_i64x4(ck_load256(qh)), _mm512_setr_epi64(0, 0, 0, 0, 2, 2, 2, 2));
    // a | (b & c): imm 0xF8
    pair[0] = _mm512_ternarylogic_epi32(_mm512_and_si512(l, low4), _mm512_slli_epi16(h, 4), bits45, 0xF8);
    pair[1] = _mm512_ternarylogic_epi32(_mm512_and_si512(_mm512_srli_epi16(l, 4), low4), h, bits45, 0xF8);
}

CK_BODY512 void body512_q6_K(const void *w, size_t n, const float *x, size_t x_stride, const size_t vectors, float *out) {
    ACC512_SETUP(vectors)
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 256; i++, b += CK_Q6_K) {
        float scale[16];
        table_i8x16(ck_load128(b + 192), f16x8(b + 208), scale);
        KEEP_IN_MEMORY(scale);
        for (int h = 0; h < 2; h++) {
            __m512i pair[2];
            q6_K_pairs(b + 64 * h, b + 128 + 32 * h, pair);
            pair[0] = _mm512_sub_epi8(pair[0], _mm512_set1_epi8(32));
            pair[1] = _mm512_sub_epi8(pair[1], _mm512_set1_epi8(32));
            for (int k = 0; k < 8; k++) {
                const int j = 8 * h + k;
                const __m128i part = k % 4 == 0 ? _mm512_castsi512_si128(pair[k / 4])
                                   : k % 4 == 1 ? _mm512_extracti32x4_epi32(pair[k / 4], 1)
                                   : k % 4 == 2 ? _mm512_extracti32x4_epi32(pair[k / 4], 2)
                                                : _mm512_extracti32x4_epi32(pair[k / 4], 3);
                const __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(part)), _mm512_set1_ps(scale[j]));
                accumulate16(acc, v, x, x_stride,
                             vectors, i * 256 + (size_t)(128 * h + 16 * k), (size_t)k);
            }
        }
    }
    finish512(acc, vectors, out);
}

#endif // CK_X86

ROWSF_EXPORT(ck_rowsf_q2_K, body_q2_K, body512_q2_K)
ROWSF_EXPORT(ck_rowsf_q3_K, body_q3_K, body512_q3_K)
ROWSF_EXPORT(ck_rowsf_q4_K, body_q4_K, body512_q4_K)
ROWSF_EXPORT(ck_rowsf_q5_K, body_q5_K, body512_q5_K)
ROWSF_EXPORT(ck_rowsf_q6_K, body_q6_K, body512_q6_K)

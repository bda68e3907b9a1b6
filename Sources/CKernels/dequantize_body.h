// The dequantizer bodies of dequantize.c, included once per instruction set. The including file
// defines DQ_FN(name) (the function's name for this set), DQ_ATTR (its target attribute), DQ_WIDE
// (1 for AVX-512) and the three 16-element emitters DQ_FN(mul16), DQ_FN(mulsub16) and
// DQ_FN(muladd16): out[i] = q[i]*d, q[i]*d - m and q[i]*d + m for 16 signed bytes q, as separate
// (unfused) f32 operations in the order of the scalar references. Everything else (unpacking the
// codes into bytes) is AVX2 integer work shared by both sets.

DQ_ATTR void DQ_FN(f16)(const void *w, float *out, size_t n) {
    const uint8_t *b = (const uint8_t *)w;
    size_t i = 0;
#if DQ_WIDE
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(out + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(b + 2 * i))));
#endif
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, _mm256_cvtph_ps(ck_load128(b + 2 * i)));
    for (; i < n; i++) out[i] = ck_f16(b + 2 * i);
}

DQ_ATTR void DQ_FN(bf16)(const void *w, float *out, size_t n) {
    const uint8_t *b = (const uint8_t *)w;
    size_t i = 0;
#if DQ_WIDE
    for (; i + 16 <= n; i += 16) {
        const __m512i wide = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(b + 2 * i)));
        _mm512_storeu_ps(out + i, _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16)));
    }
#endif
    for (; i + 8 <= n; i += 8) {
        const __m256i wide = _mm256_cvtepu16_epi32(ck_load128(b + 2 * i));
        _mm256_storeu_ps(out + i, _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16)));
    }
    for (; i < n; i++) {
        uint16_t h;
        memcpy(&h, b + 2 * i, 2);
        const uint32_t bits = (uint32_t)h << 16;
        memcpy(out + i, &bits, 4);
    }
}

// Legacy blocks: ck_legacy_nibbles gives the 32 codes in element order.

DQ_ATTR void DQ_FN(q4_0)(const void *w, float *out, size_t n) {
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 32; i++, b += CK_Q4_0, out += 32) {
        const float d = ck_f16(b);
        const __m256i q = _mm256_sub_epi8(ck_legacy_nibbles(b + 2), _mm256_set1_epi8(8));
        DQ_FN(mul16)(out, _mm256_castsi256_si128(q), d);
        DQ_FN(mul16)(out + 16, _mm256_extracti128_si256(q, 1), d);
    }
}

DQ_ATTR void DQ_FN(q4_1)(const void *w, float *out, size_t n) {
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 32; i++, b += CK_Q4_1, out += 32) {
        const float d = ck_f16(b), m = ck_f16(b + 2);
        const __m256i q = ck_legacy_nibbles(b + 4);
        DQ_FN(muladd16)(out, _mm256_castsi256_si128(q), d, m);
        DQ_FN(muladd16)(out + 16, _mm256_extracti128_si256(q, 1), d, m);
    }
}

DQ_ATTR void DQ_FN(q5_0)(const void *w, float *out, size_t n) {
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 32; i++, b += CK_Q5_0, out += 32) {
        const float d = ck_f16(b);
        const __m256i five = _mm256_or_si256(ck_legacy_nibbles(b + 6), ck_fifth_bits(ck_u32(b + 2)));
        const __m256i q = _mm256_sub_epi8(five, _mm256_set1_epi8(16));
        DQ_FN(mul16)(out, _mm256_castsi256_si128(q), d);
        DQ_FN(mul16)(out + 16, _mm256_extracti128_si256(q, 1), d);
    }
}

DQ_ATTR void DQ_FN(q5_1)(const void *w, float *out, size_t n) {
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 32; i++, b += CK_Q5_1, out += 32) {
        const float d = ck_f16(b), m = ck_f16(b + 2);
        const __m256i q = _mm256_or_si256(ck_legacy_nibbles(b + 8), ck_fifth_bits(ck_u32(b + 4)));
        DQ_FN(muladd16)(out, _mm256_castsi256_si128(q), d, m);
        DQ_FN(muladd16)(out + 16, _mm256_extracti128_si256(q, 1), d, m);
    }
}

DQ_ATTR void DQ_FN(q8_0)(const void *w, float *out, size_t n) {
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 32; i++, b += CK_Q8_0, out += 32) {
        const float d = ck_f16(b);
        DQ_FN(mul16)(out, ck_load128(b + 2), d);
        DQ_FN(mul16)(out + 16, ck_load128(b + 18), d);
    }
}

// K-quants. Element e = 128h + 32k + l (l < 32): its 2-bit code sits in byte 32h + l of qs at bits
// 2k; high bits (q3_K hmask, q5_K qh) in byte l at bit e / 32; 4-bit codes in byte 32(e/64) + l.

DQ_ATTR void DQ_FN(q2_K)(const void *w, float *out, size_t n) {
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 256; i++, b += CK_Q2_K, out += 256) {
        const float d = ck_f16(b + 80), dmin = ck_f16(b + 82);
        for (int h = 0; h < 2; h++) {
            const __m256i qs = ck_load256(b + 16 + 32 * h);
            for (int k = 0; k < 4; k++) {
                const __m256i q = dq_two_bits(qs, k);
                const int j = 8 * h + 2 * k;
                const uint8_t s0 = b[j], s1 = b[j + 1];
                const float dl0 = d * (float)(s0 & 0x0F), ml0 = dmin * (float)(s0 >> 4);
                const float dl1 = d * (float)(s1 & 0x0F), ml1 = dmin * (float)(s1 >> 4);
                float *o = out + 128 * h + 32 * k;
                DQ_FN(mulsub16)(o, _mm256_castsi256_si128(q), dl0, ml0);
                DQ_FN(mulsub16)(o + 16, _mm256_extracti128_si256(q, 1), dl1, ml1);
            }
        }
    }
}

DQ_ATTR void DQ_FN(q3_K)(const void *w, float *out, size_t n) {
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 256; i++, b += CK_Q3_K, out += 256) {
        const float d = ck_f16(b + 108);
        int8_t scales[16];
        _mm_storeu_si128((__m128i *)scales, ck_q3_K_scales(b + 96));
        const __m256i hmask = ck_load256(b);
        for (int h = 0; h < 2; h++) {
            const __m256i qs = ck_load256(b + 32 + 32 * h);
            for (int k = 0; k < 4; k++) {
                // q = two bits - (high bit set ? 0 : 4)
                const __m256i high = _mm256_slli_epi16(dq_bit(hmask, 4 * h + k), 2);
                const __m256i q = _mm256_sub_epi8(_mm256_or_si256(dq_two_bits(qs, k), high), _mm256_set1_epi8(4));
                const int j = 8 * h + 2 * k;
                const float dl0 = d * (float)scales[j], dl1 = d * (float)scales[j + 1];
                float *o = out + 128 * h + 32 * k;
                DQ_FN(mul16)(o, _mm256_castsi256_si128(q), dl0);
                DQ_FN(mul16)(o + 16, _mm256_extracti128_si256(q, 1), dl1);
            }
        }
    }
}

DQ_ATTR void DQ_FN(q4_K)(const void *w, float *out, size_t n) {
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 256; i++, b += CK_Q4_K, out += 256) {
        const float d = ck_f16(b), dmin = ck_f16(b + 2);
        uint32_t sc32[2], m32[2];
        ck_scale_min_k4(b + 4, sc32, m32);
        uint8_t sc[8], mn[8];
        memcpy(sc, sc32, 8);
        memcpy(mn, m32, 8);
        for (int c = 0; c < 4; c++) {
            const __m256i qs = ck_load256(b + 16 + 32 * c);
            const __m256i lo = _mm256_and_si256(qs, _mm256_set1_epi8(0x0F));
            const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(qs, 4), _mm256_set1_epi8(0x0F));
            for (int s = 0; s < 2; s++) {
                const int j = 2 * c + s;
                const __m256i q = s == 0 ? lo : hi;
                const float dl = d * (float)sc[j], ml = dmin * (float)mn[j];
                DQ_FN(mulsub16)(out + 32 * j, _mm256_castsi256_si128(q), dl, ml);
                DQ_FN(mulsub16)(out + 32 * j + 16, _mm256_extracti128_si256(q, 1), dl, ml);
            }
        }
    }
}

DQ_ATTR void DQ_FN(q5_K)(const void *w, float *out, size_t n) {
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 256; i++, b += CK_Q5_K, out += 256) {
        const float d = ck_f16(b), dmin = ck_f16(b + 2);
        uint32_t sc32[2], m32[2];
        ck_scale_min_k4(b + 4, sc32, m32);
        uint8_t sc[8], mn[8];
        memcpy(sc, sc32, 8);
        memcpy(mn, m32, 8);
        const __m256i qh = ck_load256(b + 16);
        for (int c = 0; c < 4; c++) {
            const __m256i qs = ck_load256(b + 48 + 32 * c);
            const __m256i lo = _mm256_and_si256(qs, _mm256_set1_epi8(0x0F));
            const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(qs, 4), _mm256_set1_epi8(0x0F));
            for (int s = 0; s < 2; s++) {
                const int j = 2 * c + s;
                const __m256i q = _mm256_or_si256(s == 0 ? lo : hi, _mm256_slli_epi16(dq_bit(qh, j), 4));
                const float dl = d * (float)sc[j], ml = dmin * (float)mn[j];
                DQ_FN(mulsub16)(out + 32 * j, _mm256_castsi256_si128(q), dl, ml);
                DQ_FN(mulsub16)(out + 32 * j + 16, _mm256_extracti128_si256(q, 1), dl, ml);
            }
        }
    }
}

DQ_ATTR void DQ_FN(q6_K)(const void *w, float *out, size_t n) {
    const uint8_t *b = (const uint8_t *)w;
    for (size_t i = 0; i < n / 256; i++, b += CK_Q6_K, out += 256) {
        const float d = ck_f16(b + 208);
        const int8_t *scales = (const int8_t *)(b + 192);
        for (int h = 0; h < 2; h++) {
            const __m256i ql0 = ck_load256(b + 64 * h), ql1 = ck_load256(b + 64 * h + 32);
            const __m256i qh = ck_load256(b + 128 + 32 * h);
            for (int k = 0; k < 4; k++) {
                const __m256i ql = (k & 1) ? ql1 : ql0;
                const __m256i low = _mm256_and_si256(_mm256_srl_epi16(ql, _mm_cvtsi32_si128(4 * (k >> 1))), _mm256_set1_epi8(0x0F));
                const __m256i high = _mm256_slli_epi16(dq_two_bits(qh, k), 4);
                const __m256i q = _mm256_sub_epi8(_mm256_or_si256(low, high), _mm256_set1_epi8(32));
                const int j = 8 * h + 2 * k;
                const float dl0 = d * (float)scales[j], dl1 = d * (float)scales[j + 1];
                float *o = out + 128 * h + 32 * k;
                DQ_FN(mul16)(o, _mm256_castsi256_si128(q), dl0);
                DQ_FN(mul16)(o + 16, _mm256_extracti128_si256(q, 1), dl1);
            }
        }
    }
}

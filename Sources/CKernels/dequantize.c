// Row dequantizers for every weight encoding (see ckernels_gemm.h): the codes of each block are
// unpacked into bytes with AVX2 integer instructions, then widened to f32 and scaled 16 at a time,
// by one zmm (AVX-512) or two ymm (AVX2) per 16 elements. The bodies live in dequantize_body.h,
// included once per instruction set; the exported functions pick one with CK_HAS. Results are
// bit-identical to Dequantize.row: the same f32 products (and differences or sums), unfused.

#include "ckernels_gemm.h"
#include "ck_internal.h"

#ifdef CK_X86

#include <string.h>

extern _Thread_local unsigned ck_gemm_thread_mask;   // gemm.c (ck_gemm_thread_limit)

/// The 32 two-bit codes k (0...3) of a 32-byte group, as bytes 0...3.
CK_INLINE __m256i dq_two_bits(__m256i q, int k) {
    return _mm256_and_si256(_mm256_srl_epi16(q, _mm_cvtsi32_si128(2 * k)), _mm256_set1_epi8(3));
}

/// Bit `bit` of each of 32 bytes, as bytes 0 or 1.
CK_INLINE __m256i dq_bit(__m256i bytes, int bit) {
    return _mm256_and_si256(_mm256_srl_epi16(bytes, _mm_cvtsi32_si128(bit)), _mm256_set1_epi8(1));
}

// MARK: AVX2

CK_INLINE __m256 dq_widen8(__m128i q) { return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q)); }

CK_INLINE void dq_mul16_avx2(float *out, __m128i q, float d) {
    const __m256 vd = _mm256_set1_ps(d);
    _mm256_storeu_ps(out, _mm256_mul_ps(dq_widen8(q), vd));
    _mm256_storeu_ps(out + 8, _mm256_mul_ps(dq_widen8(_mm_srli_si128(q, 8)), vd));
}

CK_INLINE void dq_mulsub16_avx2(float *out, __m128i q, float d, float m) {
    const __m256 vd = _mm256_set1_ps(d), vm = _mm256_set1_ps(m);
    _mm256_storeu_ps(out, _mm256_sub_ps(_mm256_mul_ps(dq_widen8(q), vd), vm));
    _mm256_storeu_ps(out + 8, _mm256_sub_ps(_mm256_mul_ps(dq_widen8(_mm_srli_si128(q, 8)), vd), vm));
}

CK_INLINE void dq_muladd16_avx2(float *out, __m128i q, float d, float m) {
    const __m256 vd = _mm256_set1_ps(d), vm = _mm256_set1_ps(m);
    _mm256_storeu_ps(out, _mm256_add_ps(_mm256_mul_ps(dq_widen8(q), vd), vm));
    _mm256_storeu_ps(out + 8, _mm256_add_ps(_mm256_mul_ps(dq_widen8(_mm_srli_si128(q, 8)), vd), vm));
}

#define DQ_FN(name) dq_##name##_avx2
#define DQ_ATTR static CK_AVX2
#define DQ_WIDE 0
#include "dequantize_body.h"
#undef DQ_FN
#undef DQ_ATTR
#undef DQ_WIDE

// MARK: AVX-512

CK_INLINE512 __m512 dq_widen16(__m128i q) { return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(q)); }

CK_INLINE512 void dq_mul16_avx512(float *out, __m128i q, float d) {
    _mm512_storeu_ps(out, _mm512_mul_ps(dq_widen16(q), _mm512_set1_ps(d)));
}

CK_INLINE512 void dq_mulsub16_avx512(float *out, __m128i q, float d, float m) {
    _mm512_storeu_ps(out, _mm512_sub_ps(_mm512_mul_ps(dq_widen16(q), _mm512_set1_ps(d)), _mm512_set1_ps(m)));
}

CK_INLINE512 void dq_muladd16_avx512(float *out, __m128i q, float d, float m) {
    _mm512_storeu_ps(out, _mm512_add_ps(_mm512_mul_ps(dq_widen16(q), _mm512_set1_ps(d)), _mm512_set1_ps(m)));
}

#define DQ_FN(name) dq_##name##_avx512
#define DQ_ATTR static CK_AVX512
#define DQ_WIDE 1
#include "dequantize_body.h"
#undef DQ_FN
#undef DQ_ATTR
#undef DQ_WIDE

// MARK: Exported

void ck_dequant_f32(const void *w, float *out, size_t n) { memcpy(out, w, 4 * n); }

#define DQ_EXPORT(name)                                                                           \
    void ck_dequant_##name(const void *w, float *out, size_t n) {                                 \
        if (CK_HAS(CK_FEATURE_AVX512) && (ck_gemm_thread_mask & CK_FEATURE_AVX512)) dq_##name##_avx512(w, out, n);                             \
        else dq_##name##_avx2(w, out, n);                                                         \
    }

DQ_EXPORT(f16)
DQ_EXPORT(bf16)
DQ_EXPORT(q4_0)
DQ_EXPORT(q4_1)
DQ_EXPORT(q5_0)
DQ_EXPORT(q5_1)
DQ_EXPORT(q8_0)
DQ_EXPORT(q2_K)
DQ_EXPORT(q3_K)
DQ_EXPORT(q4_K)
DQ_EXPORT(q5_K)
DQ_EXPORT(q6_K)

#else

// Off x86-64 Swift never calls these (ck_cpu_supported() is 0); they exist so the symbols link.
#define CK_TRAP_DEQUANT(NAME) void NAME(const void *w, float *out, size_t n) { (void)w; (void)out; (void)n; __builtin_trap(); }
CK_TRAP_DEQUANT(ck_dequant_f32)
CK_TRAP_DEQUANT(ck_dequant_f16)
CK_TRAP_DEQUANT(ck_dequant_bf16)
CK_TRAP_DEQUANT(ck_dequant_q4_0)
CK_TRAP_DEQUANT(ck_dequant_q4_1)
CK_TRAP_DEQUANT(ck_dequant_q5_0)
CK_TRAP_DEQUANT(ck_dequant_q5_1)
CK_TRAP_DEQUANT(ck_dequant_q8_0)
CK_TRAP_DEQUANT(ck_dequant_q2_K)
CK_TRAP_DEQUANT(ck_dequant_q3_K)
CK_TRAP_DEQUANT(ck_dequant_q4_K)
CK_TRAP_DEQUANT(ck_dequant_q5_K)
CK_TRAP_DEQUANT(ck_dequant_q6_K)

#endif // CK_X86

// VNNI forms of the integer multiply-adds of the q8-path kernels (private to CKernels). The
// instructions are emitted with inline assembly, so one always-inline kernel body compiled for
// AVX2 serves every path: a constant `isa` argument picks AVX2 (vpmaddubsw + vpmaddwd),
// AVX-512 VNNI (EVEX vpdpbusd/vpdpwssd on ymm) or AVX-VNNI (the same, VEX-encoded). Each form
// produces the same int32 lanes (lane i sums bytes 4i...4i+3, or int16 lanes 2i, 2i+1), exactly,
// as long as AVX2's int16 pair sums do not saturate, which the kernels' code ranges guarantee.

#ifndef CK_VNNI_H
#define CK_VNNI_H

#include "ck_internal.h"

#ifdef CK_X86

enum { CK_ISA_AVX2 = 0, CK_ISA_AVX512_VNNI = 1, CK_ISA_AVX_VNNI = 2 };

/// This thread's mask over ck_active_features for the integer kernels (ck_int_thread_limit).
extern _Thread_local unsigned ck_int_thread_mask;

/// The integer path the exported kernels take now (ck_cpu_active() and this thread's limit).
static inline __attribute__((always_inline)) int ck_int_isa(void) {
    const unsigned f = ck_active_features & ck_int_thread_mask;
    if ((f & CK_FEATURE_AVX512) && (f & CK_FEATURE_AVX512_VNNI)) return CK_ISA_AVX512_VNNI;
    if (f & CK_FEATURE_AVX_VNNI) return CK_ISA_AVX_VNNI;
    return CK_ISA_AVX2;
}

/// acc + Σ u*s per 4 bytes (u unsigned, s signed) as int32 lanes.
CK_INLINE __m256i ck_dpbusd(const int isa, __m256i acc, __m256i u, __m256i s) {
    if (isa == CK_ISA_AVX2) return _mm256_add_epi32(acc, ck_pairsum16(_mm256_maddubs_epi16(u, s)));
    if (isa == CK_ISA_AVX_VNNI) __asm__("%{vex%} vpdpbusd %2, %1, %0" : "+x"(acc) : "x"(u), "x"(s));
    else __asm__("vpdpbusd %2, %1, %0" : "+x"(acc) : "x"(u), "x"(s));
    return acc;
}

/// Σ u*s per 4 bytes as int32 lanes (ck_dpbusd from zero).
CK_INLINE __m256i ck_dot_u8s8(const int isa, __m256i u, __m256i s) {
    if (isa == CK_ISA_AVX2) return ck_pairsum16(_mm256_maddubs_epi16(u, s));
    return ck_dpbusd(isa, _mm256_setzero_si256(), u, s);
}

/// acc + Σ a*b per pair of int16 lanes as int32 lanes.
CK_INLINE __m256i ck_dpwssd(const int isa, __m256i acc, __m256i a, __m256i b) {
    if (isa == CK_ISA_AVX2) return _mm256_add_epi32(acc, _mm256_madd_epi16(a, b));
    if (isa == CK_ISA_AVX_VNNI) __asm__("%{vex%} vpdpwssd %2, %1, %0" : "+x"(acc) : "x"(a), "x"(b));
    else __asm__("vpdpwssd %2, %1, %0" : "+x"(acc) : "x"(a), "x"(b));
    return acc;
}

/// The body `call` (an expression using the constant `isa`) instantiated for each path.
#define CK_INT_DISPATCH(call)                                                                     \
    switch (ck_int_isa()) {                                                                       \
    case CK_ISA_AVX512_VNNI: { const int isa = CK_ISA_AVX512_VNNI; return call; }                 \
    case CK_ISA_AVX_VNNI: { const int isa = CK_ISA_AVX_VNNI; return call; }                       \
    default: { const int isa = CK_ISA_AVX2; return call; }                                        \
    }

#endif // CK_X86

#endif

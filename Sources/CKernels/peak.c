// Compute-peak probes for minos-bench: how many f32 multiply-adds and int8 multiply-adds one
// thread can issue per second on the path the kernels take now, so prefill rates can be read as
// a fraction of what the machine can do (FLOPs against its measured peak). Each loop runs twelve
// independent accumulator chains, more than an FMA unit's latency times its throughput on current
// x86 cores, so it is bound by issue width, not by latency.

#include "ck_vnni.h"

#define CK_PEAK_CHAINS(step) step(0) step(1) step(2) step(3) step(4) step(5) step(6) step(7) step(8) step(9) step(10) step(11)

#ifdef CK_X86

static CK_AVX512 double peak_fma512(size_t iterations) {
    const __m512 x = _mm512_set1_ps(0.999f), y = _mm512_set1_ps(0.001f);
#define DECLARE(k) __m512 a##k = _mm512_set1_ps((float)(k));
#define STEP(k) a##k = _mm512_fmadd_ps(a##k, x, y);
#define SUM(k) sum = _mm512_add_ps(sum, a##k);
    CK_PEAK_CHAINS(DECLARE)
    for (size_t i = 0; i < iterations; i++) { CK_PEAK_CHAINS(STEP) }
    __m512 sum = _mm512_setzero_ps();
    CK_PEAK_CHAINS(SUM)
    volatile float sink = _mm512_reduce_add_ps(sum);
    (void)sink;
#undef DECLARE
#undef STEP
#undef SUM
    return (double)iterations * 12 * 16 * 2;
}

static CK_AVX2 double peak_fma256(size_t iterations) {
    const __m256 x = _mm256_set1_ps(0.999f), y = _mm256_set1_ps(0.001f);
#define DECLARE(k) __m256 a##k = _mm256_set1_ps((float)(k));
#define STEP(k) a##k = _mm256_fmadd_ps(a##k, x, y);
#define SUM(k) sum = _mm256_add_ps(sum, a##k);
    CK_PEAK_CHAINS(DECLARE)
    for (size_t i = 0; i < iterations; i++) { CK_PEAK_CHAINS(STEP) }
    __m256 sum = _mm256_setzero_ps();
    CK_PEAK_CHAINS(SUM)
    volatile float sink = ck_hsum_ps(sum);
    (void)sink;
#undef DECLARE
#undef STEP
#undef SUM
    return (double)iterations * 12 * 8 * 2;
}

static CK_AVX512_VNNI double peak_dot512(size_t iterations) {
    __m512i u = _mm512_set1_epi8(3), s = _mm512_set1_epi8(-2);
#define DECLARE(k) __m512i a##k = _mm512_set1_epi32(k);
#define STEP(k) a##k = _mm512_dpbusd_epi32(a##k, u, s);
#define SUM(k) sum = _mm512_add_epi32(sum, a##k);
    CK_PEAK_CHAINS(DECLARE)
    for (size_t i = 0; i < iterations; i++) {
        __asm__("" : "+v"(u), "+v"(s));
        CK_PEAK_CHAINS(STEP)
    }
    __m512i sum = _mm512_setzero_si512();
    CK_PEAK_CHAINS(SUM)
    volatile int sink = _mm512_reduce_add_epi32(sum);
    (void)sink;
#undef DECLARE
#undef STEP
#undef SUM
    return (double)iterations * 12 * 64 * 2;
}

/// AVX-VNNI's vpdpbusd on ymm.
static CK_AVX_VNNI double peak_dot256_vnni(size_t iterations) {
    __m256i u = _mm256_set1_epi8(3), s = _mm256_set1_epi8(-2);
#define DECLARE(k) __m256i a##k = _mm256_set1_epi32(k);
#define STEP(k) a##k = ck_dpbusd(CK_ISA_AVX_VNNI, a##k, u, s);
#define SUM(k) sum = _mm256_add_epi32(sum, a##k);
    CK_PEAK_CHAINS(DECLARE)
    for (size_t i = 0; i < iterations; i++) {
        __asm__("" : "+x"(u), "+x"(s));
        CK_PEAK_CHAINS(STEP)
    }
    __m256i sum = _mm256_setzero_si256();
    CK_PEAK_CHAINS(SUM)
    volatile int sink = _mm256_extract_epi32(sum, 0) + _mm256_extract_epi32(sum, 7);
    (void)sink;
#undef DECLARE
#undef STEP
#undef SUM
    return (double)iterations * 12 * 32 * 2;
}

/// AVX2's vpmaddubsw + vpmaddwd + vpaddd. Its products do not depend on the accumulator, so each
/// chain gets operands of its own (hidden from the compiler every round), or it would compute one
/// product for all chains; six chains fit the 16 ymm registers.
static CK_AVX2 double peak_dot256_avx2(size_t iterations) {
    const __m256i s = _mm256_set1_epi8(-2);
#define CHAINS6(step) step(0) step(1) step(2) step(3) step(4) step(5)
#define DECLARE(k) __m256i a##k = _mm256_set1_epi32(k), u##k = _mm256_set1_epi8(k + 1);
#define HIDE(k) __asm__("" : "+x"(u##k));
#define STEP(k) a##k = ck_dpbusd(CK_ISA_AVX2, a##k, u##k, s);
#define SUM(k) sum = _mm256_add_epi32(sum, a##k);
    CHAINS6(DECLARE)
    for (size_t i = 0; i < iterations; i++) {
        CHAINS6(HIDE)
        CHAINS6(STEP)
    }
    __m256i sum = _mm256_setzero_si256();
    CHAINS6(SUM)
    volatile int sink = _mm256_extract_epi32(sum, 0) + _mm256_extract_epi32(sum, 7);
    (void)sink;
#undef CHAINS6
#undef DECLARE
#undef HIDE
#undef STEP
#undef SUM
    return (double)iterations * 6 * 32 * 2;
}

double ck_peak_f32(size_t iterations) {
    return CK_HAS(CK_FEATURE_AVX512) ? peak_fma512(iterations) : peak_fma256(iterations);
}

double ck_peak_int8(size_t iterations) {
    switch (ck_int_isa()) {
    case CK_ISA_AVX512_VNNI: return peak_dot512(iterations);
    case CK_ISA_AVX_VNNI: return peak_dot256_vnni(iterations);
    default: return peak_dot256_avx2(iterations);
    }
}

#else

double ck_peak_f32(size_t iterations) { (void)iterations; return 0; }
double ck_peak_int8(size_t iterations) { (void)iterations; return 0; }

#endif

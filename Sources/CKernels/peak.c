// Compute-peak probes for minos-bench: how many f32 multiply-adds and int8 multiply-adds one
// thread can issue per second on the path the kernels take now, so prefill rates can be read as
// a fraction of what the machine can do (FLOPs against its measured peak). Each loop runs twelve
// independent accumulator chains, more than an FMA unit's latency times its throughput on current
// x86 cores, so it is bound by issue width, not by latency.

#include "ck_vnni.h"

#define CK_PEAK_CHAINS(step) step(0) step(1) step(2) step(3) step(4) step(5) step(6) step(7) step(8) step(9) step(10) step(11)

#ifdef CK_X86

/// A probe function `name`: `type` accumulators a0...a11 start at `init(k)`; each round hides the
/// operands `u` and `s` from the compiler (`constraint`: "x" for ymm, "v" for zmm) and advances every
/// chain by `step(a, u, s)`; returns the operations done, `per_step` per chain and round.
#define PEAK_PROBE(name, target, type, constraint, u_init, s_init, init, step, add, sink_of, per_step) \
    static target double name(size_t iterations) {                                             \
        type u = u_init, s = s_init;                                                           \
        PEAK_CHAINS_DECLARE(type, init)                                                        \
        for (size_t i = 0; i < iterations; i++) {                                              \
            __asm__("" : "+" constraint(u), "+" constraint(s));                                \
            PEAK_CHAINS_STEP(step)                                                             \
        }                                                                                      \
        type sum = a0;                                                                         \
        PEAK_CHAINS_SUM(add)                                                                   \
        volatile double sink = (double)(sink_of(sum));                                         \
        (void)sink;                                                                            \
        return (double)iterations * 12 * (per_step);                                           \
    }

#define PEAK_CHAINS_DECLARE(type, init) type a0 = init(0), a1 = init(1), a2 = init(2), a3 = init(3), a4 = init(4), \
    a5 = init(5), a6 = init(6), a7 = init(7), a8 = init(8), a9 = init(9), a10 = init(10), a11 = init(11);
#define PEAK_STEP_ONE(step, k) a##k = step(a##k, u, s);
#define PEAK_CHAINS_STEP(step) PEAK_STEP_ONE(step, 0) PEAK_STEP_ONE(step, 1) PEAK_STEP_ONE(step, 2) PEAK_STEP_ONE(step, 3) \
    PEAK_STEP_ONE(step, 4) PEAK_STEP_ONE(step, 5) PEAK_STEP_ONE(step, 6) PEAK_STEP_ONE(step, 7) PEAK_STEP_ONE(step, 8) \
    PEAK_STEP_ONE(step, 9) PEAK_STEP_ONE(step, 10) PEAK_STEP_ONE(step, 11)
#define PEAK_CHAINS_SUM(add) sum = add(add(add(add(sum, a1), add(a2, a3)), add(add(a4, a5), add(a6, a7))), \
    add(add(a8, a9), add(a10, a11)));

// f32: a = a·u + s, with u < 1 so the chains stay finite.
#define F512_INIT(k) _mm512_set1_ps((float)(k))
#define F256_INIT(k) _mm256_set1_ps((float)(k))
#define F512_STEP(a, u, s) _mm512_fmadd_ps(a, u, s)
#define F256_STEP(a, u, s) _mm256_fmadd_ps(a, u, s)
PEAK_PROBE(peak_fma512, CK_AVX512, __m512, "v", _mm512_set1_ps(0.999f), _mm512_set1_ps(0.001f), F512_INIT,
           F512_STEP, _mm512_add_ps, _mm512_reduce_add_ps, 16 * 2)
PEAK_PROBE(peak_fma256, CK_AVX2, __m256, "x", _mm256_set1_ps(0.999f), _mm256_set1_ps(0.001f), F256_INIT,
           F256_STEP, _mm256_add_ps, ck_hsum_ps, 8 * 2)

// int8: a += Σ u·s per 4 bytes (vpdpbusd reads the accumulator, so one pair of operands serves all chains).
#define I512_INIT(k) _mm512_set1_epi32(k)
#define I256_INIT(k) _mm256_set1_epi32(k)
#define I512_STEP(a, u, s) _mm512_dpbusd_epi32(a, u, s)
#define I256_VNNI_STEP(a, u, s) ck_dpbusd(CK_ISA_AVX_VNNI, a, u, s)
#define I256_LANE0(v) _mm256_extract_epi32(v, 0)
PEAK_PROBE(peak_dot512, CK_AVX512_VNNI, __m512i, "v", _mm512_set1_epi8(3), _mm512_set1_epi8(-2), I512_INIT,
           I512_STEP, _mm512_add_epi32, _mm512_reduce_add_epi32, 64 * 2)
PEAK_PROBE(peak_dot256_vnni, CK_AVX_VNNI, __m256i, "x", _mm256_set1_epi8(3), _mm256_set1_epi8(-2), I256_INIT,
           I256_VNNI_STEP, _mm256_add_epi32, I256_LANE0, 32 * 2)

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

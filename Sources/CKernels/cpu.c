// CPU feature detection for the fast tiers: CPUID for what the processor has, XGETBV for what the
// OS saves on a context switch (YMM for AVX2; opmask and ZMM for AVX-512). See ckernels.h.

#include "ck_internal.h"

#ifdef CK_X86
#include <cpuid.h>

static unsigned detect(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int fma = (ecx >> 12) & 1, osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
    const int f16c = (ecx >> 29) & 1;
    if (!(fma && osxsave && avx && f16c)) return 0;
    // XCR0 bits 1 (SSE) and 2 (AVX): the OS saves XMM and YMM registers; bits 5-7: opmask and
    // both halves of the ZMM file.
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    if (!((ebx >> 5) & 1)) return 0;   // AVX2
    unsigned features = CK_FEATURE_AVX2;
    const unsigned leaf7_ebx = ebx, leaf7_ecx = ecx;
    const int os_avx512 = (xcr0_lo & 0xE0) == 0xE0;
    const int f = (leaf7_ebx >> 16) & 1, dq = (leaf7_ebx >> 17) & 1, bw = (leaf7_ebx >> 30) & 1;
    const int vl = (leaf7_ebx >> 31) & 1;
    if (os_avx512 && f && dq && bw && vl) {
        features |= CK_FEATURE_AVX512;
        if ((leaf7_ecx >> 11) & 1) features |= CK_FEATURE_AVX512_VNNI;
    }
    // Leaf 7 subleaf 1: EAX bit 4 AVX-VNNI (VEX-encoded), bit 5 AVX512_BF16.
    if (__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) {
        if ((eax >> 4) & 1) features |= CK_FEATURE_AVX_VNNI;
        if ((features & CK_FEATURE_AVX512) && ((eax >> 5) & 1)) features |= CK_FEATURE_AVX512_BF16;
    }
    return features;
}

static int cached_detected = -1;      // benign race: every thread computes the same value
unsigned ck_active_features = 0;      // written by ck_cpu_limit before kernels run; read by CK_HAS
static int active_set = 0;

unsigned ck_cpu_features(void) {
    int value = __atomic_load_n(&cached_detected, __ATOMIC_RELAXED);
    if (value < 0) {
        value = (int)detect();
        __atomic_store_n(&cached_detected, value, __ATOMIC_RELAXED);
    }
    if (!__atomic_load_n(&active_set, __ATOMIC_ACQUIRE)) {
        __atomic_store_n(&ck_active_features, (unsigned)value, __ATOMIC_RELAXED);
        __atomic_store_n(&active_set, 1, __ATOMIC_RELEASE);
    }
    return (unsigned)value;
}

unsigned ck_cpu_limit(unsigned mask) {
    const unsigned active = ck_cpu_features() & mask;
    __atomic_store_n(&ck_active_features, active, __ATOMIC_RELEASE);
    return active;
}

unsigned ck_cpu_active(void) {
    (void)ck_cpu_features();
    return __atomic_load_n(&ck_active_features, __ATOMIC_ACQUIRE);
}

int ck_cpu_supported(void) { return (ck_cpu_features() & CK_FEATURE_AVX2) != 0; }

#else

unsigned ck_cpu_features(void) { return 0; }
unsigned ck_cpu_limit(unsigned mask) { (void)mask; return 0; }
unsigned ck_cpu_active(void) { return 0; }
int ck_cpu_supported(void) { return 0; }

#endif

// CPU feature detection for the fast tier: AVX2, FMA and F16C, and the OS saving YMM state.
// See ckernels.h.

#include "ck_internal.h"

#ifdef CK_X86
#include <cpuid.h>

static int detect(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int fma = (ecx >> 12) & 1, osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
    const int f16c = (ecx >> 29) & 1;
    if (!(fma && osxsave && avx && f16c)) return 0;
    // XCR0 bits 1 (SSE) and 2 (AVX): the OS saves XMM and YMM registers.
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx >> 5) & 1;   // AVX2
}

int ck_cpu_supported(void) {
    static int cached = -1;   // benign race: every thread computes the same value
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        value = detect();
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}

#else

int ck_cpu_supported(void) { return 0; }

#endif

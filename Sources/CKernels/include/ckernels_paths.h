// Per-thread narrowing of the q8-path integer kernels' instruction sets (ck_dot_*, ck_tile_* of
// ckernels.h and ckernels_iq4.h), so tests can run the AVX2, AVX-VNNI and AVX-512 VNNI paths in
// one process without changing what other threads use (Sources/CKernels/vnni.c).

#ifndef CKERNELS_PATHS_H
#define CKERNELS_PATHS_H

#ifdef __cplusplus
extern "C" {
#endif

/// Limits, for the calling thread only, the features the integer kernels may use to
/// `mask & ck_cpu_active()`; returns the previous mask (initially all bits).
unsigned ck_int_thread_limit(unsigned mask);

#ifdef __cplusplus
}
#endif

#endif

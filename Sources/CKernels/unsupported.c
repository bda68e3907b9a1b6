// Off x86-64 there is no fast tier: ck_cpu_supported() returns 0 (cpu.c), so Swift never calls
// these; they exist only so the symbols link, and trap if reached.

#include "ck_internal.h"

#ifndef CK_X86

#define CK_TRAP_DOT(NAME) float NAME(const void *w, const void *a, size_t n) { (void)w; (void)a; (void)n; __builtin_trap(); }
#define CK_TRAP_FDOT(NAME) float NAME(const void *w, const float *x, size_t n) { (void)w; (void)x; (void)n; __builtin_trap(); }
#define CK_TRAP_QUANT(NAME) void NAME(const float *x, void *out, size_t n) { (void)x; (void)out; (void)n; __builtin_trap(); }
#define CK_TRAP_TILE(NAME)                                                                          \
    void NAME(const void *w, size_t ws, size_t rows, const void *a, size_t as, size_t vectors,      \
              size_t n, float *out, size_t os) {                                                    \
        (void)w; (void)ws; (void)rows; (void)a; (void)as; (void)vectors; (void)n; (void)out; (void)os; \
        __builtin_trap();                                                                           \
    }

CK_TRAP_DOT(ck_dot_q8_0_q8_0)
CK_TRAP_DOT(ck_dot_q4_0_q8_0)
CK_TRAP_DOT(ck_dot_q4_1_q8_1)
CK_TRAP_DOT(ck_dot_q5_0_q8_0)
CK_TRAP_DOT(ck_dot_q5_1_q8_1)
CK_TRAP_DOT(ck_dot_q2_K_q8_K)
CK_TRAP_DOT(ck_dot_q3_K_q8_K)
CK_TRAP_DOT(ck_dot_q4_K_q8_K)
CK_TRAP_DOT(ck_dot_q5_K_q8_K)
CK_TRAP_DOT(ck_dot_q6_K_q8_K)
CK_TRAP_FDOT(ck_dot_f32_f32)
CK_TRAP_FDOT(ck_dot_f16_f32)
CK_TRAP_FDOT(ck_dot_bf16_f32)
CK_TRAP_QUANT(ck_quantize_q8_0)
CK_TRAP_QUANT(ck_quantize_q8_1)
CK_TRAP_QUANT(ck_quantize_q8_K)
CK_TRAP_TILE(ck_tile_q8_0)
CK_TRAP_TILE(ck_tile_q4_0)
CK_TRAP_TILE(ck_tile_q4_1)
CK_TRAP_TILE(ck_tile_q5_0)
CK_TRAP_TILE(ck_tile_q5_1)
CK_TRAP_TILE(ck_tile_q4_K)
CK_TRAP_TILE(ck_tile_q6_K)
CK_TRAP_TILE(ck_tile_f16)

#endif

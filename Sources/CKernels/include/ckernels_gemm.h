// Prefill for the exact activation path: weight rows decoded to f32 once per panel, then an f32
// matrix-matrix product in which every decoded panel serves the whole batch of tokens. Same
// conventions as ckernels.h (call only when ck_cpu_supported(); `n` a whole number of blocks).

#ifndef CKERNELS_GEMM_H
#define CKERNELS_GEMM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Narrows the features this file's functions use, for the calling thread only, to `mask &
/// ck_cpu_active()` (~0u: no narrowing, the default); returns the previous mask. Tests use it to
/// run the AVX2 and AVX-512 bodies side by side without touching the process-wide ck_cpu_limit.
unsigned ck_gemm_thread_limit(unsigned mask);

// MARK: Dequantizers: n elements of a row in its GGML encoding to f32, bit-identical to Kernels'
// Dequantize.row (the same products and differences, in the same order, never fused into FMAs).
// Each picks its AVX-512 or AVX2 body from ck_cpu_active().

typedef void (*ck_dequant_fn)(const void *w, float *out, size_t n);

void ck_dequant_f32(const void *w, float *out, size_t n);
void ck_dequant_f16(const void *w, float *out, size_t n);
void ck_dequant_bf16(const void *w, float *out, size_t n);
void ck_dequant_q4_0(const void *w, float *out, size_t n);
void ck_dequant_q4_1(const void *w, float *out, size_t n);
void ck_dequant_q5_0(const void *w, float *out, size_t n);
void ck_dequant_q5_1(const void *w, float *out, size_t n);
void ck_dequant_q8_0(const void *w, float *out, size_t n);
void ck_dequant_q2_K(const void *w, float *out, size_t n);
void ck_dequant_q3_K(const void *w, float *out, size_t n);
void ck_dequant_q4_K(const void *w, float *out, size_t n);
void ck_dequant_q5_K(const void *w, float *out, size_t n);
void ck_dequant_q6_K(const void *w, float *out, size_t n);

// MARK: Matrix product

/// Rows of one decoded panel.
#define CK_PANEL_ROWS 16
/// Columns (elements of a row) decoded at a time: a multiple of every block size (256).
#define CK_PANEL_COLUMNS 1024
/// Floats of scratch `ck_matrix_exact` needs: CK_PANEL_ROWS x CK_PANEL_COLUMNS (64 KiB).
#define CK_PANEL_FLOATS 16384

/// y[t * y_stride + r] = (row r of w) · (x + t * x_stride) for r < rows, t < tokens, where row r
/// starts at w + r * row_bytes and holds n elements in blocks of `block_elements` elements and
/// `block_bytes` bytes, decoded by `dequant`. Each panel of CK_PANEL_ROWS rows x CK_PANEL_COLUMNS
/// columns is decoded once into `panel` (CK_PANEL_FLOATS floats, no alignment needed) and multiplied
/// into every token; results equal Dot.row's up to the order of f32 additions.
void ck_matrix_exact(ck_dequant_fn dequant, size_t block_elements, size_t block_bytes,
                     const void *w, size_t row_bytes, size_t rows, size_t n,
                     const float *x, size_t x_stride, size_t tokens,
                     float *y, size_t y_stride, float *panel);

/// The f32 product alone: c[t * c_stride + r] (+)= p[r * p_stride ...] · a[t * a_stride ...] over
/// k elements, for r < rows, t < tokens; adds to c when `accumulate` is nonzero.
void ck_gemm_f32(const float *p, size_t p_stride, size_t rows, const float *a, size_t a_stride,
                 size_t tokens, size_t k, float *c, size_t c_stride, int accumulate);

#ifdef __cplusplus
}
#endif

#endif

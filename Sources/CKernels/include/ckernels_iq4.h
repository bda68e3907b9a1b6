// Kernels for GGML's non-linear 4-bit weight formats IQ4_NL and IQ4_XS (layouts in
// Sources/Kernels/IQ4.swift): the fast tier of IQ4's scalar references, with the conventions of
// ckernels.h (n a whole number of blocks: 32 for iq4_nl, 256 for iq4_xs; call only when
// ck_cpu_supported()). Each function picks its widest path (AVX-512 / AVX-512 VNNI / AVX-VNNI /
// AVX2) from ck_cpu_active() (Sources/CKernels/iq4.c).

#ifndef CKERNELS_IQ4_H
#define CKERNELS_IQ4_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Exact activations: out[v] = dot(weight row w, x + v * x_stride) for v < vectors (1...8), as the
/// ck_rowsf_* kernels of ckernels_float.h (equal to Dot.row up to the order of f32 operations).
void ck_rowsf_iq4_nl(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out);
void ck_rowsf_iq4_xs(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out);
/// The same for a block of rows, as ck_rowsf_*_rows in ckernels_float.h.
void ck_rowsf_iq4_nl_rows(const void *w, size_t row_bytes, size_t rows, size_t n, const float *x, size_t x_stride,
                          size_t vectors, float *y, size_t y_stride);
void ck_rowsf_iq4_xs_rows(const void *w, size_t row_bytes, size_t rows, size_t n, const float *x, size_t x_stride,
                          size_t vectors, float *y, size_t y_stride);

/// n elements decoded into out, bit-identical to Dequantize.row.
void ck_dequant_iq4_nl(const void *w, float *out, size_t n);
void ck_dequant_iq4_xs(const void *w, float *out, size_t n);

/// Integer dot products with quantized activations (iq4_nl with q8_0, iq4_xs with q8_K): the same
/// integer sums as Dot.quantized on every path.
float ck_dot_iq4_nl_q8_0(const void *w, const void *a, size_t n);
float ck_dot_iq4_xs_q8_K(const void *w, const void *a, size_t n);

/// Tiles of up to 4 rows x 4 vectors, as ck_tile_* in ckernels.h (with one vector: exactly the
/// row kernel's results).
void ck_tile_iq4_nl(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                    size_t vectors, size_t n, float *out, size_t out_stride);
void ck_tile_iq4_xs(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                    size_t vectors, size_t n, float *out, size_t out_stride);

#ifdef __cplusplus
}
#endif

#endif

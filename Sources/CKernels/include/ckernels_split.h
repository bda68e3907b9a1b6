// Integer dot products on split activations: f32 activations split into three int8 terms per
// 32-element block (the exact path) or rounded to one (the q8 path's precision), so weight codes
// meet them in VNNI integer multiply-adds instead of being decoded to f32 (Sources/CKernels/split.c;
// the error bound is in Sources/Kernels/SplitDot.swift).
//
// Per block, with d = max|x| / 127: x / d = h + l / 128 + m / 16384 + r, h in -127...127,
// l and m in -64...64, |r| <= 1 / 32768, so every element is carried to within 2^-22 of its
// block's largest magnitude: the f32 model's own precision, not one term's 2^-8.

#ifndef CKERNELS_SPLIT_H
#define CKERNELS_SPLIT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Bytes of one split vector of n elements (n a multiple of 32) in `terms` (3 or 1) terms: 512
/// (256 for one term) per group of 4 blocks, the last group padded.
size_t ck_split_bytes(size_t n, int terms);

/// Encodes n f32 values (n a multiple of 32) into out (ck_split_bytes(n, terms) bytes, 64-byte
/// aligned). Group g of 4 blocks at out + g ck_split_bytes(128, terms): the terms (h, l, m; or h
/// alone), 128 bytes each, as two 64-byte halves (block k's elements 0-15 at 16 k of the first
/// half, 16-31 at 16 k of the second); then 16 int32 sums (lane 4k + p: Σ of 16384 h + 128 l + m,
/// or of h, over block k's elements 4p...4p+3 and 16+4p...16+4p+3, the elements one int32 lane of
/// the kernels holds: for the code bias or the block minimum); then 4 f32 scales (d / 16384, or d,
/// per block); the rest zero. Padding blocks are zero.
void ck_split_encode(const float *x, size_t n, int terms, void *out);

/// The same for K-quant rows (n a multiple of 256): super-block s at out + s (256 terms + 128)
/// bytes holds the terms, 256 bytes each, with the 32-element sub-blocks in element order
/// (`natural`, for Q6_K, Q3_K, Q2_K) or placed as Q4_K's nibbles lie (within each 128: 0, 2 in the first 64
/// bytes, 1, 3 in the next); then 8 f32 scales (d / 16384, or d, per sub-block); then the 8
/// sub-blocks' f32 sums of x; then 16 int32 sums of the combined terms per 16 elements.
size_t ck_split_bytes_k(size_t n, int terms);
void ck_split_encode_k(const float *x, size_t n, int terms, int natural, void *out);

/// Whether the kernels below run here (AVX-512 with VNNI, not narrowed away by ck_cpu_limit or
/// this thread's ck_rowsf_thread_limit). The encoders too need AVX-512.
int ck_split_available(void);

/// y[v * y_stride + r] = dot(weight row r, split vector v in `terms` terms) for r < rows (row r at
/// w + r * row_bytes) and v < vectors (1...8; vector v at a + v * a_stride bytes), n elements a
/// row; legacy types against ck_split_encode's layout. Call only when ck_split_available().
void ck_split_q4_0_rows(const void *w, size_t row_bytes, size_t rows, size_t n, int terms, const void *a,
                        size_t a_stride, size_t vectors, float *y, size_t y_stride);
void ck_split_q4_1_rows(const void *w, size_t row_bytes, size_t rows, size_t n, int terms, const void *a,
                        size_t a_stride, size_t vectors, float *y, size_t y_stride);
void ck_split_q5_0_rows(const void *w, size_t row_bytes, size_t rows, size_t n, int terms, const void *a,
                        size_t a_stride, size_t vectors, float *y, size_t y_stride);
void ck_split_q5_1_rows(const void *w, size_t row_bytes, size_t rows, size_t n, int terms, const void *a,
                        size_t a_stride, size_t vectors, float *y, size_t y_stride);
void ck_split_q8_0_rows(const void *w, size_t row_bytes, size_t rows, size_t n, int terms, const void *a,
                        size_t a_stride, size_t vectors, float *y, size_t y_stride);
void ck_split_iq4_nl_rows(const void *w, size_t row_bytes, size_t rows, size_t n, int terms, const void *a,
                          size_t a_stride, size_t vectors, float *y, size_t y_stride);
/// IQ4_XS (n a multiple of 256) against ck_split_encode's legacy layout too.
void ck_split_iq4_xs_rows(const void *w, size_t row_bytes, size_t rows, size_t n, int terms, const void *a,
                          size_t a_stride, size_t vectors, float *y, size_t y_stride);
/// The same for Q4_K and Q5_K rows against ck_split_encode_k's Q4_K order, Q6_K rows against its
/// natural one.
void ck_split_q4_K_rows(const void *w, size_t row_bytes, size_t rows, size_t n, int terms, const void *a,
                        size_t a_stride, size_t vectors, float *y, size_t y_stride);
void ck_split_q5_K_rows(const void *w, size_t row_bytes, size_t rows, size_t n, int terms, const void *a,
                        size_t a_stride, size_t vectors, float *y, size_t y_stride);
void ck_split_q6_K_rows(const void *w, size_t row_bytes, size_t rows, size_t n, int terms, const void *a,
                        size_t a_stride, size_t vectors, float *y, size_t y_stride);
/// Q2_K and Q3_K rows against the natural order too.
void ck_split_q2_K_rows(const void *w, size_t row_bytes, size_t rows, size_t n, int terms, const void *a,
                        size_t a_stride, size_t vectors, float *y, size_t y_stride);
void ck_split_q3_K_rows(const void *w, size_t row_bytes, size_t rows, size_t n, int terms, const void *a,
                        size_t a_stride, size_t vectors, float *y, size_t y_stride);

#ifdef __cplusplus
}
#endif

#endif

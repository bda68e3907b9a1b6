// Exact-activation kernels: weight rows in their GGML encoding times f32 activation vectors, with
// no rounding of the activations (unlike the integer path in ckernels.h, whose Q8 activations
// move results by about 1%). The engine uses these by default so its results stay within the
// f32 reference's tolerance. Same conventions as ckernels.h; call only when ck_cpu_supported().
// Each kernel takes its AVX-512 path when ck_cpu_active() has CK_FEATURE_AVX512, else its AVX2
// path (Sources/CKernels/rowsf*.c).

#ifndef CKERNELS_FLOAT_H
#define CKERNELS_FLOAT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Largest number of activation vectors one call may take.
#define CK_ROWSF_MAX_VECTORS 8

/// out[v] = dot(weight row w (n elements of the type), x + v * x_stride) for v < vectors (1...8).
void ck_rowsf_q8_0(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out);
void ck_rowsf_q4_0(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out);
void ck_rowsf_q4_1(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out);
void ck_rowsf_q5_0(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out);
void ck_rowsf_q5_1(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out);
void ck_rowsf_q2_K(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out);
void ck_rowsf_q3_K(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out);
void ck_rowsf_q4_K(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out);
void ck_rowsf_q5_K(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out);
void ck_rowsf_q6_K(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out);
void ck_rowsf_f16(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out);
void ck_rowsf_bf16(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out);
void ck_rowsf_f32(const void *w, size_t n, const float *x, size_t x_stride, size_t vectors, float *out);

/// The same for `rows` rows at w, w + row_bytes, ...: y[v * y_stride + r] = dot(row r, x_v), the
/// row loop inside the kernel (a matrix-vector product in one call).
#define CK_ROWSF_ROWS_DECL(name) \
    void name##_rows(const void *w, size_t row_bytes, size_t rows, size_t n, const float *x, size_t x_stride, \
                     size_t vectors, float *y, size_t y_stride);
CK_ROWSF_ROWS_DECL(ck_rowsf_q8_0)
CK_ROWSF_ROWS_DECL(ck_rowsf_q4_0)
CK_ROWSF_ROWS_DECL(ck_rowsf_q4_1)
CK_ROWSF_ROWS_DECL(ck_rowsf_q5_0)
CK_ROWSF_ROWS_DECL(ck_rowsf_q5_1)
CK_ROWSF_ROWS_DECL(ck_rowsf_q2_K)
CK_ROWSF_ROWS_DECL(ck_rowsf_q3_K)
CK_ROWSF_ROWS_DECL(ck_rowsf_q4_K)
CK_ROWSF_ROWS_DECL(ck_rowsf_q5_K)
CK_ROWSF_ROWS_DECL(ck_rowsf_q6_K)
CK_ROWSF_ROWS_DECL(ck_rowsf_f16)
CK_ROWSF_ROWS_DECL(ck_rowsf_bf16)
CK_ROWSF_ROWS_DECL(ck_rowsf_f32)

/// Narrows, for the calling thread only, the features the ck_rowsf_* kernels may use to
/// `mask & ck_cpu_active()` (e.g. CK_FEATURE_AVX2 runs their AVX2 path on an AVX-512 machine);
/// returns the previous mask (initially all bits). For tests that check every path in one process.
unsigned ck_rowsf_thread_limit(unsigned mask);

#ifdef __cplusplus
}
#endif

#endif

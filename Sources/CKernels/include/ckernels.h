// CKernels: the fast (AVX2 + FMA + F16C) tier of Minos's numeric kernels.
//
// Every function here is a faster twin of a scalar reference in Sources/Kernels (Swift), reads
// exactly the same GGML block layouts (documented in Sources/Kernels/LegacyQuants.swift and
// KQuants.swift), and is tested against that reference in Tests/KernelsTests/SIMDKernelTests.swift.
// Swift reaches these through `FastDot` (Sources/Kernels/SIMDDot.swift), which calls them only when
// `ck_cpu_supported()` says the CPU and OS can run them; on any other CPU (or architecture) the
// scalar Swift code runs instead. The AVX2 code is compiled per function with
// __attribute__((target(...))), so this library loads and links on CPUs without AVX2.
//
// Conventions:
//   * `n` is always an element count and must be a whole number of the weight type's blocks
//     (32 for the legacy formats, 256 for K-quants, 1 for f32/f16/bf16).
//   * Pointers need no alignment; data is little-endian as GGUF stores it.
//   * "a" (activations) is one vector quantized to the weight type's ggml vec_dot_type
//     (q8_0 for q4_0/q5_0/q8_0, q8_1 for q4_1/q5_1, q8_K for q2_K..q6_K), as produced by the
//     ck_quantize_* functions (or Kernels' Quantize.row, which gives identical bytes).
//   * Integer sums are exact as long as no activation code is -128, which the quantizers never
//     produce from finite input (their codes are within -127...127).
//   * Tiles compute rows x vectors dot products with rows <= 4 and vectors <= 4:
//     out[v * out_stride + r] = dot(weight row r, activation vector v), where row r starts at
//     w + r * w_stride bytes and vector v at a + v * a_stride bytes. With one vector a tile is the
//     row kernel on each row (exactly its results); with more, each weight block is unpacked once
//     for all vectors. Tiles may prefetch (never read) the 4 rows after the tile.

#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this CPU and OS support AVX2, FMA and F16C (with the OS saving YMM state), else 0.
/// Only then may any other function of this header be called. Always 0 off x86-64.
int ck_cpu_supported(void);

/// Instruction-set features, as bits of ck_cpu_features() / ck_cpu_active().
enum {
    CK_FEATURE_AVX2 = 1,          ///< AVX2 + FMA + F16C, YMM state saved by the OS (the baseline)
    CK_FEATURE_AVX512 = 2,        ///< AVX-512 F, DQ, BW and VL, opmask and ZMM state saved by the OS
    CK_FEATURE_AVX512_VNNI = 4,   ///< AVX512_VNNI (vpdpbusd on 512/256-bit registers)
    CK_FEATURE_AVX512_BF16 = 8,   ///< AVX512_BF16 (vdpbf16ps)
    CK_FEATURE_AVX_VNNI = 16,     ///< AVX-VNNI (VEX-encoded vpdpbusd, e.g. Alder Lake, Zen 5)
};

/// What the CPU has and the OS enables (CPUID + XGETBV), detected once. 0 off x86-64.
unsigned ck_cpu_features(void);
/// Restricts the kernels to `mask & ck_cpu_features()` (e.g. CK_FEATURE_AVX2 alone forces the AVX2
/// fallback); returns the features now in use. Call before any kernel runs (at start-up).
unsigned ck_cpu_limit(unsigned mask);
/// The features the kernels use: ck_cpu_features() unless ck_cpu_limit narrowed them.
unsigned ck_cpu_active(void);

// MARK: Integer dot products: one weight row . one quantized activation vector

float ck_dot_q8_0_q8_0(const void *w, const void *a, size_t n);
float ck_dot_q4_0_q8_0(const void *w, const void *a, size_t n);
float ck_dot_q4_1_q8_1(const void *w, const void *a, size_t n);
float ck_dot_q5_0_q8_0(const void *w, const void *a, size_t n);
float ck_dot_q5_1_q8_1(const void *w, const void *a, size_t n);
float ck_dot_q2_K_q8_K(const void *w, const void *a, size_t n);
float ck_dot_q3_K_q8_K(const void *w, const void *a, size_t n);
float ck_dot_q4_K_q8_K(const void *w, const void *a, size_t n);
float ck_dot_q5_K_q8_K(const void *w, const void *a, size_t n);
float ck_dot_q6_K_q8_K(const void *w, const void *a, size_t n);

// MARK: Float dot products: one weight row . one f32 vector

float ck_dot_f32_f32(const void *w, const float *x, size_t n);
float ck_dot_f16_f32(const void *w, const float *x, size_t n);
float ck_dot_bf16_f32(const void *w, const float *x, size_t n);

// MARK: Activation quantizers (byte-identical to Kernels' Quantize.row)

void ck_quantize_q8_0(const float *x, void *out, size_t n);
void ck_quantize_q8_1(const float *x, void *out, size_t n);
void ck_quantize_q8_K(const float *x, void *out, size_t n);

// MARK: The engine's vector loops (vector_ops.c; AVX2/FMA)

/// Softmax in place over n values; -infinity entries get exactly 0.
void ck_softmax_f32(float *x, size_t n);
/// gate[i] = silu(gate[i]) * up[i].
void ck_swiglu_f32(float *gate, const float *up, size_t n);
/// scores[j] = positions[j * position_stride] > limit ? -infinity : query · key j * scale, key j at
/// keys + j * key_stride (d floats each).
void ck_attend_scores(const float *query, const float *keys, size_t key_stride, size_t count, size_t d,
                      float scale, const int32_t *positions, size_t position_stride, int32_t limit, float *scores);
/// out += Σ weights[j] * value j over the j with weights[j] > 0 (value j at values + j * value_stride).
void ck_attend_values(const float *weights, const float *values, size_t value_stride, size_t count, size_t d,
                      float *out);
/// scores[j] = positions[j] > limit ? -infinity : scores[j] * scale (positions contiguous).
void ck_attend_mask(float *scores, size_t n, float scale, const int32_t *positions, int32_t limit);

// MARK: Whole matrices

/// Weights of a 32-element block type (`rows` rows of `n` elements, `w_stride` bytes apart) times
/// `vectors` activation vectors (`a_stride` bytes apart; Q8_0, or Q8_1 for Q4_1 and Q5_1):
/// out[v * out_stride + r] = dot(row r, vector v). Returns 0 and writes nothing when it cannot take
/// the call (n not whole blocks, no memory for its scratch); the caller then uses the tiles.
#define CK_MATRIX_DECL(NAME)                                                                        \
    int NAME(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride, size_t vectors, \
             size_t n, float *out, size_t out_stride);
CK_MATRIX_DECL(ck_matrix_q8_0)
CK_MATRIX_DECL(ck_matrix_q4_0)
CK_MATRIX_DECL(ck_matrix_q4_1)
CK_MATRIX_DECL(ck_matrix_q5_0)
CK_MATRIX_DECL(ck_matrix_q5_1)
CK_MATRIX_DECL(ck_matrix_iq4_nl)

// MARK: Tiles: up to 4 weight rows x up to 4 activation vectors, each weight block read once

void ck_tile_q8_0(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                  size_t vectors, size_t n, float *out, size_t out_stride);
void ck_tile_q4_0(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                  size_t vectors, size_t n, float *out, size_t out_stride);
void ck_tile_q4_1(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                  size_t vectors, size_t n, float *out, size_t out_stride);
void ck_tile_q5_0(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                  size_t vectors, size_t n, float *out, size_t out_stride);
void ck_tile_q5_1(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                  size_t vectors, size_t n, float *out, size_t out_stride);
void ck_tile_q4_K(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                  size_t vectors, size_t n, float *out, size_t out_stride);
void ck_tile_q6_K(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                  size_t vectors, size_t n, float *out, size_t out_stride);
/// f16 weights against f32 vectors (a_stride in bytes, like every other stride).
void ck_tile_f16(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                 size_t vectors, size_t n, float *out, size_t out_stride);

/// The signature every ck_tile_* kernel shares.
typedef void (*ck_tile_fn)(const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                           size_t vectors, size_t n, float *out, size_t out_stride);

/// out[v * out_stride + r] = dot(row r, vector v) for any number of rows and vectors, walked in
/// `tile`'s 4 x 4 tiles (rows outside, so 4 rows stay in L1 while every vector passes): a whole
/// block of a matrix in one call.
void ck_tile_block(ck_tile_fn tile, const void *w, size_t w_stride, size_t rows, const void *a, size_t a_stride,
                   size_t vectors, size_t n, float *out, size_t out_stride);

// MARK: Compute-peak probes (minos-bench)

/// Runs `iterations` rounds of twelve independent f32 FMA chains on the widest vectors the kernels
/// may use now (AVX-512 or AVX2) and returns the floating-point operations done (2 per lane per FMA).
double ck_peak_f32(size_t iterations);
/// The same with the integer kernels' multiply-add (vpdpbusd on zmm with AVX-512 VNNI, on ymm with
/// AVX-VNNI, AVX2's vpmaddubsw + vpmaddwd + vpaddd otherwise); returns int8 operations (2 per byte pair).
double ck_peak_int8(size_t iterations);

#ifdef __cplusplus
}
#endif

#endif

// The row loop of the ck_rowsf_*_rows kernels (private to CKernels): a block of weight rows through
// one always-inline row body, instantiated per vector count so the row loop sits inside the
// instantiation and a matrix-vector product pays no call per row. Used by rowsf.h's exports and
// by iq4.c. `...` passes extra trailing arguments to the body (iq4's IQ4_XS flag).

#ifndef CK_ROWSF_ROWS_H
#define CK_ROWSF_ROWS_H

/// `rows` consecutive rows (row_bytes apart) through `body` with V vectors, results to y.
#define ROWSF_ROW_LOOP(body, V, ...)                                                          \
    for (size_t r_ = 0; r_ < rows; r_++) {                                                    \
        float o_[V];                                                                          \
        body((const uint8_t *)w + r_ * row_bytes, n, x, x_stride, V, o_ __VA_OPT__(,) __VA_ARGS__); \
        for (size_t v_ = 0; v_ < (V); v_++) y[v_ * y_stride + r_] = o_[v_];                   \
    }

/// ROWSF_ROW_LOOP for `vectors` (1...8).
#define ROWSF_ROWS_SWITCH(body, ...)                                                          \
    switch (vectors) {                                                                        \
    case 1: ROWSF_ROW_LOOP(body, 1, __VA_ARGS__) break;                                       \
    case 2: ROWSF_ROW_LOOP(body, 2, __VA_ARGS__) break;                                       \
    case 3: ROWSF_ROW_LOOP(body, 3, __VA_ARGS__) break;                                       \
    case 4: ROWSF_ROW_LOOP(body, 4, __VA_ARGS__) break;                                       \
    case 5: ROWSF_ROW_LOOP(body, 5, __VA_ARGS__) break;                                       \
    case 6: ROWSF_ROW_LOOP(body, 6, __VA_ARGS__) break;                                       \
    case 7: ROWSF_ROW_LOOP(body, 7, __VA_ARGS__) break;                                       \
    default: ROWSF_ROW_LOOP(body, 8, __VA_ARGS__) break;                                      \
    }

#endif

// Matrix-vector and batched matrix products over GGML-encoded weight matrices, built on `Dot`.
// A weight matrix is `rows` rows of `columns` elements, row-major, each row
// `type.byteCount(elements: columns)` bytes with no padding between rows (GGUF's layout, where
// ne0 = columns is the contiguous dimension).

/// Products of an encoded weight matrix with f32 vectors (y = W·x).
public enum MatMul {
    /// Bytes per weight row; traps when `columns` is not a whole number of blocks.
    @inline(__always)
    static func rowBytes(_ type: GGMLType, _ columns: Int) -> Int {
        guard let bytes = type.byteCount(elements: columns) else {
            preconditionFailure("MatMul: \(columns) columns is not a whole number of \(type) blocks")
        }
        return bytes
    }

    /// `y[r] = Σ_c W[r][c] * x[c]` for every row `r` (`y` has `rows` elements, `x` has `columns`).
    public static func vector(_ type: GGMLType, weights: UnsafeRawPointer, rows: Int, columns: Int,
                              x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let stride = rowBytes(type, columns)
        for r in 0..<rows {
            y[r] = Dot.row(type, weights + r * stride, x, count: columns)
        }
    }

    /// `vectors` products at once: `xs` holds the vectors one after another (`columns` floats
    /// each) and `ys` receives the results the same way (`rows` floats each), so
    /// `ys[v * rows + r] = W[r] · xs[v * columns ..<]`. Rows are the outer loop, so each weight row
    /// is read once per batch while it is hot in cache.
    public static func matrix(_ type: GGMLType, weights: UnsafeRawPointer, rows: Int, columns: Int,
                              xs: UnsafePointer<Float>, vectors: Int, ys: UnsafeMutablePointer<Float>) {
        let stride = rowBytes(type, columns)
        for r in 0..<rows {
            let row = weights + r * stride
            for v in 0..<vectors {
                ys[v * rows + r] = Dot.row(type, row, xs + v * columns, count: columns)
            }
        }
    }

    /// `vector` on the integer path: `activations` is x quantized with
    /// `Quantize.row(type.dotActivationType!, …, count: columns)`.
    public static func quantizedVector(_ type: GGMLType, weights: UnsafeRawPointer, rows: Int,
                                       columns: Int, activations: UnsafeRawPointer,
                                       y: UnsafeMutablePointer<Float>) {
        let stride = rowBytes(type, columns)
        for r in 0..<rows {
            y[r] = Dot.quantized(type, weights: weights + r * stride, activations: activations, count: columns)
        }
    }

    /// `matrix` on the integer path: `activations` holds `vectors` quantized vectors one after
    /// another, each `activationType.byteCount(elements: columns)` bytes.
    public static func quantizedMatrix(_ type: GGMLType, weights: UnsafeRawPointer, rows: Int,
                                       columns: Int, activations: UnsafeRawPointer, vectors: Int,
                                       ys: UnsafeMutablePointer<Float>) {
        guard let activationType = type.dotActivationType else {
            preconditionFailure("MatMul: no integer dot product for \(type) weights")
        }
        let stride = rowBytes(type, columns)
        let activationStride = rowBytes(activationType, columns)
        for r in 0..<rows {
            let row = weights + r * stride
            for v in 0..<vectors {
                ys[v * rows + r] = Dot.quantized(type, weights: row, activations: activations + v * activationStride,
                                                 count: columns)
            }
        }
    }
}

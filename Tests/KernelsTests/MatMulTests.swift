// MatMul.vector / matrix (and their integer-path twins) against per-row Dot calls and a
// dequantized reference.

import Kernels
import Testing

@Suite("Matrix products")
struct MatMulTests {
    static let types: [GGMLType] = [.f32, .f16, .bf16, .q4_0, .q5_1, .q8_0, .q3_K, .q4_K, .q6_K]

    @Test("vector and matrix equal row-by-row Dot.row and a dequantized reference", arguments: types)
    func floatPath(type: GGMLType) {
        let rows = 5, columns = 512, vectors = 3
        let w = testData(count: rows * columns, seed: 11)
        let weights = encode(type, w)
        let dequantized = decode(type, weights, count: rows * columns)
        let xs = testData(count: vectors * columns, seed: 12)
        let rowBytes = type.byteCount(elements: columns)!

        var y = [Float](repeating: .nan, count: rows)
        var ys = [Float](repeating: .nan, count: rows * vectors)
        weights.withUnsafeBytes { wp in
            xs.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer {
                    MatMul.vector(type, weights: wp.baseAddress!, rows: rows, columns: columns,
                                  x: xp.baseAddress!, y: $0.baseAddress!)
                }
                ys.withUnsafeMutableBufferPointer {
                    MatMul.matrix(type, weights: wp.baseAddress!, rows: rows, columns: columns,
                                  xs: xp.baseAddress!, vectors: vectors, ys: $0.baseAddress!)
                }
            }
        }
        for r in 0..<rows {
            let row = Array(weights[r * rowBytes..<(r + 1) * rowBytes])
            for v in 0..<vectors {
                let x = Array(xs[v * columns..<(v + 1) * columns])
                #expect(ys[v * rows + r] == dot(type, row, x), "matrix[\(v)][\(r)]")
                let reference = referenceDot(Array(dequantized[r * columns..<(r + 1) * columns]), x)
                let scale = zip(dequantized[r * columns..<(r + 1) * columns], x)
                    .reduce(0.0) { $0 + Double(abs($1.0 * $1.1)) }
                expectClose(Double(ys[v * rows + r]), reference, tolerance: "\(type) matrix: 1e-4·Σ|w·x|",
                            bound: 1e-4 * scale + 1e-30)
            }
            #expect(y[r] == ys[r], "vector[\(r)] equals matrix column 0")
        }
    }

    @Test("quantizedVector and quantizedMatrix equal row-by-row Dot.quantized",
          arguments: [GGMLType.q4_0, .q4_1, .q8_0, .q2_K, .q5_K])
    func integerPath(type: GGMLType) {
        let rows = 4, columns = 512, vectors = 2
        let activationType = type.dotActivationType!
        let weights = encode(type, testData(count: rows * columns, seed: 21))
        let xs = testData(count: vectors * columns, seed: 22)
        let activations = encode(activationType, xs)
        let rowBytes = type.byteCount(elements: columns)!
        let activationBytes = activationType.byteCount(elements: columns)!

        var y = [Float](repeating: .nan, count: rows)
        var ys = [Float](repeating: .nan, count: rows * vectors)
        weights.withUnsafeBytes { wp in
            activations.withUnsafeBytes { ap in
                y.withUnsafeMutableBufferPointer {
                    MatMul.quantizedVector(type, weights: wp.baseAddress!, rows: rows, columns: columns,
                                           activations: ap.baseAddress!, y: $0.baseAddress!)
                }
                ys.withUnsafeMutableBufferPointer {
                    MatMul.quantizedMatrix(type, weights: wp.baseAddress!, rows: rows, columns: columns,
                                           activations: ap.baseAddress!, vectors: vectors, ys: $0.baseAddress!)
                }
            }
        }
        for r in 0..<rows {
            let row = Array(weights[r * rowBytes..<(r + 1) * rowBytes])
            for v in 0..<vectors {
                let q8 = Array(activations[v * activationBytes..<(v + 1) * activationBytes])
                #expect(ys[v * rows + r] == quantizedDot(type, row, q8, count: columns), "[\(v)][\(r)]")
            }
            #expect(y[r] == ys[r])
        }
    }
}

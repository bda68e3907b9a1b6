import ArgumentParser
import Foundation
import Kernels

/// `minos-bench kernels`: how fast one thread streams weights through the matrix-vector kernels,
/// in GB/s of weight bytes, for the FFN-sized matrix of the reference model (4864 × 896).
struct KernelsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "GB/s of weight bytes through the matrix-vector kernels on one thread (exact and Q8-activation paths).")

    @Option(help: "Rows of the matrix.")
    var rows = 4864

    @Option(help: "Columns of the matrix (a multiple of 256 for K-quants; others fall back as in make-model).")
    var columns = 896

    @Option(help: "Repeats (median reported).")
    var repeats = 20

    func run() throws {
        print("minos-bench kernels: \(rows) x \(columns) matrix times one vector, one thread; SIMD tier: \(FastDot.tier)")
        print("type    bytes/row   exact GB/s   Q8-activation GB/s")
        var generator = SystemRandomNumberGenerator()
        let x = (0..<columns).map { _ in Float.random(in: -1...1, using: &generator) }
        for type in [GGMLType.f16, .q8_0, .q5_0, .q4_0, .q4_K, .q6_K] {
            let width = type.blockSize == 256 ? (columns + 255) / 256 * 256 : columns
            guard let rowBytes = type.byteCount(elements: width) else { continue }
            let weights = UnsafeMutableRawPointer.allocate(byteCount: rows * rowBytes, alignment: 64)
            defer { weights.deallocate() }
            let values = (0..<width).map { _ in Float.random(in: -1...1, using: &generator) }
            values.withUnsafeBufferPointer { v in
                for r in 0..<rows { Quantize.row(type, from: v.baseAddress!, into: weights + r * rowBytes, count: width) }
            }
            let input = (0..<width).map { x[$0 % columns] }
            var out = [Float](repeating: 0, count: rows)
            let exact = measure {
                input.withUnsafeBufferPointer { xb in
                    out.withUnsafeMutableBufferPointer { o in
                        for r in 0..<rows {
                            ExactDot.rows(type, weights: weights + r * rowBytes, count: width, x: xb.baseAddress!, xStride: width, vectors: 1, out: o.baseAddress! + r)
                        }
                    }
                }
            }
            var quantizedText = "-"
            if let activation = type.dotActivationType, let activationBytes = activation.byteCount(elements: width) {
                let q8 = UnsafeMutableRawPointer.allocate(byteCount: activationBytes, alignment: 64)
                defer { q8.deallocate() }
                let seconds = measure {
                    input.withUnsafeBufferPointer { FastDot.quantizeActivations(activation, from: $0.baseAddress!, into: q8, count: width) }
                    out.withUnsafeMutableBufferPointer { o in
                        FastDot.matrix(type, weights: weights, rows: 0..<rows, columns: width, activations: q8, vectors: 1,
                                       results: o.baseAddress!, resultStride: rows)
                    }
                }
                quantizedText = String(format: "%.1f", Double(rows * rowBytes) / seconds / 1e9)
            }
            print(type.description.padding(toLength: 8, withPad: " ", startingAt: 0)
                  + "\(rowBytes)".padding(toLength: 12, withPad: " ", startingAt: 0)
                  + String(format: "%.1f", Double(rows * rowBytes) / exact / 1e9).padding(toLength: 13, withPad: " ", startingAt: 0)
                  + quantizedText)
        }
    }

    private func measure(_ body: () -> Void) -> Double {
        body()
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = Date()
            body()
            times.append(Date().timeIntervalSince(start))
        }
        return times.sorted()[times.count / 2]
    }
}

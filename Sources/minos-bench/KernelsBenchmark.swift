import ArgumentParser
import Engine
import Foundation
import Kernels

/// `minos-bench kernels`: how fast one thread streams weights through the matrix-vector kernels,
/// in GB/s of weight bytes, for the FFN-sized matrix of the reference model (4864 × 896), for every
/// weight encoding: the exact path on each SIMD path the machine has (native, and AVX2 when the
/// machine has more), with each type's GB/s as a fraction of Q8_0's on the same path, and the
/// Q8-activation path. Where the exact path decodes through the split-activation integer kernels
/// (`SplitDot`: three int8 terms per activation), a column gives their rate too. `--streamed MB`
/// adds the exact decode's rate (split kernels where decode takes them) with weights too large
/// for any cache, split over `--threads` like a decode step: the regime a real model's decode runs in.
struct KernelsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "GB/s of weight bytes through the matrix-vector kernels on one thread (exact and Q8-activation paths), for every weight encoding.")

    @Option(help: "Rows of the matrix.")
    var rows = 4864

    @Option(help: "Columns of the matrix (rounded up to a multiple of 256 for K-quants and IQ4_XS).")
    var columns = 896

    @Option(help: "Repeats (the fastest is reported: on a shared machine it is the one least disturbed).")
    var repeats = 30

    @Option(help: "Activation vectors per call of the exact kernels (1...8; decode is 1).")
    var vectors = 1

    @Option(help: "Also stream this many MB of weights per type (the matrix repeated, past the last-level cache) through the exact kernels with --threads threads, as decode does; 0 skips it.")
    var streamed = 0

    @Option(help: "Threads for the streamed measurement.")
    var threads = 2

    static let types: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q6_K, .q5_1, .q5_0, .q5_K, .q4_1, .q4_0, .q4_K,
                                    .iq4_nl, .iq4_xs, .q3_K, .q2_K]

    func run() throws {
        let vectors = min(max(vectors, 1), ExactDot.maxVectors)
        // The exact kernels' paths: what the CPU runs natively, plus the AVX2 fallback when native is wider.
        var paths: [CPUPath] = []
        if FastDot.tier == .simd {
            paths = CPUPath.active.contains(.avx512) ? [.native, .avx2] : [.native]
        }
        print("minos-bench kernels: \(rows) x \(columns) matrix times \(vectors) vector(s), one thread; SIMD tier: \(FastDot.tier), features: \(CPUPath.active)")
        print("exact GB/s per path; (x) = per weight byte relative to q8_0 on that path; Q8-activation GB/s last")
        var header = "type    bytes/row  "
        for path in paths { header += "exact \(path)".padding(toLength: 20, withPad: " ", startingAt: 0) }
        if paths.isEmpty { header += "exact scalar        " }
        header += "exact split".padding(toLength: 16, withPad: " ", startingAt: 0)
        if streamed > 0 { header += "Q8-activation".padding(toLength: 16, withPad: " ", startingAt: 0) + "exact decode streamed (\(threads) threads)" }
        else { header += "Q8-activation" }
        print(header)
        var generator = SystemRandomNumberGenerator()
        var q8Reference: [CPUPath: Double] = [:]
        var q8Streamed: Double?
        let pool = WorkerPool(threads: max(1, threads))
        for type in Self.types {
            let width = type.blockSize == 256 ? (columns + 255) / 256 * 256 : columns
            guard let rowBytes = type.byteCount(elements: width) else { continue }
            let weights = UnsafeMutableRawPointer.allocate(byteCount: rows * rowBytes, alignment: 64)
            defer { weights.deallocate() }
            let values = (0..<width).map { _ in Float.random(in: -1...1, using: &generator) }
            values.withUnsafeBufferPointer { v in
                for r in 0..<rows { Quantize.row(type, from: v.baseAddress!, into: weights + r * rowBytes, count: width) }
            }
            let input = (0..<(width * vectors)).map { _ in Float.random(in: -1...1, using: &generator) }
            var out = [Float](repeating: 0, count: rows * vectors)
            let bytes = Double(rows * rowBytes)
            var line = type.description.padding(toLength: 8, withPad: " ", startingAt: 0)
                + "\(rowBytes)".padding(toLength: 11, withPad: " ", startingAt: 0)
            for path in paths.isEmpty ? [CPUPath.scalar] : paths {
                let seconds = measure {
                    ExactDot.limiting(to: path) {
                        input.withUnsafeBufferPointer { xb in
                            out.withUnsafeMutableBufferPointer { o in
                                for r in 0..<rows {
                                    ExactDot.rows(type, weights: weights + r * rowBytes, count: width, x: xb.baseAddress!, xStride: width,
                                                  vectors: vectors, out: o.baseAddress! + r * vectors)
                                }
                            }
                        }
                    }
                }
                let rate = bytes / seconds / 1e9
                if type == .q8_0 { q8Reference[path] = rate }
                let ratio = q8Reference[path].map { String(format: " (%.2f)", rate / $0) } ?? ""
                line += (String(format: "%.1f", rate) + ratio).padding(toLength: 20, withPad: " ", startingAt: 0)
            }
            var splitText = "-"
            if SplitDot.isAvailable(for: type) {
                let stride = SplitDot.byteCount(for: type, elements: width, terms: .three)
                let split = UnsafeMutableRawPointer.allocate(byteCount: stride * vectors, alignment: 64)
                defer { split.deallocate() }
                let seconds = measure {
                    input.withUnsafeBufferPointer { xb in
                        for v in 0..<vectors {
                            SplitDot.encode(xb.baseAddress! + v * width, count: width, for: type, terms: .three, into: split + v * stride)
                        }
                    }
                    out.withUnsafeMutableBufferPointer { o in
                        SplitDot.block(type, weights: weights, rowBytes: rowBytes, rows: rows, count: width, terms: .three,
                                       activations: split, stride: stride, vectors: vectors, y: o.baseAddress!, yStride: rows)
                    }
                }
                let rate = bytes / seconds / 1e9
                splitText = String(format: "%.1f", rate) + (q8Reference[.native].map { String(format: " (%.2f)", rate / $0) } ?? "")
            }
            line += splitText.padding(toLength: 16, withPad: " ", startingAt: 0)
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
                quantizedText = String(format: "%.1f", bytes / seconds / 1e9)
            }
            guard streamed > 0 else {
                print(line + quantizedText)
                continue
            }
            let rate = measureStreamed(type, matrix: UnsafeRawPointer(weights), rowBytes: rowBytes, width: width, input: input, pool: pool)
            if type == .q8_0 { q8Streamed = rate }
            let ratio = q8Streamed.map { String(format: " (%.2f)", rate / $0) } ?? ""
            print(line + quantizedText.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%.1f", rate) + ratio)
        }
    }

    /// GB/s of weight bytes through the exact decode's kernels (native path, one vector: the split
    /// kernels where available, else the f32 block kernels) over `streamed` MB of copies of
    /// `matrix`, rows split between the pool's threads; fastest of up to 5 passes.
    private func measureStreamed(_ type: GGMLType, matrix: UnsafeRawPointer, rowBytes: Int, width: Int, input: [Float],
                                 pool: WorkerPool) -> Double {
        let matrixBytes = rows * rowBytes
        let copies = max(1, (streamed << 20) / matrixBytes)
        let total = copies * rows
        let big = UnsafeMutableRawPointer.allocate(byteCount: copies * matrixBytes, alignment: 64)
        defer { big.deallocate() }
        for copy in 0..<copies { (big + copy * matrixBytes).copyMemory(from: matrix, byteCount: matrixBytes) }
        let out = UnsafeMutablePointer<Float>.allocate(capacity: total)
        defer { out.deallocate() }
        let x = UnsafeMutablePointer<Float>.allocate(capacity: input.count)
        defer { x.deallocate() }
        x.initialize(from: input, count: input.count)
        let splits = SplitDot.isAvailable(for: type)
        let split = UnsafeMutableRawPointer.allocate(byteCount: SplitDot.byteCount(for: type, elements: width, terms: .three),
                                                     alignment: 64)
        defer { split.deallocate() }
        let shared = (weights: UnsafeSendablePointer(big.assumingMemoryBound(to: UInt8.self)), x: UnsafeSendablePointer(x),
                      out: UnsafeSendablePointer(out), split: UnsafeSendablePointer(split.assumingMemoryBound(to: UInt8.self)))
        let seconds = measure(times: min(repeats, 5)) {
            if splits { SplitDot.encode(x, count: width, for: type, terms: .three, into: split) }
            pool.parallelRanges(total, minimum: 64) { range in
                let weights = shared.weights.pointer + range.lowerBound * rowBytes, y = shared.out.pointer + range.lowerBound
                if splits {
                    SplitDot.block(type, weights: weights, rowBytes: rowBytes, rows: range.count, count: width, terms: .three,
                                   activations: shared.split.pointer, stride: 0, vectors: 1, y: y, yStride: total)
                } else {
                    ExactDot.block(type, weights: weights, rowBytes: rowBytes, rows: range.count, count: width,
                                   x: shared.x.pointer, xStride: width, vectors: 1, y: y, yStride: total)
                }
            }
        }
        return Double(copies * matrixBytes) / seconds / 1e9
    }

    private func measure(times count: Int? = nil, _ body: () -> Void) -> Double {
        body()
        var times: [Double] = []
        for _ in 0..<(count ?? repeats) {
            let start = Date()
            body()
            times.append(Date().timeIntervalSince(start))
        }
        return times.min()!
    }
}

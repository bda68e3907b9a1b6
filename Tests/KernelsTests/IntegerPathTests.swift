// The q8-path integer kernels on every instruction-set path this machine has (AVX2, AVX-VNNI,
// AVX-512 VNNI), each forced on the test's own thread with FastDot.limitingIntegerPath: every path
// must give bit-identical rows and tiles (the same integer sums, scaled in the same order).

import Kernels
import Testing

@Suite("Integer kernels: every CPU path gives the same bits")
struct IntegerPathTests {
    static let hardware = FastDot.tier == .simd

    /// The feature sets to force, widest last; duplicates (on machines without VNNI) collapse.
    static var paths: [CPUPath.Features] {
        let active = CPUPath.active
        var out: [CPUPath.Features] = [[.avx2]]
        if active.contains(.avxVNNI) { out.append([.avx2, .avxVNNI]) }
        if active.contains([.avx512, .avx512VNNI]) { out.append([.avx2, .avx512, .avx512VNNI]) }
        return out
    }

    static let types: [GGMLType] = [.q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K,
                                    .iq4_nl, .iq4_xs]

    @Test("rows and 4×4 tiles agree bit for bit across paths", .enabled(if: hardware), arguments: types)
    func pathsAgree(type: GGMLType) {
        let activationType = type.dotActivationType!
        let count = type.blockSize == 256 ? 1024 : 800
        let rows = 4, vectors = 4
        let rowBytes = type.byteCount(elements: count)!, actBytes = activationType.byteCount(elements: count)!
        let weights = (0..<rows).flatMap { encode(type, testData(count: count, seed: UInt64(7 + $0))) }
        let activations = (0..<vectors).flatMap { encode(activationType, testData(count: count, seed: UInt64(70 + $0))) }
        var results: [(CPUPath.Features, [Float])] = []
        for path in Self.paths {
            let got: [Float] = FastDot.limitingIntegerPath(to: path) {
                var out = [Float](repeating: 0, count: rows * vectors + rows)
                weights.withUnsafeBytes { w in
                    activations.withUnsafeBytes { a in
                        out.withUnsafeMutableBufferPointer { o in
                            FastDot.tile(type, weights: w.baseAddress!, rowStride: rowBytes, rows: rows,
                                         activations: a.baseAddress!, activationStride: actBytes, vectors: vectors,
                                         count: count, results: o.baseAddress!, resultStride: rows)
                            for r in 0..<rows {
                                o[rows * vectors + r] = FastDot.row(type, weights: w.baseAddress! + r * rowBytes,
                                                                    activations: a.baseAddress!, count: count)
                            }
                        }
                    }
                }
                return out
            }
            results.append((path, got))
        }
        let (basePath, base) = results[0]
        for (path, got) in results.dropFirst() {
            let differing = (0..<base.count).filter { base[$0].bitPattern != got[$0].bitPattern }
            #expect(differing.isEmpty,
                    "\(type): \(path) differs from \(basePath) at \(differing.map { "\($0): \(got[$0]) vs \(base[$0])" })")
        }
        // and the widest path agrees with the scalar reference
        let reference = (0..<rows).map { r in
            quantizedDot(type, Array(weights[r * rowBytes..<(r + 1) * rowBytes]), Array(activations[0..<actBytes]), count: count)
        }
        for r in 0..<rows {
            let got = results.last!.1[rows * vectors + r]
            #expect(abs(got - reference[r]) <= 1e-4 * max(1, abs(reference[r])),
                    "\(type) row \(r): \(got) vs scalar \(reference[r])")
        }
    }
}

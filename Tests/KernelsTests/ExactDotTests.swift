import Kernels
import Testing

@Suite("Exact-activation kernels")
struct ExactDotTests {
    static let types: [GGMLType] = [.q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq4_nl, .iq4_xs,
                                    .f16, .bf16, .f32]

    /// The SIMD paths `ExactDot.rows` can take here (after MINOS_CPU / MINOS_DISABLE_SIMD): none on
    /// the scalar tier, where `rows` is `Dot.row` itself.
    static var paths: [CPUPath] {
        guard FastDot.tier == .simd else { return [] }
        return CPUPath.active.contains(.avx512) ? [.avx2, .avx512] : [.avx2]
    }

    /// Bound on |kernel - reference| relative to Σ|w·x| (w the decoded weights): f32 round-off of a
    /// few thousand products summed in several partial sums. Observed differences are near 2e-8.
    static let relativeBound = 1e-5

    @Test("match Dot.row and a double-precision reference on every path, for 1...8 vectors",
          arguments: types, [256, 800, 896, 4864, 4871])
    func matchesReferences(type: GGMLType, columns: Int) throws {
        guard let rowBytes = type.byteCount(elements: columns) else { return }   // whole blocks only
        var generator = SplitMix64(seed: UInt64(type.rawValue) << 16 | UInt64(columns))
        let values = (0..<columns).map { _ in Float.random(in: -2...2, using: &generator) }
        var row = [UInt8](repeating: 0, count: rowBytes)
        var weights = [Float](repeating: 0, count: columns)
        values.withUnsafeBufferPointer { v in
            row.withUnsafeMutableBytes { r in
                Quantize.row(type, from: v.baseAddress!, into: r.baseAddress!, count: columns)
                weights.withUnsafeMutableBufferPointer { Dequantize.row(type, from: r.baseAddress!, into: $0.baseAddress!, count: columns) }
            }
        }
        let vectors = ExactDot.maxVectors
        let x = (0..<(columns * vectors)).map { _ in Float.random(in: -3...3, using: &generator) }
        var exact = [Double](repeating: 0, count: vectors), magnitude = [Double](repeating: 0, count: vectors)
        var scalar = [Float](repeating: 0, count: vectors)
        for v in 0..<vectors {
            for i in 0..<columns {
                let product = Double(weights[i]) * Double(x[v * columns + i])
                exact[v] += product
                magnitude[v] += abs(product)
            }
            scalar[v] = row.withUnsafeBytes { r in x.withUnsafeBufferPointer { Dot.row(type, r.baseAddress!, $0.baseAddress! + v * columns, count: columns) } }
            #expect(abs(Double(scalar[v]) - exact[v]) <= Self.relativeBound * magnitude[v],
                    "Dot.row \(type) \(columns): \(scalar[v]) vs \(exact[v])")
        }
        for path in Self.paths {
            var worst = 0.0
            for count in 1...vectors {
                var out = [Float](repeating: .nan, count: count)
                ExactDot.limiting(to: path) {
                    row.withUnsafeBytes { r in
                        x.withUnsafeBufferPointer { xb in
                            out.withUnsafeMutableBufferPointer { ExactDot.rows(type, weights: r.baseAddress!, count: columns, x: xb.baseAddress!, xStride: columns, vectors: count, out: $0.baseAddress!) }
                        }
                    }
                }
                for v in 0..<count {
                    let difference = max(abs(Double(out[v]) - exact[v]), Double(abs(out[v] - scalar[v])))
                    worst = out[v].isFinite ? max(worst, difference / magnitude[v]) : .infinity
                }
            }
            #expect(worst <= Self.relativeBound,
                    "\(type) \(columns) columns on \(path): worst difference \(worst) of Σ|w·x| > \(Self.relativeBound)")
        }
    }

    @Test("a block of rows in one call equals each row alone, bit for bit, on every path and vector count",
          arguments: types)
    func blockEqualsRows(type: GGMLType) throws {
        let columns = 512, rows = 5
        guard let rowBytes = type.byteCount(elements: columns) else { return }
        var generator = SplitMix64(seed: 77 + UInt64(type.rawValue))
        let values = (0..<(columns * rows)).map { _ in Float.random(in: -2...2, using: &generator) }
        var matrix = [UInt8](repeating: 0, count: rowBytes * rows)
        values.withUnsafeBufferPointer { v in
            matrix.withUnsafeMutableBytes { m in
                for r in 0..<rows { Quantize.row(type, from: v.baseAddress! + r * columns, into: m.baseAddress! + r * rowBytes, count: columns) }
            }
        }
        let x = (0..<(columns * ExactDot.maxVectors)).map { _ in Float.random(in: -3...3, using: &generator) }
        for path in Self.paths + [nil] {
            for count in 1...ExactDot.maxVectors {
                var block = [Float](repeating: .nan, count: count * rows), alone = block
                func run() {
                    matrix.withUnsafeBytes { m in
                        x.withUnsafeBufferPointer { xb in
                            block.withUnsafeMutableBufferPointer {
                                ExactDot.block(type, weights: m.baseAddress!, rowBytes: rowBytes, rows: rows, count: columns,
                                               x: xb.baseAddress!, xStride: columns, vectors: count, y: $0.baseAddress!, yStride: rows)
                            }
                            for r in 0..<rows {
                                var out = [Float](repeating: .nan, count: count)
                                ExactDot.rows(type, weights: m.baseAddress! + r * rowBytes, count: columns, x: xb.baseAddress!,
                                              xStride: columns, vectors: count, out: &out)
                                for v in 0..<count { alone[v * rows + r] = out[v] }
                            }
                        }
                    }
                }
                if let path { ExactDot.limiting(to: path, run) } else { run() }
                #expect(block.map(\.bitPattern) == alone.map(\.bitPattern), "\(type) on \(path.map { "\($0)" } ?? "the active path"), \(count) vectors")
            }
        }
    }

    @Test("every listed encoding is accelerated when the CPU has AVX2")
    func accelerated() {
        if FastDot.hardwareSupported && FastDot.tier == .simd {
            #expect(Self.types.allSatisfy(ExactDot.isAccelerated))
        }
        #expect(!ExactDot.isAccelerated(.q8_K))   // an activation encoding: falls back to Dot.row
    }
}

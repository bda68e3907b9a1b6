import Kernels
import Testing

@Suite("Exact-activation kernels")
struct ExactDotTests {
    static let types: [GGMLType] = [.q8_0, .q4_0, .q5_0, .q4_K, .q6_K, .f16, .f32]

    @Test("match Dot.row for every vector count and width", arguments: types, [256, 896, 4864])
    func matchesScalar(type: GGMLType, columns: Int) throws {
        guard type.byteCount(elements: columns) != nil else { return }   // K-quants need multiples of 256
        var generator = SystemRandomNumberGenerator()
        let weights = (0..<columns).map { _ in Float.random(in: -2...2, using: &generator) }
        var row = [UInt8](repeating: 0, count: type.byteCount(elements: columns)!)
        weights.withUnsafeBufferPointer { w in row.withUnsafeMutableBytes { Quantize.row(type, from: w.baseAddress!, into: $0.baseAddress!, count: columns) } }
        let vectors = ExactDot.maxVectors
        let x = (0..<(columns * vectors)).map { _ in Float.random(in: -3...3, using: &generator) }
        for count in 1...vectors {
            var out = [Float](repeating: .nan, count: count)
            row.withUnsafeBytes { r in
                x.withUnsafeBufferPointer { xb in
                    out.withUnsafeMutableBufferPointer { ExactDot.rows(type, weights: r.baseAddress!, count: columns, x: xb.baseAddress!, xStride: columns, vectors: count, out: $0.baseAddress!) }
                }
            }
            for v in 0..<count {
                let reference = row.withUnsafeBytes { r in x.withUnsafeBufferPointer { Dot.row(type, r.baseAddress!, $0.baseAddress! + v * columns, count: columns) } }
                // Tolerance: f32 round-off of a sum of `columns` products, relative to Σ|w·x|.
                let magnitude = (0..<columns).reduce(Float(0)) { $0 + abs(weights[$1] * x[v * columns + $1]) }
                let tolerance = 1e-5 * magnitude
                #expect(abs(out[v] - reference) <= tolerance,
                        "\(type) \(columns) columns, vector \(v) of \(count): \(out[v]) vs \(reference), difference \(abs(out[v] - reference)) > \(tolerance)")
            }
        }
    }

    @Test("accelerated on this machine when the CPU has AVX2")
    func accelerated() {
        if FastDot.hardwareSupported && FastDot.tier == .simd {
            #expect(Self.types.allSatisfy(ExactDot.isAccelerated))
        }
        #expect(!ExactDot.isAccelerated(.q2_K))   // falls back to Dot.row
    }
}

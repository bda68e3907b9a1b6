// The exact path's prefill kernels: the C row decoders against Dequantize.row (bit for bit), and
// ExactMatrix.multiply against a double-precision reference, on every CPU path this machine runs.

import Foundation
import Kernels
import Testing

@Suite("Exact prefill: panel decoders and the f32 matrix product")
struct ExactMatrixTests {
    static let types: [GGMLType] = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0,
                                    .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq4_nl, .iq4_xs]

    /// The SIMD bodies the kernels can take here (after MINOS_CPU / MINOS_DISABLE_SIMD); none on the
    /// scalar tier, where `multiply` is the scalar reference.
    static var paths: [CPUPath] {
        guard FastDot.tier == .simd else { return [] }
        return CPUPath.active.contains(.avx512) ? [.avx2, .avx512] : [.avx2]
    }

    /// Bound on |result - exact| relative to Σ|w·x| (w the decoded weights): f32 round-off of up to
    /// ~1300 products summed in 16-lane partial sums and 1024-column chunks. Observed: below 1e-7.
    static let relativeBound = 1e-5

    /// Byte offsets of each block's f16 scale fields, which the random blocks keep finite (F16C
    /// quiets signalling NaNs, Dequantize.row keeps them; weights hold no NaNs).
    static func scaleOffsets(_ type: GGMLType) -> [Int] {
        switch type {
        case .q4_0, .q5_0, .q8_0: return [0]
        case .q4_1, .q5_1, .q4_K, .q5_K: return [0, 2]
        case .q2_K: return [80, 82]
        case .q3_K: return [108]
        case .q6_K: return [208]
        default: return []
        }
    }

    /// A row of random bytes (every code and packed scale pattern), with finite f16 scales from
    /// 1e-7 (subnormal) to 10.
    static func randomRow(_ type: GGMLType, count: Int, seed: UInt64) -> [UInt8] {
        var random = TestRandom(seed: seed)
        var bytes = (0..<type.byteCount(elements: count)!).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        func finiteF16() -> UInt16 {
            let magnitude = Float(pow(10, Double(random.uniform(-7, 1))))
            return Half.f16(from: random.next() & 1 == 0 ? magnitude : -magnitude)
        }
        func put(_ value: UInt16, at offset: Int) {
            bytes[offset] = UInt8(value & 0xFF)
            bytes[offset + 1] = UInt8(value >> 8)
        }
        if type == .f16 {
            for i in 0..<count { put(finiteF16(), at: 2 * i) }
        }
        for block in 0..<(count / type.blockSize) {
            for offset in scaleOffsets(type) { put(finiteF16(), at: block * type.typeSize + offset) }
        }
        return bytes
    }

    /// `testData` for any count (it fills whole 32-element stretches).
    static func values(count: Int, seed: UInt64) -> [Float] {
        Array(testData(count: (count + 31) / 32 * 32, seed: seed).prefix(count))
    }

    @Test("C decoders equal Dequantize.row bit for bit, on every path", arguments: types)
    func decodersMatchReference(type: GGMLType) {
        let counts = type.blockSize == 1 ? [1, 15, 37, 771] : [type.blockSize, 3 * 256]
        for (index, count) in counts.enumerated() {
            let random = Self.randomRow(type, count: count, seed: UInt64(type.rawValue) << 8 | UInt64(index))
            let quantized = encode(type, Self.values(count: count, seed: UInt64(index) + 77))
            for bytes in [random, quantized] {
                let reference = decode(type, bytes, count: count)
                for path in Self.paths {
                    var out = [Float](repeating: .nan, count: count)
                    let ran = ExactMatrix.limiting(to: path) {
                        bytes.withUnsafeBytes { b in
                            out.withUnsafeMutableBufferPointer {
                                ExactMatrix.dequantize(type, from: b.baseAddress!, into: $0.baseAddress!, count: count)
                            }
                        }
                    }
                    #expect(ran, "\(type) has no C decoder")
                    let mismatch = (0..<count).first { out[$0].bitPattern != reference[$0].bitPattern }
                    #expect(mismatch == nil,
                            "\(type) on \(path), \(count) elements: element \(mismatch ?? -1) is \(out[mismatch ?? 0]), reference \(reference[mismatch ?? 0])")
                }
            }
        }
    }

    @Test("multiply matches a double-precision reference for ragged rows and 1...37 tokens",
          arguments: types)
    func multiplyMatchesReference(type: GGMLType) {
        // Columns span two 1024-column panels; rows 3..<40 of 45 cover partial 16-row panels and
        // partial 4-row tiles, and leave rows outside the range for checking they stay untouched.
        let columns = type.blockSize == 1 ? 1029 : (type.blockSize == 32 ? 1056 : 1280)
        let totalRows = 45, rows = 3..<40, maxTokens = 37
        let rowBytes = type.byteCount(elements: columns)!
        var weights = [UInt8]()
        var decoded = [Float]()
        for r in 0..<totalRows {
            let row = encode(type, Self.values(count: columns, seed: UInt64(r) * 31 + UInt64(type.rawValue)))
            weights += row
            decoded += decode(type, row, count: columns)
        }
        let x = Self.values(count: maxTokens * columns, seed: 999)
        var exact = [Double](repeating: 0, count: maxTokens * totalRows)
        var magnitude = [Double](repeating: 0, count: maxTokens * totalRows)
        for t in 0..<maxTokens {
            for r in rows {
                var sum = 0.0, size = 0.0
                for i in 0..<columns {
                    let product = Double(decoded[r * columns + i]) * Double(x[t * columns + i])
                    sum += product
                    size += abs(product)
                }
                exact[t * totalRows + r] = sum
                magnitude[t * totalRows + r] = max(size, .leastNormalMagnitude)
            }
        }
        let sentinel: Float = 12345
        enum Variant: CustomStringConvertible {
            case path(CPUPath), scalar
            var description: String {
                switch self {
                case .path(let path): return path.description
                case .scalar: return "scalar reference"
                }
            }
        }
        for variant in Self.paths.map(Variant.path) + [.scalar] {
            for tokens in [1, 2, 3, 5, 6, 7, 13, 37] {
                var y = [Float](repeating: sentinel, count: tokens * totalRows)
                weights.withUnsafeBytes { w in
                    x.withUnsafeBufferPointer { xb in
                        y.withUnsafeMutableBufferPointer { yb in
                            switch variant {
                            case .path(let path):
                                ExactMatrix.limiting(to: path) {
                                    ExactMatrix.multiply(type, weights: w.baseAddress!, rowBytes: rowBytes, rows: rows,
                                                         columns: columns, x: xb.baseAddress!, tokens: tokens,
                                                         y: yb.baseAddress!, yStride: totalRows)
                                }
                            case .scalar:
                                var row = [Float](repeating: 0, count: columns)
                                row.withUnsafeMutableBufferPointer {
                                    ExactMatrix.scalar(type, w.baseAddress!, rowBytes, rows, columns, xb.baseAddress!,
                                                       tokens, yb.baseAddress!, totalRows, $0.baseAddress!)
                                }
                            }
                        }
                    }
                }
                var worst = 0.0, untouched = true
                for t in 0..<tokens {
                    for r in 0..<totalRows {
                        let value = y[t * totalRows + r]
                        guard rows.contains(r) else {
                            untouched = untouched && value == sentinel
                            continue
                        }
                        let index = t * totalRows + r
                        let error = value.isFinite ? abs(Double(value) - exact[index]) / magnitude[index] : .infinity
                        worst = max(worst, error)
                    }
                }
                #expect(worst <= Self.relativeBound,
                        "\(type) on \(variant), \(tokens) tokens: worst difference \(worst) of Σ|w·x| > \(Self.relativeBound)")
                #expect(untouched, "\(type) on \(variant), \(tokens) tokens wrote outside its rows")
            }
        }
    }
}

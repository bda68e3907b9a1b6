// The AVX2 tier (FastDot, CKernels) against the scalar references: integer and float dot products
// within a relative tolerance of Σ|w·x| (the two differ only in the order of f32 additions), the
// activation quantizers byte for byte, tiles and matrices against per-row calls, and the scalar
// fallback exactly. Tests that run AVX2 code are skipped on CPUs without AVX2/FMA/F16C.

import Foundation
import Kernels
import Testing

/// The tolerance between two summation orders of the same terms: 1e-5 of Σ|w_i x_i|.
private let relativeTolerance = 1e-5
private let toleranceName = "SIMD vs scalar: 1e-5·Σ|w·x|"

/// Column counts: each a whole number of blocks, including block counts that are not multiples of
/// the kernels' unrolling (K-quants need multiples of 256, so 768 and 1024 stand in for 896).
private func sizes(_ type: GGMLType) -> [Int] {
    type.blockSize == 256 ? [256, 768, 1024, 4864] : [96, 256, 800, 896, 4864]
}

/// Byte offsets of the f16 fields (d, and m or dmin) in each block format's layout.
private func f16Fields(_ type: GGMLType) -> [Int] {
    switch type {
    case .q4_0, .q5_0, .q8_0, .iq4_nl, .iq4_xs: return [0]
    case .q4_1, .q5_1, .q4_K, .q5_K: return [0, 2]
    case .q2_K: return [80, 82]
    case .q3_K: return [108]
    case .q6_K: return [208]
    default: return []
    }
}

/// Weight rows for the integer tests: random bytes for every code, scale and bit field (so every
/// packing of scales, mins and high bits occurs), with each f16 field replaced by a finite random
/// value of either sign and magnitude 1e-4…1e-1.
private func randomWeights(_ type: GGMLType, count: Int, seed: UInt64) -> [UInt8] {
    var random = TestRandom(seed: seed)
    var bytes = (0..<type.byteCount(elements: count)!).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    let blocks = count / type.blockSize
    for b in 0..<blocks {
        for offset in f16Fields(type) {
            let magnitude = Float(pow(10, Double(random.uniform(-4, -1))))
            let value = random.next() % 2 == 0 ? magnitude : -magnitude
            let bits = f16Bits(value)
            bytes[b * type.typeSize + offset] = UInt8(bits & 0xFF)
            bytes[b * type.typeSize + offset + 1] = UInt8(bits >> 8)
        }
    }
    return bytes
}

/// The f16 bit pattern of `value` (through Quantize.row's f16 encoder).
private func f16Bits(_ value: Float) -> UInt16 {
    let bytes = encode(.f16, [value])
    return UInt16(bytes[0]) | UInt16(bytes[1]) << 8
}

/// Σ|w_i a_i| over the dequantized weights and activations, in Double.
private func absoluteScale(_ type: GGMLType, _ weights: [UInt8], _ activationType: GGMLType,
                           _ activations: [UInt8], count: Int) -> Double {
    let w = decode(type, weights, count: count), a = decode(activationType, activations, count: count)
    return zip(w, a).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
}

private func fastRow(_ type: GGMLType, _ weights: [UInt8], _ activations: [UInt8], count: Int,
                     tier: FastDot.Tier) -> Float {
    weights.withUnsafeBytes { w in
        activations.withUnsafeBytes {
            FastDot.row(type, weights: w.baseAddress!, activations: $0.baseAddress!, count: count, tier: tier)
        }
    }
}

private func fastQuantize(_ type: GGMLType, _ x: [Float], tier: FastDot.Tier) -> [UInt8] {
    var bytes = [UInt8](repeating: 0xA5, count: type.byteCount(elements: x.count)!)
    x.withUnsafeBufferPointer { source in
        bytes.withUnsafeMutableBytes {
            FastDot.quantizeActivations(type, from: source.baseAddress!, into: $0.baseAddress!, count: x.count, tier: tier)
        }
    }
    return bytes
}

/// f32 values as raw bytes (the activations of the float types).
private func floatBytes(_ x: [Float]) -> [UInt8] { encode(.f32, x) }

private let hardware = FastDot.hardwareSupported

@Suite("SIMD kernels")
struct SIMDKernelTests {
    static let integerTypes: [GGMLType] = [.q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K,
                                           .iq4_nl, .iq4_xs]
    static let floatTypes: [GGMLType] = [.f32, .f16, .bf16]
    static let activationTypes: [GGMLType] = [.q8_0, .q8_1, .q8_K]

    // MARK: Dispatch

    @Test("MINOS_DISABLE_SIMD=1 or missing hardware selects the scalar tier")
    func tierResolution() {
        #expect(FastDot.resolveTier(disableSIMD: "1", hardwareSupported: true) == .scalar)
        #expect(FastDot.resolveTier(disableSIMD: nil, hardwareSupported: true) == .simd)
        #expect(FastDot.resolveTier(disableSIMD: "0", hardwareSupported: true) == .simd)
        #expect(FastDot.resolveTier(disableSIMD: nil, hardwareSupported: false) == .scalar)
        #expect(FastDot.resolveTier(disableSIMD: "1", hardwareSupported: false) == .scalar)
        let disabled = getenvString("MINOS_DISABLE_SIMD")
        #expect(FastDot.tier == FastDot.resolveTier(disableSIMD: disabled, hardwareSupported: hardware))
        #expect(FastDot.isAccelerated == (FastDot.tier == .simd))
        #expect(FastDot.activationType(for: .q4_K) == .q8_K)
        #expect(FastDot.activationType(for: .f16) == .f32)
    }

    @Test("The scalar tier is exactly Dot.quantized, Dot.row and Quantize.row",
          arguments: integerTypes + floatTypes)
    func scalarFallbackIsExact(type: GGMLType) {
        let count = 1024
        let activationType = FastDot.activationType(for: type)
        let x = testData(count: count, seed: 7)
        let weights = randomOrEncoded(type, count: count, seed: 3)
        let activations = fastQuantize(activationType, x, tier: .scalar)
        #expect(activations == encode(activationType, x))
        let expected = type.dotActivationType != nil ? quantizedDot(type, weights, activations, count: count)
                                                     : dot(type, weights, x)
        let actual = fastRow(type, weights, activations, count: count, tier: .scalar)
        #expect(actual.bitPattern == expected.bitPattern, "\(type): scalar tier \(actual) ≠ reference \(expected)")

        // A scalar tile is the scalar per-row results, bit for bit.
        let rowBytes = type.byteCount(elements: count)!
        let rows = 3, vectors = 2
        var matrix = [UInt8]()
        for r in 0..<rows { matrix += randomOrEncoded(type, count: count, seed: 40 + UInt64(r)) }
        var vectorBytes = [UInt8]()
        var xs = [[Float]]()
        for v in 0..<vectors {
            xs.append(testData(count: count, seed: 60 + UInt64(v)))
            vectorBytes += fastQuantize(activationType, xs[v], tier: .scalar)
        }
        let activationBytes = activationType.byteCount(elements: count)!
        var results = [Float](repeating: .nan, count: rows * vectors)
        matrix.withUnsafeBytes { w in
            vectorBytes.withUnsafeBytes { a in
                results.withUnsafeMutableBufferPointer {
                    FastDot.tile(type, weights: w.baseAddress!, rowStride: rowBytes, rows: rows,
                                 activations: a.baseAddress!, activationStride: activationBytes, vectors: vectors,
                                 count: count, results: $0.baseAddress!, resultStride: rows, tier: .scalar)
                }
            }
        }
        for r in 0..<rows {
            for v in 0..<vectors {
                let w = Array(matrix[r * rowBytes..<(r + 1) * rowBytes])
                let a = Array(vectorBytes[v * activationBytes..<(v + 1) * activationBytes])
                let want = type.dotActivationType != nil ? quantizedDot(type, w, a, count: count) : dot(type, w, xs[v])
                #expect(results[v * rows + r].bitPattern == want.bitPattern, "\(type) scalar tile [\(r), \(v)]")
            }
        }
    }

    @Test("Calls with the default tier follow FastDot.tier (run with MINOS_DISABLE_SIMD=1 to check the fallback)",
          arguments: [GGMLType.q4_0, .q8_0, .q4_K, .q6_K, .f16])
    func defaultTierIsUsed(type: GGMLType) {
        let count = 512
        let activationType = FastDot.activationType(for: type)
        let x = testData(count: count, seed: 21)
        let weights = randomOrEncoded(type, count: count, seed: 22)
        var activations = [UInt8](repeating: 0, count: activationType.byteCount(elements: count)!)
        x.withUnsafeBufferPointer { source in
            activations.withUnsafeMutableBytes {
                FastDot.quantizeActivations(activationType, from: source.baseAddress!, into: $0.baseAddress!, count: count)
            }
        }
        #expect(activations == encode(activationType, x))
        let actual = weights.withUnsafeBytes { w in
            activations.withUnsafeBytes { FastDot.row(type, weights: w.baseAddress!, activations: $0.baseAddress!, count: count) }
        }
        let scalar = fastRow(type, weights, activations, count: count, tier: .scalar)
        if FastDot.tier == .scalar {
            #expect(actual.bitPattern == scalar.bitPattern, "\(type): default (scalar) tier \(actual) ≠ scalar \(scalar)")
        } else {
            expectClose(Double(actual), Double(scalar), tolerance: "\(type) default tier: \(toleranceName)",
                        bound: relativeTolerance * rowScale(type, weights, activationType, activations, count: count))
        }
    }

    // MARK: Dot products

    @Test("Integer dot products match Dot.quantized", .enabled(if: hardware), arguments: integerTypes)
    func integerDot(type: GGMLType) {
        let activationType = type.dotActivationType!
        var worst = 0.0
        for count in sizes(type) {
            for seed in 1...3 as ClosedRange<UInt64> {
                // random bit fields, and the project's own quantizer output
                for weights in [randomWeights(type, count: count, seed: seed),
                                encode(type, testData(count: count, seed: seed + 10))] {
                    let activations = encode(activationType, testData(count: count, seed: seed + 100))
                    let expected = quantizedDot(type, weights, activations, count: count)
                    let actual = fastRow(type, weights, activations, count: count, tier: .simd)
                    let scale = absoluteScale(type, weights, activationType, activations, count: count)
                    expectClose(Double(actual), Double(expected), tolerance: "\(type) \(count): \(toleranceName)",
                                bound: relativeTolerance * scale)
                    if scale > 0 { worst = max(worst, abs(Double(actual) - Double(expected)) / scale) }
                }
            }
        }
        #expect(worst <= relativeTolerance, "\(type): worst relative difference \(worst)")
    }

    @Test("Float dot products match Dot.row", .enabled(if: hardware), arguments: floatTypes)
    func floatDot(type: GGMLType) {
        for count in sizes(type) + [1, 7, 37, 1000] {
            for seed in 1...3 as ClosedRange<UInt64> {
                // testData wants whole 32-element stretches; odd counts take a prefix
                let padded = (count + 31) / 32 * 32
                let weights = encode(type, Array(testData(count: padded, seed: seed).prefix(count)))
                let x = Array(testData(count: padded, seed: seed + 100).prefix(count))
                let expected = dot(type, weights, x)
                let actual = fastRow(type, weights, floatBytes(x), count: count, tier: .simd)
                let w = decode(type, weights, count: count)
                let scale = zip(w, x).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
                expectClose(Double(actual), Double(expected), tolerance: "\(type) \(count): \(toleranceName)",
                            bound: relativeTolerance * scale)
            }
        }
    }

    // MARK: Quantizers

    @Test("Activation quantizers give Quantize.row's bytes", .enabled(if: hardware), arguments: activationTypes)
    func quantizersMatch(type: GGMLType) {
        for count in [256, 1024, 4864] {
            for seed in 1...4 as ClosedRange<UInt64> {
                let x = testData(count: count, seed: seed)
                let expected = encode(type, x)
                let actual = fastQuantize(type, x, tier: .simd)
                expectSameBytes(actual, expected, "\(type) \(count) seed \(seed)")
            }
        }
    }

    @Test("Activation quantizers match on ties, extremes, zeros, infinities and NaN",
          .enabled(if: hardware), arguments: activationTypes)
    func quantizersMatchSpecialValues(type: GGMLType) {
        for (name, x) in specialVectors() {
            let expected = encode(type, x)
            let actual = fastQuantize(type, x, tier: .simd)
            expectSameBytes(actual, expected, "\(type) \(name)")
        }
    }

    // MARK: Tiles and matrices

    @Test("Tiles equal per-row calls for every shape up to 4 × 4", .enabled(if: hardware),
          arguments: integerTypes + floatTypes)
    func tilesMatchRows(type: GGMLType) {
        let activationType = FastDot.activationType(for: type)
        for count in sizes(type) {
            let rowBytes = type.byteCount(elements: count)!
            let activationBytes = activationType.byteCount(elements: count)!
            var matrix = [UInt8]()
            for r in 0..<4 { matrix += randomOrEncoded(type, count: count, seed: 200 + UInt64(r)) }
            var vectors = [UInt8]()
            for v in 0..<4 { vectors += fastQuantize(activationType, testData(count: count, seed: 300 + UInt64(v)), tier: .simd) }
            for rows in 1...4 {
                for vectorCount in 1...4 {
                    // results with a stride wider than rows, so stray writes would show
                    let stride = 5
                    var results = [Float](repeating: .nan, count: stride * 4)
                    matrix.withUnsafeBytes { w in
                        vectors.withUnsafeBytes { a in
                            results.withUnsafeMutableBufferPointer {
                                FastDot.tile(type, weights: w.baseAddress!, rowStride: rowBytes, rows: rows,
                                             activations: a.baseAddress!, activationStride: activationBytes,
                                             vectors: vectorCount, count: count, results: $0.baseAddress!,
                                             resultStride: stride, tier: .simd)
                            }
                        }
                    }
                    for r in 0..<stride {
                        for v in 0..<4 {
                            let value = results[v * stride + r]
                            guard r < rows, v < vectorCount else {
                                #expect(value.isNaN, "\(type) tile \(rows)×\(vectorCount) wrote outside [\(r), \(v)]")
                                continue
                            }
                            let w = Array(matrix[r * rowBytes..<(r + 1) * rowBytes])
                            let a = Array(vectors[v * activationBytes..<(v + 1) * activationBytes])
                            let expected = fastRow(type, w, a, count: count, tier: .simd)
                            if vectorCount == 1 {
                                // one vector runs the row kernel itself
                                #expect(value.bitPattern == expected.bitPattern, "\(type) 1-vector tile [\(r)]: \(value) ≠ row \(expected)")
                            }
                            let scale = rowScale(type, w, activationType, a, count: count)
                            expectClose(Double(value), Double(expected),
                                        tolerance: "\(type) \(count) tile \(rows)×\(vectorCount) [\(r), \(v)]: \(toleranceName)",
                                        bound: relativeTolerance * scale)
                        }
                    }
                }
            }
        }
    }

    /// Vector counts: below `matrixMinimumVectors` (tiles), and above it with every remainder path
    /// of the whole-matrix kernel (8 + 1, 8 + 2, 8 + 4 + 3).
    @Test("FastDot.matrix over a row range matches MatMul", .enabled(if: hardware),
          arguments: [GGMLType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .iq4_nl, .q4_K, .q6_K, .q3_K, .f16, .f32], [6, 9, 10, 15])
    func matrixMatchesMatMul(type: GGMLType, vectorCount: Int) {
        let count = type.blockSize == 256 ? 512 : 96
        // 19 rows split 5 + 14: whole and partial groups of 8 rows.
        let rows = 19
        let activationType = FastDot.activationType(for: type)
        let rowBytes = type.byteCount(elements: count)!
        var matrix = [UInt8]()
        for r in 0..<rows { matrix += randomOrEncoded(type, count: count, seed: 500 + UInt64(r)) }
        var xs = [Float]()
        for v in 0..<vectorCount { xs += testData(count: count, seed: 600 + UInt64(v)) }
        var activations = [UInt8]()
        for v in 0..<vectorCount {
            activations += fastQuantize(activationType, Array(xs[v * count..<(v + 1) * count]), tier: .simd)
        }
        var expected = [Float](repeating: 0, count: rows * vectorCount)
        matrix.withUnsafeBytes { w in
            expected.withUnsafeMutableBufferPointer { ys in
                if type.dotActivationType != nil {
                    activations.withUnsafeBytes {
                        MatMul.quantizedMatrix(type, weights: w.baseAddress!, rows: rows, columns: count,
                                               activations: $0.baseAddress!, vectors: vectorCount, ys: ys.baseAddress!)
                    }
                } else {
                    xs.withUnsafeBufferPointer {
                        MatMul.matrix(type, weights: w.baseAddress!, rows: rows, columns: count, xs: $0.baseAddress!,
                                      vectors: vectorCount, ys: ys.baseAddress!)
                    }
                }
            }
        }
        // Two calls over row ranges, as a caller splitting the rows across threads would make.
        var actual = [Float](repeating: .nan, count: rows * vectorCount)
        for range in [0..<5, 5..<rows] {
            matrix.withUnsafeBytes { w in
                activations.withUnsafeBytes { a in
                    actual.withUnsafeMutableBufferPointer {
                        FastDot.matrix(type, weights: w.baseAddress!, rows: range, columns: count,
                                       activations: a.baseAddress!, vectors: vectorCount,
                                       results: $0.baseAddress!, resultStride: rows, tier: .simd)
                    }
                }
            }
        }
        let activationBytes = activationType.byteCount(elements: count)!
        expectWithin(actual, expected, tolerance: "\(type) matrix: \(toleranceName)") { i in
            let v = i / rows, r = i % rows
            let w = Array(matrix[r * rowBytes..<(r + 1) * rowBytes])
            let a = Array(activations[v * activationBytes..<(v + 1) * activationBytes])
            return Float(relativeTolerance * rowScale(type, w, activationType, a, count: count))
        }
    }
}

// MARK: - Helpers

/// Random-bit weights for integer types, encoded test data for float types.
private func randomOrEncoded(_ type: GGMLType, count: Int, seed: UInt64) -> [UInt8] {
    type.dotActivationType != nil ? randomWeights(type, count: count, seed: seed)
                                  : encode(type, testData(count: count, seed: seed))
}

/// Σ|w·a| for one row against one activation vector (f32 bytes for float types).
private func rowScale(_ type: GGMLType, _ w: [UInt8], _ activationType: GGMLType, _ a: [UInt8], count: Int) -> Double {
    absoluteScale(type, w, activationType, a, count: count)
}

/// Byte-for-byte equality, reporting the first differing offset and the bytes around it.
private func expectSameBytes(_ actual: [UInt8], _ expected: [UInt8], _ what: String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
    let first = actual.count == expected.count
        ? zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        : 0
    guard let first else { return }
    let window = max(0, first - 4)..<min(min(actual.count, expected.count), first + 8)
    Issue.record("""
        \(what): bytes differ from Quantize.row at offset \(first) (of \(expected.count)): \
        got \(Array(actual[window])), want \(Array(expected[window]))
        """, sourceLocation: sourceLocation)
}

private func getenvString(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}

/// 256-element vectors that stress rounding and special cases of the q8 quantizers.
private func specialVectors() -> [(String, [Float])] {
    var out: [(String, [Float])] = []
    // Scale exactly 1 (q8_0/q8_1: max 127; q8_K: first extreme -127), codes on .5 ties and just
    // below them (0.49999997 must round to 0, not 1).
    var ties = [Float](repeating: 0, count: 256)
    for i in 0..<256 {
        let k = Float(i % 32) - 16
        ties[i] = i % 32 == 0 ? -127 : (i % 32 == 1 ? 127 : k + (i % 3 == 0 ? 0.5 : 0.49999997))
    }
    out.append(("ties", ties))
    out.append(("negative ties", ties.map { -$0 }))
    out.append(("zeros", [Float](repeating: 0, count: 256)))
    out.append(("negative zeros", [Float](repeating: -0.0, count: 256)))
    out.append(("constant", [Float](repeating: 3.25, count: 256)))
    out.append(("tiny (subnormal f16 scales)", testData(count: 256, seed: 9).map { $0 * 1e-6 }))
    out.append(("f32 subnormals", testData(count: 256, seed: 10).map { $0 * 0x1p-133 }))
    out.append(("huge (f16 scale overflows)", testData(count: 256, seed: 11).map { $0 * 1e35 }))
    var equalMagnitudes = testData(count: 256, seed: 12)
    for b in stride(from: 0, to: 256, by: 32) {
        equalMagnitudes[b + 3] = 500
        equalMagnitudes[b + 1] = -500   // same magnitude, earlier: q8_K must pick this sign
    }
    out.append(("equal magnitudes", equalMagnitudes))
    var infinite = testData(count: 256, seed: 13)
    infinite[5] = .infinity
    infinite[70] = -.infinity
    out.append(("infinities", infinite))
    var nan = testData(count: 256, seed: 14)
    nan[0] = .nan
    nan[100] = .nan
    out.append(("NaN", nan))
    return out
}

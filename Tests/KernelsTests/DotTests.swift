// Dot.row and Dot.quantized against a plain reference: dequantize the row, then an exact (Double)
// dot product. Tolerances account for f32 accumulation and, on the integer path, for rounding the
// activations to q8.

import Kernels
import Testing

/// Magnitude that f32 rounding in a block-wise dot product is relative to: Σ B_i |x_i|, with B_i
/// the largest |w| in element i's 256-element group (a sub-block's scale·code and min terms are
/// each at most about 2B, so partial sums stay within a few times this).
private func accumulationScale(_ w: [Float], _ x: [Float]) -> Double {
    zip(groupAbsMax(w, size: 256), x).reduce(0.0) { $0 + Double($1.0) * Double(abs($1.1)) }
}

/// f32 accumulation allowance: about 64 roundings (block sums of ≤ 32 terms, then ≤ 32 blocks)
/// of 2⁻²⁴ each on terms up to 3× the accumulation scale.
private let accumulationTolerance = 3 * 64 * 0x1p-24

/// Worst-case |x - x̂| for activations quantized to `type`: d/2 per element plus the f16 rounding
/// of d for q8_0/q8_1 (d = block max|x|/127).
private func activationErrorBound(_ type: GGMLType, _ x: [Float]) -> [Float] {
    let block = type.blockSize
    return groupAbsMax(x, size: block).map { amax in
        let d = amax / 127
        return type == .q8_K ? d / 2 * 1.001 : d * (0.5 + 127 * 0x1p-11) * 1.001
    }
}

@Suite("Dot products")
struct DotTests {
    @Test("Dot.row equals dequantize-then-dot", arguments: GGMLType.allCases)
    func rowMatchesReference(type: GGMLType) {
        for seed in 1...3 as ClosedRange<UInt64> {
            let count = 1024
            let weights = encode(type, testData(count: count, seed: seed))
            let w = decode(type, weights, count: count)
            let x = testData(count: count, seed: seed + 100)
            let expected = referenceDot(w, x)
            expectClose(Double(dot(type, weights, x)), expected,
                        tolerance: "\(type) Dot.row: 192·2⁻²⁴·Σ B|x|",
                        bound: accumulationTolerance * accumulationScale(w, x))
        }
    }

    static let integerTypes = GGMLType.allCases.filter { $0.dotActivationType != nil }

    @Test("dotActivationType pairs weights with ggml's vec_dot_type")
    func activationTypes() {
        #expect(Self.integerTypes.map(\.description) == ["q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q2_K", "q3_K", "q4_K", "q5_K", "q6_K",
                                                          "iq4_nl", "iq4_xs"])
        #expect(GGMLType.q4_0.dotActivationType == .q8_0)
        #expect(GGMLType.iq4_nl.dotActivationType == .q8_0)
        #expect(GGMLType.iq4_xs.dotActivationType == .q8_K)
        #expect(GGMLType.q5_1.dotActivationType == .q8_1)
        #expect(GGMLType.q6_K.dotActivationType == .q8_K)
        #expect(GGMLType.f16.dotActivationType == nil)
    }

    @Test("Dot.quantized equals the dot of dequantized weights and dequantized activations",
          arguments: integerTypes)
    func quantizedMatchesDequantized(type: GGMLType) {
        let activationType = type.dotActivationType!
        for seed in 1...3 as ClosedRange<UInt64> {
            let count = 1024
            let weights = encode(type, testData(count: count, seed: seed))
            let w = decode(type, weights, count: count)
            let x = testData(count: count, seed: seed + 200)
            let q8 = encode(activationType, x)
            let xHat = decode(activationType, q8, count: count)
            let result = Double(quantizedDot(type, weights, q8, count: count))

            // Against the quantized activations: only f32 rounding, plus (q4_1/q5_1) the f16
            // rounding of q8_1's stored block sum s, which meets the weight block's min m.
            var sumRounding = 0.0
            if activationType == .q8_1 {
                let wMax = groupAbsMax(w, size: 32)
                for start in stride(from: 0, to: count, by: 32) {
                    let s = xHat[start..<start + 32].reduce(0.0) { $0 + Double($1) }
                    sumRounding += Double(wMax[start]) * abs(s) * 0x1p-11
                }
            }
            expectClose(result, referenceDot(w, xHat),
                        tolerance: "\(type)·\(activationType) vs dequantized activations: f32 rounding + f16 s",
                        bound: accumulationTolerance * accumulationScale(w, xHat) + sumRounding)

            // Against the exact activations: additionally Σ|w_i|·(activation rounding bound).
            let activationError = zip(w, activationErrorBound(activationType, x))
                .reduce(0.0) { $0 + Double(abs($1.0)) * Double($1.1) }
            expectClose(result, referenceDot(w, x),
                        tolerance: "\(type)·\(activationType) vs f32 activations: Σ|w|·q8 rounding",
                        bound: activationError + sumRounding + accumulationTolerance * accumulationScale(w, x))
        }
    }

    @Test("Dot.quantized on hand-checkable data: q4_0 codes times q8_0 codes")
    func quantizedSmallCase() {
        // Weights: d = 1, all codes 9 (value +1). Activations: d = 2, codes 0...31.
        let weights: [UInt8] = [0x00, 0x3C] + [UInt8](repeating: 0x99, count: 16)
        let activations: [UInt8] = [0x00, 0x40] + (0..<32).map { UInt8($0) }
        // Σ 1 · 2k for k in 0..<32 = 2 · 496.
        #expect(quantizedDot(.q4_0, weights, activations, count: 32) == 992)
    }
}

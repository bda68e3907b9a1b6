import Foundation
import Kernels
import Testing

/// The engine's vector loops in C against plain Double arithmetic.
@Suite("Vector kernels (softmax, SwiGLU, attention)", .enabled(if: VectorKernels.isAccelerated))
struct VectorKernelsTests {
    @Test("softmax matches exp-normalize in Double, masked entries are exactly 0, large and tiny inputs stay finite",
          arguments: [1, 7, 8, 9, 64, 131])
    func softmax(count: Int) {
        var generator = SplitMix64(seed: UInt64(count))
        var x = (0..<count).map { i -> Float in i % 5 == 3 ? -.infinity : generator.normal() * 30 }
        if x.allSatisfy({ $0 == -.infinity }) { x[0] = 1 }
        let maximum = Double(x.max()!)
        let exps = x.map { $0 == -.infinity ? 0 : Foundation.exp(Double($0) - maximum) }
        let total = exps.reduce(0, +)
        let inputs = x
        x.withUnsafeMutableBufferPointer { VectorKernels.softmax($0.baseAddress!, count: count) }
        for (i, (actual, e)) in zip(x, exps).enumerated() {
            let expected = e / total
            if i % 5 == 3 { #expect(actual == 0) }
            // x − max is rounded to f32 before exp: a relative error of up to |x − max| · 2⁻²⁴ from that alone.
            let argument = inputs[i] == -.infinity ? 0 : abs(Double(inputs[i]) - maximum)
            let relative = 2e-6 + argument * 1.2e-7
            #expect(abs(Double(actual) - expected) <= relative * max(expected, 1e-30) + 1e-37, "\(i): \(actual) vs \(expected)")
        }
    }

    @Test("SwiGLU matches silu(g) · u in Double across the exp range")
    func swiGLU() {
        let gate: [Float] = [-100, -88, -30, -5, -1, -0.1, 0, 0.1, 1, 5, 30, 88, 100] + (0..<50).map { Float($0) * 0.37 - 9 }
        let up = gate.indices.map { Float($0 % 7) - 3 }
        var actual = gate
        up.withUnsafeBufferPointer { u in
            actual.withUnsafeMutableBufferPointer { VectorKernels.swiGLU($0.baseAddress!, u.baseAddress!, count: gate.count) }
        }
        for i in gate.indices {
            let g = Double(gate[i])
            let expected = g / (1 + Foundation.exp(-g)) * Double(up[i])
            #expect(abs(Double(actual[i]) - expected) <= 1e-6 * max(abs(expected), 1), "\(gate[i]): \(actual[i]) vs \(expected)")
        }
    }

    /// 45 keys: five blocks of eight (the fourth partly, the fifth wholly after the limit) and a
    /// tail of five; 12 is not a multiple of 8, so it takes the one-key loop throughout.
    @Test("attention scores and value sums match Double loops, with positions masking keys", arguments: [8, 12, 64, 72, 128])
    func attention(dimension d: Int) {
        var generator = SplitMix64(seed: 9)
        let count = 45, stride = d * 3, kvHeads = 3
        let query = (0..<d).map { _ in generator.normal() }
        let keys = (0..<(count * stride)).map { _ in generator.normal() }
        let values = (0..<(count * stride)).map { _ in generator.normal() }
        let positions = (0..<(count * kvHeads)).map { Int32($0 / kvHeads) }
        let head = 1, limit: Int32 = 30, scale: Float = 0.125
        var scores = [Float](repeating: .nan, count: count)
        keys.withUnsafeBufferPointer { k in
            positions.withUnsafeBufferPointer { p in
                VectorKernels.attendScores(query: query, keys: k.baseAddress! + head * d, keyStride: stride, count: count,
                                           dimension: d, scale: scale, positions: p.baseAddress! + head, positionStride: kvHeads,
                                           limit: limit, scores: &scores)
            }
        }
        for j in 0..<count {
            if j > Int(limit) { #expect(scores[j] == -.infinity); continue }
            let expected = (0..<d).reduce(0.0) { $0 + Double(query[$1]) * Double(keys[j * stride + head * d + $1]) } * Double(scale)
            #expect(abs(Double(scores[j]) - expected) <= 1e-4 * max(abs(expected), 1), "key \(j)")
        }
        let weights = (0..<count).map { j -> Float in j % 4 == 0 ? 0 : Float(j) / 100 }
        var out = (0..<d).map { Float($0) }
        values.withUnsafeBufferPointer { v in
            VectorKernels.attendValues(weights: weights, values: v.baseAddress! + head * d, valueStride: stride, count: count,
                                       dimension: d, into: &out)
        }
        for i in 0..<d {
            let expected = Double(i) + (0..<count).reduce(0.0) { $0 + Double(weights[$1]) * Double(values[$1 * stride + head * d + i]) }
            #expect(abs(Double(out[i]) - expected) <= 1e-4 * max(abs(expected), 1), "element \(i)")
        }
    }
}

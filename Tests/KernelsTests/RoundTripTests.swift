// dequantize(quantize(x)) for every type, each within an error bound derived from how that format
// quantizes (per element, from the data's range in its block), printed on failure.

import Kernels
import Testing

/// Round-off allowance on top of each derived bound (f32 arithmetic in the quantizer/decoder).
private let slack: Float = 1.001
/// Relative rounding of an f16-stored scale.
private let f16Rounding: Float = 0x1p-11

/// The per-element error bound for `type` on data `x`, and the tolerance's name.
func roundTripBound(_ type: GGMLType, _ x: [Float]) -> (name: String, bound: [Float]) {
    func perGroup(_ size: Int, _ f: (ArraySlice<Float>, Float) -> Float) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        for start in stride(from: 0, to: x.count, by: size) {
            for i in start..<start + size { out[i] = f(x[start..<start + size], x[i]) }
        }
        return out
    }
    func absMax(_ s: ArraySlice<Float>) -> Float { s.reduce(0) { max($0, abs($1)) } }
    /// Asymmetric K-quants: R_j/(2 nmax) + 1.05 Rmax/(nmax L), R = max - min(0, min).
    func withMins(sub: Int, nmax: Float, levels: Float) -> [Float] {
        let ranges = perGroup(sub) { s, _ in s.max()! - min(0, s.min()!) }
        let rmax = groupAbsMax(ranges, size: 256)
        return (0..<x.count).map { (ranges[$0] / (2 * nmax) + 1.05 * rmax[$0] / (nmax * levels)) * slack }
    }
    /// Symmetric K-quants: A_j/N + 0.51 Amax/(N L).
    func symmetric(n: Float, levels: Float) -> [Float] {
        let sub = groupAbsMax(x, size: 16), block = groupAbsMax(x, size: 256)
        return (0..<x.count).map { (sub[$0] / n + 0.51 * block[$0] / (n * levels)) * slack }
    }
    /// Legacy with min: d (1/2 + top·2⁻¹¹) + |min|·2⁻¹¹, d = (max - min)/top.
    func legacyWithMin(top: Float) -> [Float] {
        perGroup(32) { s, _ in
            let d = (s.max()! - s.min()!) / top
            return (d * (0.5 + top * f16Rounding) + abs(s.min()!) * f16Rounding) * slack + 1e-30
        }
    }
    switch type {
    case .f32:
        return ("f32: exact", [Float](repeating: 0, count: x.count))
    case .f16:
        return ("f16: |x|·2⁻¹¹, at least 2⁻²⁵", x.map { max(abs($0) * 0x1p-11, 0x1p-25) })
    case .bf16:
        return ("bf16: |x|·2⁻⁸", x.map { abs($0) * 0x1p-8 })
    case .q8_0, .q8_1:
        return ("\(type): d·(1/2 + 127·2⁻¹¹), d = max|x|/127 per 32",
                perGroup(32) { s, _ in absMax(s) / 127 * (0.5 + 127 * f16Rounding) * slack })
    case .q4_0:
        return ("q4_0: d·(1 + 8·2⁻¹¹), d = max|x|/8 per 32 (the -max element clamps by one step)",
                perGroup(32) { s, _ in absMax(s) / 8 * (1 + 8 * f16Rounding) * slack })
    case .q5_0:
        return ("q5_0: d·(1 + 16·2⁻¹¹), d = max|x|/16 per 32",
                perGroup(32) { s, _ in absMax(s) / 16 * (1 + 16 * f16Rounding) * slack })
    case .q4_1:
        return ("q4_1: d·(1/2 + 15·2⁻¹¹) + |min|·2⁻¹¹, d = (max-min)/15 per 32", legacyWithMin(top: 15))
    case .q5_1:
        return ("q5_1: d·(1/2 + 31·2⁻¹¹) + |min|·2⁻¹¹, d = (max-min)/31 per 32", legacyWithMin(top: 31))
    case .q8_K:
        return ("q8_K: d/2, d = max|x|/127 per 256 (f32 scale)",
                perGroup(256) { s, _ in absMax(s) / 254 * slack })
    case .q2_K:
        return ("q2_K: R_j/6 + 1.05·Rmax/45 (R per 16)", withMins(sub: 16, nmax: 3, levels: 15))
    case .q4_K:
        return ("q4_K: R_j/30 + 1.05·Rmax/945 (R per 32)", withMins(sub: 32, nmax: 15, levels: 63))
    case .q5_K:
        return ("q5_K: R_j/62 + 1.05·Rmax/1953 (R per 32)", withMins(sub: 32, nmax: 31, levels: 63))
    case .q3_K:
        return ("q3_K: A_j/4 + 0.51·Amax/124 (A per 16)", symmetric(n: 4, levels: 31))
    case .q6_K:
        return ("q6_K: A_j/32 + 0.51·Amax/4064 (A per 16)", symmetric(n: 32, levels: 127))
    case .iq4_nl:
        // the scale that maps the extreme element to ±127 alone keeps every element within half
        // the widest table gap (24) of it; the search only picks a scale with less squared error
        return ("iq4_nl: 0.2·A, A = max|x| per 32", perGroup(32) { s, _ in 0.2 * absMax(s) })
    case .iq4_xs:
        // as iq4_nl per 32, plus half a step of the 6-bit sub-block scale (d = max scale / 32)
        let block = groupAbsMax(x, size: 256)
        let sub = perGroup(32) { s, _ in 0.2 * absMax(s) }
        return ("iq4_xs: 0.2·A + 0.03·Amax (A per 32, Amax per 256)",
                (0..<x.count).map { sub[$0] + 0.03 * block[$0] })
    }
}

@Suite("Quantize → dequantize round trips")
struct RoundTripTests {
    @Test("every type decodes its own encoding within its bound", arguments: GGMLType.allCases)
    func roundTrip(type: GGMLType) {
        for seed in 1...4 as ClosedRange<UInt64> {
            let x = testData(count: 2048, seed: seed * 977 + UInt64(type.rawValue))
            let y = decode(type, encode(type, x), count: x.count)
            let (name, bound) = roundTripBound(type, x)
            expectWithin(y, x, tolerance: name, bound: { bound[$0] })
        }
    }

    @Test("the bounds are tight enough to mean something: typical error is well inside them",
          arguments: GGMLType.allCases.filter { $0.blockSize > 1 })
    func boundsAreMeaningful(type: GGMLType) {
        let x = testData(count: 4096, seed: 99)
        let y = decode(type, encode(type, x), count: x.count)
        let (_, bound) = roundTripBound(type, x)
        // Mean error over the mean bound: a loose bound (or a quantizer that is far worse than
        // its format allows) would sit near 1; a decent quantizer stays well below.
        let meanError = zip(x, y).reduce(0.0) { $0 + Double(abs($1.0 - $1.1)) } / Double(x.count)
        let meanBound = bound.reduce(0.0) { $0 + Double($1) } / Double(x.count)
        #expect(meanError < 0.6 * meanBound, "\(type): mean error \(meanError), mean bound \(meanBound)")
    }

    @Test("zero rows stay zero and constant rows decode close", arguments: GGMLType.allCases)
    func degenerateRows(type: GGMLType) {
        let zeros = [Float](repeating: 0, count: 512)
        #expect(decode(type, encode(type, zeros), count: 512).allSatisfy { $0 == 0 })
        let constant = [Float](repeating: -0.3, count: 512)
        let y = decode(type, encode(type, constant), count: 512)
        expectWithin(y, constant, tolerance: "\(type) constant row: 2% of the value", bound: { _ in 0.006 })
    }

    @Test("q8_K bsums are the sums of each 16 codes")
    func q8KBlockSums() {
        let x = testData(count: 512, seed: 5)
        let bytes = encode(.q8_K, x)
        for block in 0..<2 {
            let base = block * 292
            for group in 0..<16 {
                let codes = (0..<16).map { Int(Int8(bitPattern: bytes[base + 4 + 16 * group + $0])) }
                let stored = Int(Int16(bitPattern: UInt16(bytes[base + 260 + 2 * group])
                                        | UInt16(bytes[base + 261 + 2 * group]) << 8))
                #expect(stored == codes.reduce(0, +), "block \(block) group \(group)")
            }
        }
    }
}

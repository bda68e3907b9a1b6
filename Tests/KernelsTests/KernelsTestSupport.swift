// Shared helpers for the kernel tests: deterministic test data, encode/decode wrappers over
// byte arrays, and element-wise comparison against a named tolerance that reports the worst
// element when it fails.

import Foundation
import Kernels
import Testing

/// Test data comes from the project's SplitMix64 so every run sees the same vectors.
typealias TestRandom = SplitMix64

extension SplitMix64 {
    mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * unit() }

    /// Standard normal (Box-Muller in double precision).
    mutating func gaussian() -> Float {
        let u = max(unit(), 1e-7), v = unit()
        return Float((-2 * log(Double(u))).squareRoot() * cos(2 * Double.pi * Double(v)))
    }
}

/// Test vectors: Gaussian values whose scale changes every 32 elements (1e-3…1e2), with some
/// 32-element stretches all zero, constant, all positive, all negative, or holding an outlier.
func testData(count: Int, seed: UInt64) -> [Float] {
    var random = TestRandom(seed: seed)
    var x = [Float](repeating: 0, count: count)
    for start in stride(from: 0, to: count, by: 32) {
        let scale = Float(pow(10, Double(random.uniform(-3, 2))))
        let kind = random.next() % 10
        for i in start..<min(start + 32, count) {
            let g = random.gaussian() * scale
            switch kind {
            case 0: x[i] = 0
            case 1: x[i] = scale
            case 2: x[i] = abs(g)
            case 3: x[i] = -abs(g)
            default: x[i] = g
            }
        }
        if kind == 4 { x[start + Int(random.next() % 32)] *= 30 }
    }
    return x
}

/// `Quantize.row` into a fresh byte array.
func encode(_ type: GGMLType, _ x: [Float]) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: type.byteCount(elements: x.count)!)
    x.withUnsafeBufferPointer { source in
        bytes.withUnsafeMutableBytes { Quantize.row(type, from: source.baseAddress!, into: $0.baseAddress!, count: x.count) }
    }
    return bytes
}

/// `Dequantize.row` of `count` elements from a byte array.
func decode(_ type: GGMLType, _ bytes: [UInt8], count: Int) -> [Float] {
    precondition(bytes.count == type.byteCount(elements: count)!)
    var y = [Float](repeating: .nan, count: count)
    bytes.withUnsafeBytes { source in
        y.withUnsafeMutableBufferPointer { Dequantize.row(type, from: source.baseAddress!, into: $0.baseAddress!, count: count) }
    }
    return y
}

/// `Dot.row` over byte-array weights.
func dot(_ type: GGMLType, _ weights: [UInt8], _ x: [Float]) -> Float {
    weights.withUnsafeBytes { w in x.withUnsafeBufferPointer { Dot.row(type, w.baseAddress!, $0.baseAddress!, count: x.count) } }
}

/// `Dot.quantized` over byte arrays.
func quantizedDot(_ type: GGMLType, _ weights: [UInt8], _ activations: [UInt8], count: Int) -> Float {
    weights.withUnsafeBytes { w in
        activations.withUnsafeBytes { Dot.quantized(type, weights: w.baseAddress!, activations: $0.baseAddress!, count: count) }
    }
}

/// Exact dot product in Double.
func referenceDot(_ a: [Float], _ b: [Float]) -> Double {
    zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
}

/// Checks `|actual[i] - expected[i]| <= bound(i)` for every element under the tolerance `name`,
/// reporting the worst element (largest error relative to its bound) and the largest absolute
/// error when any element is out of bounds.
func expectWithin(_ actual: [Float], _ expected: [Float], tolerance name: String,
                  bound: (Int) -> Float, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    var worst = 0, worstRatio: Float = 0, maxError: Float = 0, failures = 0
    for i in 0..<min(actual.count, expected.count) {
        let error = abs(actual[i] - expected[i])
        let limit = bound(i)
        maxError = max(maxError, error)
        let ratio = limit > 0 ? error / limit : (error > 0 ? .infinity : 0)
        if !(error <= limit) { failures += 1 }
        if ratio > worstRatio || error.isNaN { worst = i; worstRatio = error.isNaN ? .infinity : ratio }
    }
    #expect(failures == 0, """
        tolerance "\(name)": \(failures) element(s) out of bounds; max |error| \(maxError); \
        worst at [\(worst)]: got \(actual[worst]), want \(expected[worst]) ± \(bound(worst))
        """, sourceLocation: sourceLocation)
}

/// Checks one scalar against a named tolerance, printing the difference on failure.
func expectClose(_ actual: Double, _ expected: Double, tolerance name: String, bound: Double,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    let error = abs(actual - expected)
    #expect(error <= bound, """
        tolerance "\(name)": got \(actual), want \(expected); |difference| \(error) > bound \(bound)
        """, sourceLocation: sourceLocation)
}

/// The largest |x| in each `size`-element group, per element.
func groupAbsMax(_ x: [Float], size: Int) -> [Float] {
    var out = [Float](repeating: 0, count: x.count)
    for start in stride(from: 0, to: x.count, by: size) {
        let m = x[start..<start + size].reduce(0) { max($0, abs($1)) }
        for i in start..<start + size { out[i] = m }
    }
    return out
}

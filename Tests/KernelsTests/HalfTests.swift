// f16 and bf16 conversions: IEEE edge cases, round-to-nearest-even ties, exhaustive round trips,
// and agreement with Swift's own Float16 where the platform has it.

import Kernels
import Testing

@Suite("Half-precision conversions")
struct HalfTests {
    static let decodeCases: [(UInt16, Float)] = [
        (0x0000, 0), (0x8000, -0.0), (0x3C00, 1), (0xC000, -2), (0x3555, 0.333251953125),
        (0x7BFF, 65504), (0x0400, 0x1p-14), (0x0001, 0x1p-24), (0x03FF, 0x1.ff8p-15),
        (0x8001, -0x1p-24), (0x7C00, .infinity), (0xFC00, -.infinity),
    ]

    @Test("f16 bit patterns decode to their exact values", arguments: decodeCases)
    func f16Decode(bits: UInt16, value: Float) {
        let decoded = Half.float(fromF16: bits)
        #expect(decoded.bitPattern == value.bitPattern, "f16 0x\(String(bits, radix: 16)) → \(decoded), want \(value)")
    }

    @Test("f16 NaNs stay NaN and keep their payload")
    func f16NaN() {
        #expect(Half.float(fromF16: 0x7E00).bitPattern == 0x7FC0_0000)
        #expect(Half.float(fromF16: 0xFD01).isNaN)
        #expect(Half.float(fromF16: 0x7D01).bitPattern == 0x7FA0_2000)
        #expect(Half.f16(from: .nan) == 0x7E00)
        #expect(Half.f16(from: Float(bitPattern: 0x7F80_0001)) & 0x7C00 == 0x7C00)  // signalling → quiet NaN
        #expect(Half.f16(from: Float(bitPattern: 0x7F80_0001)) & 0x03FF != 0)
    }

    static let encodeCases: [(Float, UInt16)] = [
        (1, 0x3C00), (1 + 0x1p-11, 0x3C00), (1 + 3 * 0x1p-11, 0x3C02),
        (1 + 0x1p-11 + 0x1p-20, 0x3C01), (65504, 0x7BFF), (65519.996, 0x7BFF), (65520, 0x7C00),
        (1e9, 0x7C00), (-1e9, 0xFC00), (.infinity, 0x7C00), (-0.0, 0x8000),
        (0x1p-14, 0x0400), (0x1p-24, 0x0001), (0x1p-25, 0x0000), (0x1p-25 + 0x1p-40, 0x0001),
        (3 * 0x1p-25, 0x0002), (5 * 0x1p-25, 0x0002), (0x1.ff8p-15, 0x03FF),
        (0x1.ffcp-15, 0x0400), (1e-30, 0x0000), (-1e-30, 0x8000), (0x1p-149, 0x0000),
    ]

    @Test("f32 → f16 rounds to nearest, ties to even", arguments: encodeCases)
    func f16Encode(value: Float, bits: UInt16) {
        let encoded = Half.f16(from: value)
        #expect(encoded == bits, "\(value) → f16 0x\(String(encoded, radix: 16)), want 0x\(String(bits, radix: 16))")
    }

    @Test("every f16 survives f16 → f32 → f16")
    func f16Exhaustive() {
        var mismatches = 0
        for bits in 0...UInt16.max {
            let back = Half.f16(from: Half.float(fromF16: bits))
            let isNaN = bits & 0x7C00 == 0x7C00 && bits & 0x03FF != 0
            if isNaN ? back & 0x7E00 != 0x7E00 : back != bits { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    #if !(os(macOS) && arch(x86_64))
    @Test("f16 conversions agree with Swift's Float16 on random and boundary floats")
    func f16MatchesFloat16() {
        var random = TestRandom(seed: 7)
        var mismatches = 0, first = ""
        for n in 0..<400_000 {
            // Random bit patterns around the half range, plus every midpoint between adjacent halves.
            let value: Float
            if n < 0x7C00 {
                let low = Half.float(fromF16: UInt16(n)), high = Half.float(fromF16: UInt16(n + 1))
                value = (n & 1 == 0 ? 1 : -1) * (low + (high - low) / 2)
            } else {
                // Random sign and mantissa, exponent 2^-31 ... 2^16 (subnormal halves to overflow).
                let r = random.next()
                let exponent = UInt32(96 + r % 48) << 23
                value = Float(bitPattern: UInt32(truncatingIfNeeded: r >> 8) & 0x807F_FFFF | exponent)
            }
            let ours = Half.f16(from: value), swift = Float16(value).bitPattern
            if ours != swift && !value.isNaN {
                mismatches += 1
                if first.isEmpty { first = "\(value): ours 0x\(String(ours, radix: 16)), Float16 0x\(String(swift, radix: 16))" }
            }
        }
        for bits in 0...UInt16.max where bits & 0x7C00 != 0x7C00 {
            if Half.float(fromF16: bits) != Float(Float16(bitPattern: bits)) { mismatches += 1 }
        }
        #expect(mismatches == 0, "first mismatch: \(first)")
    }
    #endif

    static let bf16Cases: [(UInt32, UInt16)] = [
        (0x3F80_0000, 0x3F80), (0x3F80_8000, 0x3F80), (0x3F81_8000, 0x3F82),
        (0x3F80_8001, 0x3F81), (0x3F80_7FFF, 0x3F80), (0x7F7F_FFFF, 0x7F80), (0xFF80_0000, 0xFF80),
        (0x8000_0000, 0x8000), (0x0000_0001, 0x0000), (0x0000_8001, 0x0001), (0x7FC0_0000, 0x7FC0),
        (0x7F80_0001, 0x7FC0), (0xFF81_2345, 0xFFC1),
    ]

    @Test("bf16 conversions: exact widening, ties to even, infinities and NaN", arguments: bf16Cases)
    func bf16(bits: UInt32, expected: UInt16) {
        let encoded = Half.bf16(from: Float(bitPattern: bits))
        #expect(encoded == expected, "0x\(String(bits, radix: 16)) → bf16 0x\(String(encoded, radix: 16))")
        if Float(bitPattern: bits).isNaN { #expect(Half.float(fromBF16: encoded).isNaN) }
        #expect(Half.float(fromBF16: expected).bitPattern == UInt32(expected) << 16)
    }
}

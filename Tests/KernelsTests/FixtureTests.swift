// Cross-check against an independent implementation: Fixtures/QuantFixtures.swift holds blocks
// encoded and decoded by the `gguf` Python package (see scripts/make-quant-fixtures.py for the
// data and the package version). Minos must decode the same bytes to the same floats, bit for bit,
// and, where gguf also encodes (f16, bf16, q4_0, q4_1, q5_0, q5_1, q8_0), produce the same bytes.

import Foundation
import Kernels
import Testing

/// One fixture case: base64 of f32 input (nil where gguf only decodes), the encoded blocks, and
/// gguf's decoding of them.
struct QuantFixture: CustomTestStringConvertible, Sendable {
    let type: GGMLType
    let count: Int
    let input: String?
    let encoded: String
    let decoded: String

    var testDescription: String { "\(type)" }

    static func bytes(_ base64: String) -> [UInt8] {
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
            preconditionFailure("bad base64 in fixture")
        }
        return [UInt8](data)
    }

    static func floats(_ base64: String) -> [Float] {
        let raw = bytes(base64)
        return stride(from: 0, to: raw.count, by: 4).map { i in
            Float(bitPattern: UInt32(raw[i]) | UInt32(raw[i + 1]) << 8 | UInt32(raw[i + 2]) << 16 | UInt32(raw[i + 3]) << 24)
        }
    }
}

@Suite("Cross-check with the gguf Python package")
struct FixtureTests {
    @Test("fixtures cover every type gguf supports")
    func coverage() {
        #expect(QuantFixtures.generator.hasPrefix("gguf "))
        #expect(QuantFixtures.cases.map(\.type.description)
                == ["f16", "bf16", "q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q2_K", "q3_K", "q4_K", "q5_K", "q6_K",
                    "iq4_nl", "iq4_xs"])
    }

    @Test("Dequantize.row decodes gguf's bytes to gguf's floats, bit for bit", arguments: QuantFixtures.cases)
    func decodesLikeGGUF(fixture: QuantFixture) {
        let encoded = QuantFixture.bytes(fixture.encoded)
        let expected = QuantFixture.floats(fixture.decoded)
        #expect(expected.count == fixture.count)
        #expect(encoded.count == fixture.type.byteCount(elements: fixture.count))
        let y = decode(fixture.type, encoded, count: fixture.count)
        let mismatches = (0..<fixture.count).filter {
            y[$0].bitPattern != expected[$0].bitPattern && !(y[$0].isNaN && expected[$0].isNaN)
        }
        let first = mismatches.first.map { "[\($0)] = \(y[$0]), gguf \(expected[$0])" } ?? ""
        let mismatchCount = mismatches.count
        #expect(mismatchCount == 0, """
            tolerance "bit-exact vs \(QuantFixtures.generator)": \(mismatchCount) of \(fixture.count) differ; first \(first)
            """)
    }

    @Test("Quantize.row encodes gguf's input to gguf's bytes",
          arguments: QuantFixtures.cases.filter { $0.input != nil })
    func encodesLikeGGUF(fixture: QuantFixture) throws {
        let input = QuantFixture.floats(try #require(fixture.input))
        let expected = QuantFixture.bytes(fixture.encoded)
        let ours = encode(fixture.type, input)
        let differing = (0..<expected.count).filter { ours[$0] != expected[$0] }
        let first = differing.first.map {
            "byte \($0) (block \($0 / fixture.type.typeSize)): ours 0x\(String(ours[$0], radix: 16)), gguf 0x\(String(expected[$0], radix: 16))"
        } ?? ""
        let differingCount = differing.count
        #expect(differingCount == 0, "\(differingCount) bytes differ; first \(first)")
    }
}

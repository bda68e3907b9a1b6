// Blocks assembled byte by byte from GGML's struct layouts (ggml-common.h) with values worked out
// by hand from ggml-quants.c's dequantize_row_* loops, so a wrong bit layout cannot pass by being
// consistent with Minos's own quantizer. Each case checks a handful of elements that exercise a
// different field, nibble, bit plane or scale slot.

import Kernels
import Testing

/// A hand-built block: its bytes and (element index, exact value) pairs.
struct HandBuiltBlock: CustomTestStringConvertible, Sendable {
    let type: GGMLType
    let bytes: [UInt8]
    let expected: [(Int, Float)]
    var testDescription: String { "\(type)" }
}

private func f16Bytes(_ bits: UInt16) -> [UInt8] { [UInt8(bits & 0xFF), UInt8(bits >> 8)] }
private func int8Bytes(_ values: [Int]) -> [UInt8] { values.map { UInt8(bitPattern: Int8($0)) } }
/// `count` bytes, byte k being `f(k)`.
private func bytes(_ count: Int, _ f: (Int) -> UInt8) -> [UInt8] { (0..<count).map(f) }

/// qs[j] = j | (15 - j) << 4: element j has code j, element j + 16 has code 15 - j.
private let legacyNibbles = bytes(16) { UInt8($0) | UInt8(15 - $0) << 4 }
/// qh = 0xA5A5_0F0F (little-endian): bits 0-3, 8-11, 16, 18, 21, 23, 24, 26, 29, 31 set.
private let legacyHighBits: [UInt8] = [0x0F, 0x0F, 0xA5, 0xA5]
/// q4_K/q5_K scales: (sc, m) = (1,5) (2,6) (3,7) (63,8) (17,2) (3,36) (53,6) (7,8) for sub-blocks 0-7.
private let kScales: [UInt8] = [0x41, 0x02, 0xC3, 0x3F, 0x05, 0x86, 0x07, 0x08, 0x21, 0x43, 0x65, 0x87]
/// q4_K/q5_K nibbles: byte k holds k % 16 (low) and k / 16 (high).
private let kNibbles = bytes(128) { UInt8($0 % 16) | UInt8($0 / 16) << 4 }

let handBuiltBlocks: [HandBuiltBlock] = [
    HandBuiltBlock(type: .f32, bytes: [0, 0, 0xC0, 0x3F, 0, 0, 0x80, 0xFF],
                   expected: [(0, 1.5), (1, -.infinity)]),
    HandBuiltBlock(type: .f16, bytes: [0x00, 0x3C, 0x00, 0xC0, 0x01, 0x00, 0xFF, 0x7B, 0x00, 0x80],
                   expected: [(0, 1), (1, -2), (2, 0x1p-24), (3, 65504), (4, -0.0)]),
    HandBuiltBlock(type: .bf16, bytes: [0x80, 0x3F, 0x49, 0x40, 0x80, 0xFF],
                   expected: [(0, 1), (1, 3.140625), (2, -.infinity)]),
    // d = 0.5; x = (q - 8) d.
    HandBuiltBlock(type: .q4_0, bytes: f16Bytes(0x3800) + legacyNibbles,
                   expected: [(0, -4), (1, -3.5), (15, 3.5), (16, 3.5), (17, 3), (31, -4)]),
    // d = 0.25, m = -1; x = q d + m.
    HandBuiltBlock(type: .q4_1, bytes: f16Bytes(0x3400) + f16Bytes(0xBC00) + legacyNibbles,
                   expected: [(0, -1), (15, 2.75), (16, 2.75), (31, -1)]),
    // d = 1; x = q - 16, q = nibble | qh bit i << 4.
    HandBuiltBlock(type: .q5_0, bytes: f16Bytes(0x3C00) + legacyHighBits + legacyNibbles,
                   expected: [(0, 0), (3, 3), (4, -12), (8, 8), (12, -4), (16, 15), (17, -2),
                              (18, 13), (30, -15), (31, 0)]),
    // d = 0.5, m = 1; x = q d + m.
    HandBuiltBlock(type: .q5_1, bytes: f16Bytes(0x3800) + f16Bytes(0x3C00) + legacyHighBits + legacyNibbles,
                   expected: [(0, 9), (4, 3), (16, 16.5), (30, 1.5)]),
    // d = 0.5; qs[i] = i - 16.
    HandBuiltBlock(type: .q8_0, bytes: f16Bytes(0x3800) + int8Bytes((0..<32).map { $0 - 16 }),
                   expected: [(0, -8), (16, 0), (31, 7.5)]),
    // d = 2, s ignored by the decoder; qs[i] = ±i.
    HandBuiltBlock(type: .q8_1, bytes: f16Bytes(0x4000) + f16Bytes(0x7BFF)
                    + int8Bytes((0..<32).map { $0 % 2 == 0 ? $0 : -$0 }),
                   expected: [(3, -6), (4, 8), (31, -62)]),
    // scales[j] = (j % 15 + 1) | j << 4; qs all 0xE4 (codes 0,1,2,3 by bit pair) except
    // qs[5] and qs[52] = 0x1B (codes 3,2,1,0); d = 1, dmin = 0.5.
    HandBuiltBlock(type: .q2_K,
                   bytes: bytes(16) { UInt8($0 % 15 + 1) | UInt8($0) << 4 }
                    + bytes(64) { $0 == 5 || $0 == 52 ? 0x1B : 0xE4 } + f16Bytes(0x3C00) + f16Bytes(0x3800),
                   expected: [(0, 0), (5, 3), (37, 5), (40, 2), (69, 3), (100, 18), (101, -3),
                              (148, 25.5), (180, 18.5), (244, -7.5), (255, -4.5)]),
    // hmask all set except hmask[3] bit 0 and hmask[20] bit 7; qs all 0xE4; scales: low nibbles
    // 1 (j < 8) and 2 (j ≥ 8), byte 8 = 0xE4 gives j = 4, 8, 12 high bits 1, 2, 3; d = 0.5.
    HandBuiltBlock(type: .q3_K,
                   bytes: bytes(32) { $0 == 3 ? 0xFE : $0 == 20 ? 0x7F : 0xFF }
                    + [UInt8](repeating: 0xE4, count: 64)
                    + [UInt8](repeating: 0x21, count: 8) + [0xE4, 0, 0, 0] + f16Bytes(0x3800),
                   expected: [(0, 0), (3, 62), (35, -15.5), (64, -15), (130, 0), (160, -15),
                              (200, 18), (240, -45), (244, 15)]),
    // d = 1, dmin = 0.25.
    HandBuiltBlock(type: .q4_K, bytes: f16Bytes(0x3C00) + f16Bytes(0x3400) + kScales + kNibbles,
                   expected: [(0, -1.25), (7, 5.75), (40, -1.5), (56, 0.5), (70, 16.25), (127, 187),
                              (150, 101.5), (180, 6), (200, 422.5), (255, 47)]),
    // As q4_K plus qh[l] = 0xA5 (fifth bit for sub-blocks 0, 2, 5, 7), qh[31] = 0.
    HandBuiltBlock(type: .q5_K,
                   bytes: f16Bytes(0x3C00) + f16Bytes(0x3400) + kScales
                    + bytes(32) { $0 == 31 ? 0 : 0xA5 } + kNibbles,
                   expected: [(0, 14.75), (7, 21.75), (40, -1.5), (56, 0.5), (70, 64.25), (127, 187),
                              (150, 101.5), (180, 54), (200, 422.5), (224, 152), (255, 47)]),
    // ql[k] = k % 16 | (k / 16) << 4; qh all 0xE4 except qh[5] = 0x1B, qh[39] = 0;
    // scales[j] = 2j - 15; d = 0.5; x = d sc (q - 32).
    HandBuiltBlock(type: .q6_K,
                   bytes: bytes(128) { UInt8($0 % 16) | UInt8($0 / 16) << 4 }
                    + bytes(64) { $0 == 5 ? 0x1B : $0 == 39 ? 0 : 0xE4 }
                    + int8Bytes((0..<16).map { 2 * $0 - 15 }) + f16Bytes(0x3800),
                   expected: [(0, 240), (5, -157.5), (37, -27.5), (69, 56), (100, -27), (101, 45),
                              (135, -12.5), (200, 18), (255, 172.5)]),
    // d = 0.25 (f32); qs[e] = e - 128.
    HandBuiltBlock(type: .q8_K,
                   bytes: [0, 0, 0x80, 0x3E] + int8Bytes((0..<256).map { $0 - 128 }) + [UInt8](repeating: 0, count: 32),
                   expected: [(0, -32), (128, 0), (255, 31.75)]),
]

@Suite("Hand-built blocks")
struct HandBuiltBlockTests {
    @Test("decode to the values worked out from GGML's layout", arguments: handBuiltBlocks)
    func decodesKnownValues(block: HandBuiltBlock) {
        #expect(block.bytes.count % block.type.typeSize == 0)
        let count = block.bytes.count / block.type.typeSize * block.type.blockSize
        let y = decode(block.type, block.bytes, count: count)
        for (index, value) in block.expected {
            #expect(y[index].bitPattern == value.bitPattern || (y[index] == 0 && value == 0),
                    "\(block.type)[\(index)] = \(y[index]), want \(value)")
        }
    }

    @Test("Dot.row of a hand-built block with one-hot vectors picks single elements",
          arguments: handBuiltBlocks.filter { $0.type.blockSize > 1 })
    func dotPicksElements(block: HandBuiltBlock) {
        let count = block.type.blockSize
        for (index, value) in block.expected {
            var x = [Float](repeating: 0, count: count)
            x[index] = 1
            #expect(dot(block.type, block.bytes, x) == value, "\(block.type) · e\(index)")
        }
    }
}

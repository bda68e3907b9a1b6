// GGML's "legacy" 32-element block formats (ggml-common.h: block_q4_0, block_q4_1, block_q5_0,
// block_q5_1, block_q8_0, block_q8_1) and their dequantizers.
//
// Layouts (offsets in bytes, f16 = IEEE half, all little-endian):
//   q4_0  18 B: d f16 @0, qs[16] @2.            x = (q - 8) * d
//   q4_1  20 B: d f16 @0, m f16 @2, qs[16] @4.  x = q * d + m
//   q5_0  22 B: d f16 @0, qh u32 @2, qs[16] @6. x = (q - 16) * d
//   q5_1  24 B: d @0, m @2, qh u32 @4, qs[16] @8. x = q * d + m
//   q8_0  34 B: d f16 @0, qs int8[32] @2.       x = q * d
//   q8_1  36 B: d f16 @0, s f16 @2 (= d * sum(qs)), qs int8[32] @4.
// Nibbles: byte j of qs holds element j in its low nibble and element j + 16 in its high nibble.
// 5-bit types: bit i of qh is the fifth (0x10) bit of element i.

/// Block geometry of the legacy formats.
enum Legacy {
    static let blockSize = 32

    /// Byte offsets of the fields inside each block.
    enum Q4_0 { static let bytes = 18, d = 0, qs = 2 }
    enum Q4_1 { static let bytes = 20, d = 0, m = 2, qs = 4 }
    enum Q5_0 { static let bytes = 22, d = 0, qh = 2, qs = 6 }
    enum Q5_1 { static let bytes = 24, d = 0, m = 2, qh = 4, qs = 8 }
    enum Q8_0 { static let bytes = 34, d = 0, qs = 2 }
    enum Q8_1 { static let bytes = 36, d = 0, s = 2, qs = 4 }

    /// The 4-bit code of element `i` (0..<32) in a 16-byte nibble array.
    @inline(__always)
    static func nibble(_ qs: UnsafeRawPointer, _ i: Int) -> Int {
        let byte = qs.byte(i & 15)
        return Int(i < 16 ? byte & 0x0F : byte >> 4)
    }

    /// The 5-bit code of element `i`: its nibble plus bit `i` of `qh` as 0x10.
    @inline(__always)
    static func fiveBit(_ qs: UnsafeRawPointer, _ qh: UInt32, _ i: Int) -> Int {
        nibble(qs, i) | Int((qh >> UInt32(i)) & 1) << 4
    }
}

// MARK: - Dequantizers (one row of `blocks` blocks each)

extension Legacy {
    static func dequantizeQ4_0(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = source + b * Q4_0.bytes
            let out = y + b * blockSize
            let d = block.f16(Q4_0.d)
            let qs = block + Q4_0.qs
            for i in 0..<blockSize {
                out[i] = Float(nibble(qs, i) - 8) * d
            }
        }
    }

    static func dequantizeQ4_1(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = source + b * Q4_1.bytes
            let out = y + b * blockSize
            let d = block.f16(Q4_1.d), m = block.f16(Q4_1.m)
            let qs = block + Q4_1.qs
            for i in 0..<blockSize {
                out[i] = Float(nibble(qs, i)) * d + m
            }
        }
    }

    static func dequantizeQ5_0(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = source + b * Q5_0.bytes
            let out = y + b * blockSize
            let d = block.f16(Q5_0.d)
            let qh = block.uint32(Q5_0.qh)
            let qs = block + Q5_0.qs
            for i in 0..<blockSize {
                out[i] = Float(fiveBit(qs, qh, i) - 16) * d
            }
        }
    }

    static func dequantizeQ5_1(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = source + b * Q5_1.bytes
            let out = y + b * blockSize
            let d = block.f16(Q5_1.d), m = block.f16(Q5_1.m)
            let qh = block.uint32(Q5_1.qh)
            let qs = block + Q5_1.qs
            for i in 0..<blockSize {
                out[i] = Float(fiveBit(qs, qh, i)) * d + m
            }
        }
    }

    static func dequantizeQ8_0(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = source + b * Q8_0.bytes
            let out = y + b * blockSize
            let d = block.f16(Q8_0.d)
            for i in 0..<blockSize {
                out[i] = Float(block.int8(Q8_0.qs + i)) * d
            }
        }
    }

    static func dequantizeQ8_1(_ source: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = source + b * Q8_1.bytes
            let out = y + b * blockSize
            let d = block.f16(Q8_1.d)
            for i in 0..<blockSize {
                out[i] = Float(block.int8(Q8_1.qs + i)) * d
            }
        }
    }
}

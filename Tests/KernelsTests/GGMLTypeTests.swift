// GGMLType's block geometry against the sizes ggml-common.h asserts (static_assert on each
// block_* struct), and byteCount's edge cases.

import Kernels
import Testing

@Suite("GGMLType sizes")
struct GGMLTypeTests {
    /// (type, GGML id, elements per block, bytes per block) from ggml.h / ggml-common.h.
    static let table: [(GGMLType, UInt32, Int, Int)] = [
        (.f32, 0, 1, 4), (.f16, 1, 1, 2), (.q4_0, 2, 32, 18), (.q4_1, 3, 32, 20),
        (.q5_0, 6, 32, 22), (.q5_1, 7, 32, 24), (.q8_0, 8, 32, 34), (.q8_1, 9, 32, 36),
        (.q2_K, 10, 256, 84), (.q3_K, 11, 256, 110), (.q4_K, 12, 256, 144), (.q5_K, 13, 256, 176),
        (.q6_K, 14, 256, 210), (.q8_K, 15, 256, 292), (.iq4_nl, 20, 32, 18), (.iq4_xs, 23, 256, 136),
        (.bf16, 30, 1, 2),
    ]

    @Test("ids, block sizes and type sizes match GGML", arguments: table)
    func geometry(type: GGMLType, id: UInt32, blockSize: Int, typeSize: Int) {
        #expect(type.rawValue == id)
        #expect(type.blockSize == blockSize)
        #expect(type.typeSize == typeSize)
        #expect(type.byteCount(elements: 4096) == 4096 / blockSize * typeSize)
    }

    @Test("the table covers every case")
    func coversAllCases() {
        #expect(Set(Self.table.map(\.0.rawValue)) == Set(GGMLType.allCases.map(\.rawValue)))
    }

    @Test("byteCount rejects partial blocks, negatives and overflow", arguments: GGMLType.allCases)
    func byteCountEdges(type: GGMLType) {
        #expect(type.byteCount(elements: 0) == 0)
        #expect(type.byteCount(elements: -type.blockSize) == nil)
        if type.blockSize > 1 {
            #expect(type.byteCount(elements: type.blockSize + 1) == nil)
        }
        let huge = (Int.max / type.blockSize) * type.blockSize
        // Bytes overflow exactly when a block is larger than its element count.
        #expect((type.byteCount(elements: huge) == nil) == (type.typeSize > type.blockSize))
    }
}

import GGUF
import Kernels
import Testing

/// One test per check, each on a file built with the writer and then corrupted.
@Suite("GGUF header validation")
struct GGUFValidationTests {
    @Test("bad magic is refused as not a GGUF file")
    func badMagic() throws {
        var bytes = try Fixture.small()
        bytes.replace("GGUF", with: "GGML")
        expectFailure(bytes, .badMagic, mentions: ["not a GGUF file: magic is", "47 47 4d 4c", "GGML", "byte 0"])
    }

    @Test("unsupported versions are refused, version 1 with its own explanation", arguments: [UInt32(0), 1, 4, 0x0300_0000])
    func unsupportedVersion(_ version: UInt32) throws {
        var bytes = try Fixture.small()
        bytes.put(version, at: 4)
        expectFailure(bytes, .unsupportedVersion, mentions: ["version", "byte 4"])
        if version == 1 { expectFailure(bytes, .unsupportedVersion, mentions: ["version 1", "2 and 3"]) }
        if version == 0x0300_0000 { expectFailure(bytes, .unsupportedVersion, mentions: ["big-endian"]) }
    }

    @Test("a metadata count the file cannot hold is refused before reserving")
    func metadataCountTooLarge() throws {
        var bytes = try Fixture.small()
        bytes.put(UInt64.max, at: 16)
        expectFailure(bytes, .countTooLarge, mentions: ["metadata key/value count \(UInt64.max)", "byte 16"])
    }

    @Test("a tensor count the remaining bytes could not describe is refused")
    func tensorCountTooLarge() throws {
        var bytes = try Fixture.small()
        bytes.put(UInt64(bytes.count / 32 + 1), at: 8)
        expectFailure(bytes, .countTooLarge, mentions: ["tensor count", "byte 8"])
        bytes.put(UInt64(1) << 62, at: 8)
        expectFailure(bytes, .countTooLarge, mentions: ["tensor count \(UInt64(1) << 62)"])
    }

    @Test("a string length past the end of the file is refused", arguments: [UInt64(1) << 50, UInt64.max])
    func stringPastEnd(_ length: UInt64) throws {
        var bytes = try Fixture.small([("s.value", .string("abc"))])
        // The string value's u64 length sits just before "abc".
        let at = try #require(bytes.offset(of: "abc")) - 8
        bytes.put(length, at: at)
        expectFailure(bytes, .stringTooLong, mentions: ["'s.value'", "byte \(at)", "length \(length)"])
    }

    @Test("a key length past the end of the file is refused")
    func keyPastEnd() throws {
        var bytes = try Fixture.small()
        bytes.put(UInt64(bytes.count), at: 24)
        expectFailure(bytes, .stringTooLong, mentions: ["metadata key #0", "byte 24"])
    }

    @Test("an unknown metadata value type is refused, naming it and the key", arguments: [UInt32(13), 255, .max])
    func unknownValueType(_ type: UInt32) throws {
        var bytes = try Fixture.small([("k.unknown", .uint32(1))])
        let at = try #require(bytes.offset(after: "k.unknown"))
        bytes.put(type, at: at)
        expectFailure(bytes, .unknownValueType, mentions: ["type \(type)", "'k.unknown'", "byte \(at)"])
    }

    @Test("an unknown array element type is refused")
    func unknownElementType() throws {
        var bytes = try Fixture.small([("k.arr", .array([.uint8(1)]))])
        let at = try #require(bytes.offset(after: "k.arr")) + 4
        bytes.put(UInt32(99), at: at)
        expectFailure(bytes, .unknownValueType, mentions: ["type 99", "'k.arr'"])
    }

    @Test("an array element count too large for the file is refused", arguments: [UInt64(1000), 1 << 61, .max])
    func arrayTooLarge(_ count: UInt64) throws {
        var bytes = try Fixture.small([("k.arr", .array([.int32(1), .int32(2)]))])
        let at = try #require(bytes.offset(after: "k.arr")) + 8
        #expect(bytes.read(UInt64.self, at: at) == 2)
        bytes.put(count, at: at)
        expectFailure(bytes, .arrayTooLarge, mentions: ["'k.arr'", "\(count) elements", "byte \(at)"])
    }

    @Test("arrays beyond the reader's total element limit are refused even when the file could hold them")
    func arrayElementLimit() throws {
        var writer = GGUFWriter()
        writer.set("big", .array([.uint8(0)]))
        let limit = GGUFLimits.maxMetadataArrayElements
        var bytes = writer.serialize()
        let at = try #require(bytes.offset(after: "big")) + 8
        bytes.put(UInt64(limit + 1), at: at)
        bytes += [UInt8](repeating: 0, count: limit + 1)
        expectFailure(bytes, .arrayTooLarge, mentions: ["'big'", "\(limit + 1) elements", "in all"])
    }

    @Test("arrays nested deeper than the limit are refused; the limit itself is fine")
    func nestingDepth() throws {
        #expect(parseError(try Fixture.small([("deep", Fixture.nested(depth: GGUFLimits.maxArrayDepth))])) == nil)
        let bytes = try Fixture.small([("deep", Fixture.nested(depth: GGUFLimits.maxArrayDepth + 1))])
        expectFailure(bytes, .nestingTooDeep, mentions: ["'deep'", "nested 9 deep", "limit is 8"])
    }

    @Test("a bool byte other than 0 or 1 is refused")
    func invalidBool() throws {
        var bytes = try Fixture.small([("flag", .bool(true))])
        let at = try #require(bytes.offset(after: "flag")) + 4
        bytes[at] = 2
        expectFailure(bytes, .invalidBool, mentions: ["'flag'", "is 2", "byte \(at)"])
        var array = try Fixture.small([("flags", .array([.bool(false), .bool(true)]))])
        array[try #require(array.offset(after: "flags")) + 4 + 4 + 8 + 1] = 7
        expectFailure(array, .invalidBool, mentions: ["'flags'", "is 7"])
    }

    @Test("a duplicate metadata key is refused")
    func duplicateKey() throws {
        var bytes = try Fixture.small([("dup.a", .uint8(1)), ("dup.b", .uint8(2))])
        let at = try #require(bytes.offset(of: "dup.b")) - 8
        bytes.replace("dup.b", with: "dup.a")
        expectFailure(bytes, .duplicateKey, mentions: ["'dup.a'", "byte \(at)"])
    }

    @Test("a duplicate tensor name is refused")
    func duplicateTensor() throws {
        var bytes = try Fixture.small()
        let at = try #require(bytes.offset(of: "t.b")) - 8
        bytes.replace("t.b", with: "t.a")
        expectFailure(bytes, .duplicateTensor, mentions: ["'t.a'", "byte \(at)"])
    }

    @Test("a tensor with 0 or more than 4 dimensions is refused", arguments: [UInt32(0), 5, .max])
    func dimensionCount(_ count: UInt32) throws {
        var bytes = try Fixture.small()
        let fields = TensorFieldOffsets(bytes, name: "t.a", dimensions: 1)
        bytes.put(count, at: fields.dimensionCount)
        expectFailure(bytes, .invalidDimensionCount, mentions: ["'t.a'", "\(count) dimensions", "byte \(fields.dimensionCount)"])
    }

    @Test("a zero or absurd dimension is refused", arguments: [UInt64(0), 1 << 41, .max])
    func badDimension(_ dimension: UInt64) throws {
        var bytes = try Fixture.small()
        let fields = TensorFieldOffsets(bytes, name: "t.b", dimensions: 2)
        bytes.put(dimension, at: fields.dimensions[1])
        expectFailure(bytes, .invalidDimension, mentions: ["dimension 1 of tensor 't.b'", "is \(dimension)"])
    }

    @Test("an element count or byte size that overflows is refused")
    func elementCountOverflow() throws {
        var writer = GGUFWriter()
        try writer.addTensor(name: "big", shape: [1, 1, 1, 1], type: .f32, data: [0, 0, 0, 0])
        let clean = writer.serialize()
        let fields = TensorFieldOffsets(clean, name: "big", dimensions: 4)
        var elements = clean
        for at in fields.dimensions { elements.put(UInt64(1) << 40, at: at) }
        expectFailure(elements, .elementCountOverflow, mentions: ["'big'", "overflows"])
        var bytes = clean
        bytes.put(UInt64(1) << 40, at: fields.dimensions[0])
        bytes.put(UInt64(1) << 21, at: fields.dimensions[1])  // 2^61 elements fit; 2^63 bytes do not
        expectFailure(bytes, .elementCountOverflow, mentions: ["'big'", "byte size"])
    }

    @Test("an unknown tensor type id is refused, naming the id", arguments: [UInt32(4), 16, 31, .max])
    func unknownTensorType(_ type: UInt32) throws {
        var bytes = try Fixture.small()
        let fields = TensorFieldOffsets(bytes, name: "t.a", dimensions: 1)
        bytes.put(type, at: fields.type)
        expectFailure(bytes, .unknownTensorType, mentions: ["'t.a'", "unknown type id \(type)", "byte \(fields.type)"])
    }

    @Test("rows that are not whole blocks of the tensor's type are refused", arguments: [[UInt64(33), 2], [16, 4]])
    func notWholeBlocks(_ shape: [UInt64]) throws {
        var bytes = try Fixture.small()
        let fields = TensorFieldOffsets(bytes, name: "t.b", dimensions: 2)
        bytes.put(shape[0], at: fields.dimensions[0])
        bytes.put(shape[1], at: fields.dimensions[1])
        expectFailure(bytes, .notWholeBlocks, mentions: ["'t.b'", "q8_0", "blocks of 32"])
    }

    @Test("a tensor offset that is not a multiple of the alignment is refused")
    func misalignedOffset() throws {
        var bytes = try Fixture.small()
        let fields = TensorFieldOffsets(bytes, name: "t.b", dimensions: 2)
        #expect(bytes.read(UInt64.self, at: fields.offset) == 64)
        bytes.put(UInt64(68), at: fields.offset)
        expectFailure(bytes, .misalignedTensor, mentions: ["'t.b'", "offset 68", "alignment 32", "byte \(fields.offset)"])
    }

    @Test("tensor data past the end of the file is refused")
    func tensorPastEnd() throws {
        let clean = try Fixture.small()
        let file = try GGUFFile(bytes: clean)
        let lastEnd = file.dataOffset + 64 + 68
        expectFailure(Array(clean.prefix(lastEnd - 1)), .tensorPastEnd, mentions: ["'t.b'", "past the end"])
        var bytes = clean
        let fields = TensorFieldOffsets(bytes, name: "t.a", dimensions: 1)
        bytes.put(UInt64(1) << 62, at: fields.offset)
        expectFailure(bytes, .tensorPastEnd, mentions: ["'t.a'"])
        bytes.put(UInt64.max - 31, at: fields.offset)
        expectFailure(bytes, .tensorPastEnd, mentions: ["'t.a'"])
    }

    @Test("overlapping tensors are refused")
    func overlap() throws {
        var bytes = try Fixture.small()
        let fields = TensorFieldOffsets(bytes, name: "t.b", dimensions: 2)
        bytes.put(UInt64(32), at: fields.offset)
        expectFailure(bytes, .overlappingTensors, mentions: ["'t.a'", "'t.b'", "overlap"])
    }

    @Test("general.alignment must be a nonzero power-of-two integer",
          arguments: [GGUFValue.uint32(0), .uint32(3), .uint32(48), .int32(-32), .string("32"), .float32(32)])
    func badAlignment(_ value: GGUFValue) throws {
        let bytes = try Fixture.small([("general.alignment", value)])
        expectFailure(bytes, .invalidAlignment, mentions: ["general.alignment", "power-of-two"])
    }

    @Test("a header truncated inside a metadata value or tensor info is refused")
    func truncatedHeader() throws {
        // Counts are checked against the bytes left first, so cut a file whose counts still fit.
        var writer = GGUFWriter()
        writer.set("k.long", .string("a fairly long string value"))
        let metadataOnly = writer.serialize()
        let value = try #require(metadataOnly.offset(of: "a fairly"))
        expectFailure(Array(metadataOnly.prefix(value + 5)), .stringTooLong, mentions: ["'k.long'", "byte \(value - 8)"])
        expectFailure(Array(metadataOnly.prefix(value - 4)), .truncated, mentions: ["truncated", "byte \(value - 8)", "'k.long'"])
        expectFailure(Array(metadataOnly.prefix(value - 10)), .truncated, mentions: ["value type of key 'k.long'"])
        let clean = try Fixture.small()
        let fields = TensorFieldOffsets(clean, name: "t.b", dimensions: 2)
        expectFailure(Array(clean.prefix(fields.type + 2)), .truncated, mentions: ["type of tensor 't.b'"])
        expectFailure(Array(clean.prefix(10)), .truncated, mentions: ["tensor count", "byte 8"])
        expectFailure(Array(clean.prefix(60)), .countTooLarge, mentions: ["tensor count 2", "corrupt or truncated"])
    }

    @Test("invalid UTF-8 in a string is repaired with U+FFFD rather than refused")
    func invalidUTF8() throws {
        var bytes = try Fixture.small([("k.text", .string("abc"))])
        bytes[try #require(bytes.offset(of: "abc")) + 1] = 0xff
        let file = try GGUFFile(bytes: bytes)
        #expect(file.string("k.text") == "a\u{FFFD}c")
    }

    @Test("empty and tiny buffers are refused")
    func emptyAndTiny() {
        expectFailure([], .emptyFile, mentions: ["empty"])
        expectFailure(Array("GG".utf8), .truncated, mentions: ["magic"])
        expectFailure(Array("{}".utf8), .badMagic, mentions: ["not a GGUF file"])
        expectFailure(Array("GGUF".utf8), .truncated, mentions: ["version", "byte 4"])
    }
}

import GGUF
import Kernels
import Testing

@Suite("GGUF write → read round trips")
struct GGUFRoundTripTests {
    @Test("every metadata value type reads back identically", arguments: Fixture.metadata)
    func metadataValue(_ item: MetadataCase) throws {
        var writer = GGUFWriter()
        writer.set(item.key, item.value)
        let file = try GGUFFile(bytes: writer.serialize())
        #expect(file.value(item.key) == item.value)
        #expect(file.metadataKeys == [item.key])
        #expect(file.tensors.isEmpty)
    }

    @Test("all metadata and tensors together keep file order and bytes")
    func fullFile() throws {
        let writer = try Fixture.fullWriter()
        let file = try GGUFFile(bytes: writer.serialize())
        #expect(file.version == 3)
        #expect(file.metadataKeys == ["general.architecture"] + Fixture.metadata.map(\.key))
        for item in Fixture.metadata {
            #expect(file.value(item.key) == item.value, "\(item.key)")
        }
        #expect(file.tensors == writer.tensorInfos)
        #expect(file.tensors.map(\.name) == ["token_embd.weight", "blk.0.attn_q.weight", "output_norm.weight"])
        #expect(Array(try #require(file.data(named: "token_embd.weight"))) == Fixture.bytes(96, seed: 1))
        #expect(Array(try #require(file.data(named: "blk.0.attn_q.weight"))) == Fixture.bytes(68, seed: 2))
        #expect(Array(try #require(file.data(named: "output_norm.weight"))) == Fixture.bytes(10, seed: 3))
        #expect(file.data(named: "missing") == nil)
        #expect(file.tensor(named: "missing") == nil)
    }

    @Test("tensor info fields: shape as stored, type, offsets aligned, sizes", arguments: GGMLType.allCases)
    func tensorOfType(_ type: GGMLType) throws {
        var writer = GGUFWriter()
        let shape = [type.blockSize * 2, 3]
        let byteCount = try #require(type.byteCount(elements: shape[0] * shape[1]))
        let data = Fixture.bytes(byteCount, seed: UInt64(type.rawValue))
        try writer.addTensor(name: "lead", shape: [1], type: .f32, data: [1, 2, 3, 4])
        try writer.addTensor(name: "w", shape: shape, type: type, data: data)
        let file = try GGUFFile(bytes: writer.serialize())
        let info = try #require(file.tensor(named: "w"))
        #expect(info.shape == shape)
        #expect(info.type == type)
        #expect(info.elementCount == shape[0] * 3)
        #expect(info.byteCount == byteCount)
        #expect(info.offset == 32)
        #expect(file.dataOffset % 32 == 0)
        #expect(Array(file.data(for: info)) == data)
    }

    @Test("version 2 files read the same as version 3")
    func version2() throws {
        let writer = try Fixture.fullWriter(version: 2)
        let file = try GGUFFile(bytes: writer.serialize())
        #expect(file.version == 2)
        #expect(file.tensors == writer.tensorInfos)
        #expect(file.string("t.string.unicode") == "héllo wörld, 日本語, emoji 👩‍💻, ▁token")
    }

    @Test("a non-default alignment is written as general.alignment and honoured", arguments: [1, 8, 64, 4096])
    func alignment(_ alignment: Int) throws {
        let writer = try Fixture.fullWriter(alignment: alignment)
        let file = try GGUFFile(bytes: writer.serialize())
        #expect(file.alignment == alignment)
        #expect(file.dataOffset % alignment == 0)
        #expect(file.tensors.allSatisfy { $0.offset % alignment == 0 })
        #expect(file.integer("general.alignment") == (alignment == 32 ? nil : alignment))
        #expect(Array(try #require(file.data(named: "output_norm.weight"))) == Fixture.bytes(10, seed: 3))
    }

    @Test("the data section starts at the header end rounded up to the alignment")
    func dataSectionStart() throws {
        var writer = GGUFWriter()
        writer.set("k", .string("v"))
        try writer.addTensor(name: "t", shape: [2], type: .f32, data: [1, 2, 3, 4, 5, 6, 7, 8])
        let bytes = writer.serialize()
        // magic, version, counts (24) + key "k" (8 + 1) + type (4) + "v" (8 + 1) + info "t" (8 + 1 + 4 + 8 + 4 + 8).
        let headerEnd = 24 + 9 + 4 + 9 + 33
        let file = try GGUFFile(bytes: bytes)
        #expect(file.dataOffset == (headerEnd + 31) / 32 * 32)
        #expect(Array(bytes[file.dataOffset..<(file.dataOffset + 8)]) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(bytes[headerEnd..<file.dataOffset].allSatisfy { $0 == 0 })
    }

    @Test("a file with metadata only, and one with nothing at all, parse")
    func emptyTables() throws {
        let bare = try GGUFFile(bytes: GGUFWriter().serialize())
        #expect(bare.metadataKeys.isEmpty && bare.tensors.isEmpty)
        var writer = GGUFWriter()
        writer.set("a", .bool(true))
        #expect(try GGUFFile(bytes: writer.serialize()).bool("a") == true)
    }

    @Test("set keeps insertion order and replaces a value in place")
    func setOrder() throws {
        var writer = GGUFWriter()
        writer.set("z", .uint8(1))
        writer.set("a", .uint8(2))
        writer.set("z", .string("replaced"))
        let file = try GGUFFile(bytes: writer.serialize())
        #expect(file.metadataKeys == ["z", "a"])
        #expect(file.string("z") == "replaced")
    }

    @Test("a 150,000-token vocabulary round-trips")
    func largeVocabulary() throws {
        let tokens = (0..<150_000).map { "tok\($0)▁" }
        let scores = (0..<150_000).map { GGUFValue.float32(Float($0) * -0.25) }
        let types = (0..<150_000).map { GGUFValue.int32(Int32($0 % 6)) }
        var writer = GGUFWriter()
        writer.set("tokenizer.ggml.tokens", .array(tokens.map(GGUFValue.string)))
        writer.set("tokenizer.ggml.scores", .array(scores))
        writer.set("tokenizer.ggml.token_type", .array(types))
        let file = try GGUFFile(bytes: writer.serialize())
        #expect(file.stringArray("tokenizer.ggml.tokens") == tokens)
        #expect(file.floatArray("tokenizer.ggml.scores")?[149_999] == Double(Float(149_999) * -0.25))
        #expect(file.integerArray("tokenizer.ggml.token_type")?.count == 150_000)
    }

    @Test("the writer rejects data of the wrong size, bad shapes and duplicate names")
    func writerValidation() throws {
        var writer = GGUFWriter()
        #expect(throws: GGUFError.self) { try writer.addTensor(name: "a", shape: [4], type: .f32, data: [0]) }
        #expect(throws: GGUFError.self) { try writer.addTensor(name: "b", shape: [], type: .f32, data: []) }
        #expect(throws: GGUFError.self) { try writer.addTensor(name: "c", shape: [1, 1, 1, 1, 1], type: .f32, data: [0, 0, 0, 0]) }
        #expect(throws: GGUFError.self) { try writer.addTensor(name: "d", shape: [0], type: .f32, data: []) }
        #expect(throws: GGUFError.self) { try writer.addTensor(name: "e", shape: [16], type: .q8_0, data: []) }
        try writer.addTensor(name: "f", shape: [1], type: .f32, data: [0, 0, 0, 0])
        do {
            try writer.addTensor(name: "f", shape: [1], type: .f32, data: [0, 0, 0, 0])
            Issue.record("duplicate tensor accepted")
        } catch {
            #expect(error.kind == .invalidArgument)
            #expect(error.message.contains("'f'"))
        }
        #expect(writer.tensorInfos.map(\.name) == ["f"])
    }
}

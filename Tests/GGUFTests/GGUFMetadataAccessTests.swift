import GGUF
import Kernels
import Testing

@Suite("GGUF typed metadata accessors")
struct GGUFMetadataAccessTests {
    let file: GGUFFile

    init() throws {
        file = try GGUFFile(bytes: Fixture.fullWriter().serialize())
    }

    @Test("integer reads every integer width and refuses what does not fit Int")
    func integers() {
        #expect(file.integer("t.uint8") == 250)
        #expect(file.integer("t.int8") == -7)
        #expect(file.integer("t.uint16") == 65_000)
        #expect(file.integer("t.int16") == -32_000)
        #expect(file.integer("t.uint32") == 4_000_000_000)
        #expect(file.integer("t.int32") == -2_000_000_000)
        #expect(file.integer("t.int64") == Int(Int64.min))
        #expect(file.integer("t.uint64") == nil, "UInt64.max does not fit Int")
        #expect(file.integer("t.float32") == nil)
        #expect(file.integer("t.string") == nil)
        #expect(file.integer("t.bool.true") == nil)
        #expect(file.integer("no.such.key") == nil)
    }

    @Test("float reads floats and integers as Double")
    func floats() {
        #expect(file.float("t.float64") == .pi)
        #expect(file.float("t.float32") == Double(Float(-1.5e-5)))
        #expect(file.float("t.int8") == -7)
        #expect(file.float("t.uint64") == Double(UInt64.max))
        #expect(file.float("t.string") == nil)
        #expect(file.float("no.such.key") == nil)
    }

    @Test("string and bool read only their own kinds")
    func stringsAndBools() {
        #expect(file.string("general.architecture") == "llama")
        #expect(file.string("t.string.empty") == "")
        #expect(file.string("t.uint8") == nil)
        #expect(file.bool("t.bool.true") == true)
        #expect(file.bool("t.bool.false") == false)
        #expect(file.bool("t.uint8") == nil)
        #expect(file.string("no.such.key") == nil && file.bool("no.such.key") == nil)
    }

    @Test("typed arrays convert every element or return nil")
    func arrays() {
        #expect(file.stringArray("t.array.strings") == ["a", "", "ü"])
        #expect(file.stringArray("t.array.int32") == nil)
        #expect(file.stringArray("t.array.empty") == [])
        #expect(file.floatArray("t.array.float32") == [0.5, -2])
        #expect(file.floatArray("t.array.int32") == [1, -1, Double(Int32.max)])
        #expect(file.floatArray("t.array.strings") == nil)
        #expect(file.integerArray("t.array.int32") == [1, -1, Int(Int32.max)])
        #expect(file.integerArray("t.array.uint16") == [1, 65_535])
        #expect(file.integerArray("t.array.uint64") == nil, "UInt64.max does not fit Int")
        #expect(file.integerArray("t.array.float32") == nil)
        #expect(file.integerArray("t.string") == nil)
        #expect(file.array("t.array.nested")?.count == 3)
        #expect(file.array("t.string") == nil)
    }

    @Test("GGUFValue's own accessors")
    func valueAccessors() {
        #expect(GGUFValue.int16(-3).intValue == -3)
        #expect(GGUFValue.uint64(UInt64(Int.max) + 1).intValue == nil)
        #expect(GGUFValue.uint32(9).doubleValue == 9)
        #expect(GGUFValue.string("x").stringValue == "x")
        #expect(GGUFValue.bool(true).boolValue == true)
        #expect(GGUFValue.array([.bool(false)]).arrayValue == [.bool(false)])
        #expect(GGUFValue.float64(1).intValue == nil)
        #expect(GGUFValue.string("1").doubleValue == nil)
    }

    @Test("metadata keeps keys in file order alongside the dictionary")
    func order() {
        #expect(file.metadataKeys.count == file.metadata.count)
        #expect(file.metadataKeys.first == "general.architecture")
        #expect(file.metadataKeys.last == "t.array.deep")
        #expect(Set(file.metadataKeys) == Set(file.metadata.keys))
    }
}

import GGUF
import Kernels
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A named metadata value, for parameterized tests.
struct MetadataCase: Sendable, CustomTestStringConvertible {
    let key: String
    let value: GGUFValue
    var testDescription: String { key }
}

/// Fixtures built with the writer.
enum Fixture {
    /// One value of every scalar type, plus strings and arrays of every kind.
    static let metadata: [MetadataCase] = [
        MetadataCase(key: "t.uint8", value: .uint8(250)),
        MetadataCase(key: "t.int8", value: .int8(-7)),
        MetadataCase(key: "t.uint16", value: .uint16(65_000)),
        MetadataCase(key: "t.int16", value: .int16(-32_000)),
        MetadataCase(key: "t.uint32", value: .uint32(4_000_000_000)),
        MetadataCase(key: "t.int32", value: .int32(-2_000_000_000)),
        MetadataCase(key: "t.uint64", value: .uint64(.max)),
        MetadataCase(key: "t.int64", value: .int64(.min)),
        MetadataCase(key: "t.float32", value: .float32(-1.5e-5)),
        MetadataCase(key: "t.float64", value: .float64(.pi)),
        MetadataCase(key: "t.bool.true", value: .bool(true)),
        MetadataCase(key: "t.bool.false", value: .bool(false)),
        MetadataCase(key: "t.string", value: .string("llama")),
        MetadataCase(key: "t.string.empty", value: .string("")),
        MetadataCase(key: "t.string.unicode", value: .string("héllo wörld, 日本語, emoji 👩‍💻, ▁token")),
        MetadataCase(key: "t.array.empty", value: .array([])),
        MetadataCase(key: "t.array.strings", value: .array([.string("a"), .string(""), .string("ü")])),
        MetadataCase(key: "t.array.float32", value: .array([.float32(0.5), .float32(-2)])),
        MetadataCase(key: "t.array.int32", value: .array([.int32(1), .int32(-1), .int32(.max)])),
        MetadataCase(key: "t.array.uint8", value: .array([.uint8(0), .uint8(255)])),
        MetadataCase(key: "t.array.int8", value: .array([.int8(-128), .int8(127)])),
        MetadataCase(key: "t.array.uint16", value: .array([.uint16(1), .uint16(65_535)])),
        MetadataCase(key: "t.array.int16", value: .array([.int16(-5)])),
        MetadataCase(key: "t.array.uint32", value: .array([.uint32(7)])),
        MetadataCase(key: "t.array.uint64", value: .array([.uint64(.max), .uint64(0)])),
        MetadataCase(key: "t.array.int64", value: .array([.int64(.min), .int64(42)])),
        MetadataCase(key: "t.array.float64", value: .array([.float64(1e300), .float64(-0.0)])),
        MetadataCase(key: "t.array.bool", value: .array([.bool(true), .bool(false), .bool(true)])),
        MetadataCase(
            key: "t.array.nested",
            value: .array([.array([.int32(1), .int32(2)]), .array([]), .array([.string("x")])])),
        MetadataCase(key: "t.array.deep", value: nested(depth: 8)),
    ]

    /// An array nested `depth` levels deep around a single uint8.
    static func nested(depth: Int) -> GGUFValue {
        var value = GGUFValue.uint8(1)
        for _ in 0..<depth { value = .array([value]) }
        return value
    }

    /// Deterministic pseudo-random bytes.
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }

    /// A writer with all of `metadata` and three tensors of different types.
    static func fullWriter(version: UInt32 = 3, alignment: Int = 32) throws -> GGUFWriter {
        var writer = GGUFWriter(version: version, alignment: alignment)
        writer.set("general.architecture", .string("llama"))
        for item in metadata { writer.set(item.key, item.value) }
        try writer.addTensor(name: "token_embd.weight", shape: [8, 3], type: .f32, data: bytes(96, seed: 1))
        try writer.addTensor(name: "blk.0.attn_q.weight", shape: [32, 2], type: .q8_0, data: bytes(68, seed: 2))
        try writer.addTensor(name: "output_norm.weight", shape: [5], type: .f16, data: bytes(10, seed: 3))
        return writer
    }

    /// A small file with one metadata key of each given kind and tensors "t.a" (f32 [16]) and
    /// "t.b" (q8_0 [32, 2]).
    static func small(_ extra: [(String, GGUFValue)] = []) throws -> [UInt8] {
        var writer = GGUFWriter()
        writer.set("general.name", .string("tiny"))
        for (key, value) in extra { writer.set(key, value) }
        try writer.addTensor(name: "t.a", shape: [16], type: .f32, data: bytes(64, seed: 4))
        try writer.addTensor(name: "t.b", shape: [32, 2], type: .q8_0, data: bytes(68, seed: 5))
        return writer.serialize()
    }
}

/// Byte surgery on serialized files.
extension Array where Element == UInt8 {
    /// Offset of the first occurrence of `text`'s UTF-8 bytes.
    func offset(of text: String) -> Int? {
        let needle = Array(text.utf8)
        guard needle.count <= count else { return nil }
        for start in 0...(count - needle.count) where self[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }

    /// Offset just past the first occurrence of `text`.
    func offset(after text: String) -> Int? {
        offset(of: text).map { $0 + text.utf8.count }
    }

    /// Stores `value` little-endian at `offset`.
    mutating func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        for index in 0..<(T.bitWidth / 8) {
            self[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index))
        }
    }

    /// Loads a little-endian value at `offset`.
    func read<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        var value: T = 0
        for index in 0..<(T.bitWidth / 8) {
            value |= T(truncatingIfNeeded: self[offset + index]) << (8 * index)
        }
        return value
    }

    /// Replaces the bytes of the first occurrence of `old` with `new` (same length).
    mutating func replace(_ old: String, with new: String) {
        precondition(old.utf8.count == new.utf8.count)
        let start = offset(of: old)!
        for (index, byte) in new.utf8.enumerated() { self[start + index] = byte }
    }
}

/// Where the fields of a tensor info named `name` with `dimensions` dims lie in `bytes`.
struct TensorFieldOffsets {
    let dimensionCount: Int
    let dimensions: [Int]
    let type: Int
    let offset: Int

    init(_ bytes: [UInt8], name: String, dimensions: Int) {
        // Tensor names follow the metadata, so search after the last occurrence of a key prefix.
        let end = bytes.offset(after: name)!
        dimensionCount = end
        self.dimensions = (0..<dimensions).map { end + 4 + 8 * $0 }
        type = end + 4 + 8 * dimensions
        offset = type + 4
    }
}

/// Parses `bytes`, returning the error thrown, or nil when it parsed.
func parseError(_ bytes: [UInt8]) -> GGUFError? {
    do {
        _ = try GGUFFile(bytes: bytes)
        return nil
    } catch {
        return error
    }
}

/// Expects parsing `bytes` to fail with `kind`, and the message to mention every string in `mentions`.
func expectFailure(
    _ bytes: [UInt8], _ kind: GGUFError.Kind, mentions: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let error = parseError(bytes) else {
        Issue.record("expected \(kind), but the file parsed", sourceLocation: sourceLocation)
        return
    }
    #expect(error.kind == kind, "\(error.message)", sourceLocation: sourceLocation)
    for text in mentions {
        #expect(error.message.contains(text), "message \"\(error.message)\" lacks \"\(text)\"", sourceLocation: sourceLocation)
    }
}

/// A fresh directory under /tmp, removed (with its files) when released.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/gguf-tests-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { buffer in
            String(cString: mkdtemp(buffer.baseAddress!)!)
        }
    }

    /// A path inside the directory (whatever is there is removed on release).
    func file(_ name: String) -> String {
        "\(path)/\(name)"
    }

    /// Writes raw bytes (not atomically) to a file in the directory.
    func write(_ bytes: [UInt8], to name: String) -> String {
        let full = file(name)
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0)
        bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress {
                let written = rawWrite(fd, base, raw.count)  // not inside precondition: -Ounchecked drops those
                precondition(written == raw.count)
            }
        }
        close(fd)
        return full
    }

    /// Names of the entries in the directory.
    func entries() -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    deinit {
        for name in entries() { unlink("\(path)/\(name)") }
        rmdir(path)
    }
}

/// write(2), named apart from `TemporaryDirectory.write`, which would shadow it.
private func rawWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

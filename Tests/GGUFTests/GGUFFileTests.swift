import GGUF
import Kernels
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("GGUF files on disk: memory mapping and atomic writes")
struct GGUFFileTests {
    @Test("open maps the file and tensor data points into the mapping, uncopied")
    func mappedTensors() throws {
        let directory = TemporaryDirectory()
        let writer = try Fixture.fullWriter()
        let path = directory.file("model.gguf")
        try writer.write(to: path)
        let file = try GGUFFile.open(path: path)
        #expect(file.isMemoryMapped)
        #expect(file.path == path)
        #expect(Array(file.bytes) == writer.serialize())
        #expect(file.fileSize == writer.serialize().count)
        let base = try #require(file.bytes.baseAddress)
        for info in file.tensors {
            let data = file.data(for: info)
            #expect(data.baseAddress == base + file.dataOffset + info.offset)
            #expect(data.count == info.byteCount)
        }
        #expect(Array(try #require(file.data(named: "blk.0.attn_q.weight"))) == Fixture.bytes(68, seed: 2))
        #expect(file.string("t.string.unicode") == "héllo wörld, 日本語, emoji 👩‍💻, ▁token")
    }

    @Test("an in-memory file is a private copy")
    func inMemory() throws {
        var bytes = try Fixture.small()
        let file = try GGUFFile(bytes: bytes)
        let before = Array(try #require(file.data(named: "t.a")))
        bytes.replaceSubrange(0..<bytes.count, with: repeatElement(0, count: bytes.count))
        #expect(!file.isMemoryMapped && file.path == nil)
        #expect(Array(try #require(file.data(named: "t.a"))) == before)
    }

    @Test("write(to:) replaces an existing file and leaves no temporary files")
    func atomicWrite() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("out.gguf")
        try GGUFWriter().write(to: path)
        var writer = GGUFWriter()
        writer.set("general.name", .string("second"))
        try writer.write(to: path)
        #expect(directory.entries() == ["out.gguf"])
        #expect(try GGUFFile.open(path: path).string("general.name") == "second")
    }

    @Test("write(to:) into a missing directory throws an io error")
    func writeFailure() {
        #expect(throws: GGUFError.self) { try GGUFWriter().write(to: "/nonexistent-gguf-dir/x.gguf") }
    }

    @Test("a missing file is an io error naming the path")
    func missing() {
        expectOpenFailure("/tmp/definitely-not-here-\(UInt64.random(in: 0...UInt64.max)).gguf", .io, mentions: ["cannot open", "No such file"])
    }

    @Test("directories, devices and FIFOs are refused as not regular files")
    func notRegular() throws {
        let directory = TemporaryDirectory()
        expectOpenFailure(directory.path, .notRegularFile, mentions: ["a directory"])
        expectOpenFailure("/dev/null", .notRegularFile, mentions: ["a character device"])
        let fifo = directory.file("pipe")
        try #require(mkfifo(fifo, 0o600) == 0)
        expectOpenFailure(fifo, .notRegularFile, mentions: ["a FIFO"])
    }

    @Test("an empty file is refused")
    func empty() {
        let directory = TemporaryDirectory()
        expectOpenFailure(directory.write([], to: "empty.gguf"), .emptyFile, mentions: ["empty"])
    }

    @Test("a file in another format is refused as not a GGUF file")
    func otherFormat() {
        let directory = TemporaryDirectory()
        let path = directory.write(Array("{\"model\": \"not gguf\"}\n".utf8), to: "model.json")
        expectOpenFailure(path, .badMagic, mentions: [path, "not a GGUF file: magic is 7b 22 6d 6f"])
    }

    @Test("a corrupt mapped file is refused with the path and the parser's message")
    func corruptOnDisk() throws {
        let directory = TemporaryDirectory()
        var bytes = try Fixture.small()
        bytes.put(UInt32(1), at: 4)
        let path = directory.write(bytes, to: "v1.gguf")
        expectOpenFailure(path, .unsupportedVersion, mentions: [path, "version 1"])
        var writer = GGUFWriter()
        writer.set("general.name", .string("a name cut short"))
        let truncated = directory.write(Array(writer.serialize().prefix(50)), to: "short.gguf")
        expectOpenFailure(truncated, .truncated, mentions: [truncated, "truncated"])
    }

    @Test("files and their data can be shared across tasks")
    func sendable() async throws {
        let file = try GGUFFile(bytes: Fixture.fullWriter().serialize())
        let sums = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask { file.tensors.reduce(0) { $0 + file.data(for: $1).reduce(0) { $0 + Int($1) } } }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(Set(sums).count == 1)
    }

    private func expectOpenFailure(
        _ path: String, _ kind: GGUFError.Kind, mentions: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try GGUFFile.open(path: path)
            Issue.record("expected \(kind) opening \(path)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == kind, "\(error.message)", sourceLocation: sourceLocation)
            for text in mentions {
                #expect(error.message.contains(text), "\"\(error.message)\" lacks \"\(text)\"", sourceLocation: sourceLocation)
            }
        }
    }
}

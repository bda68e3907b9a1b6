@testable import Engine
import Foundation
import GGUF
import Models
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Saving KV-cache sessions to disk and reading them back: exact round trips (logits bit for bit),
/// caches made of shared spans and per-layer counts, refusal of other models' and damaged files,
/// atomic replacement, names and listing.
@Suite("Session files", .serialized)
struct SessionFileTests {
    static let engine = Engine(threads: 2, memoryLimit: nil)
    static let prompt: [Int32] = (0..<20).map { Int32(($0 * 37 + 11) % 380) }
    static let continuation: [Int32] = [7, 300, 12, 45, 200, 9, 101, 55]

    /// A synthetic model file; the same settings give the same file.
    private func modelFile(seed: UInt64 = 1, blockCount: Int = 2) throws -> String {
        try syntheticFile { $0.matrixType = .q8_0; $0.seed = seed; $0.blockCount = blockCount }.1
    }

    private func load(_ path: String, engine: Engine = engine, contextLength: Int? = nil) async throws -> LoadedModel {
        try await engine.load(path: path, name: UUID().uuidString, contextLength: contextLength) { _, _ in }
    }

    /// A growable cache of `model` fed `tokens`.
    private func fed(_ model: LoadedModel, _ tokens: [Int32]) throws -> KVCache {
        let cache = model.makeGrowableCache()
        try model.feed(tokens[...], into: cache, cancelled: CancellationFlag())
        return cache
    }

    /// The logits after each of `tokens`, fed into `cache`.
    private func logits(_ model: LoadedModel, _ cache: KVCache, _ tokens: [Int32]) throws -> [[Float]] {
        var rows: [[Float]] = []
        try model.feed(tokens[...], into: cache, wanted: Array(tokens.indices), cancelled: CancellationFlag()) { _, row in
            rows.append(Array(row))
        }
        return rows
    }

    /// A layer's positions, keys and values (as bit patterns) read across the cache's segments.
    private func entries(_ cache: KVCache, layer: Int) -> [[UInt32]] {
        var positions: [UInt32] = [], keys: [UInt32] = [], values: [UInt32] = []
        for segment in cache.segments(layer: layer) {
            positions += UnsafeBufferPointer(start: segment.positions, count: segment.count * cache.kvHeads).map { UInt32(bitPattern: $0) }
            keys += UnsafeBufferPointer(start: segment.keys, count: segment.count * cache.width).map(\.bitPattern)
            values += UnsafeBufferPointer(start: segment.values, count: segment.count * cache.width).map(\.bitPattern)
        }
        return [positions, keys, values]
    }

    private func expectSameEntries(_ a: KVCache, _ b: KVCache, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.counts == b.counts, sourceLocation: sourceLocation)
        #expect(a.nextPosition == b.nextPosition, sourceLocation: sourceLocation)
        #expect(a.compressedThrough == b.compressedThrough, sourceLocation: sourceLocation)
        for layer in 0..<a.layers {
            #expect(entries(a, layer: layer) == entries(b, layer: layer), "layer \(layer)", sourceLocation: sourceLocation)
        }
    }

    /// A model, the prompt fed into a growable cache of it, and the cache saved as `snapshot()` to
    /// `chat.minoskv` in a new folder.
    private struct Saved {
        let directory: TemporaryFolder
        let modelPath: String
        let model: LoadedModel
        let cache: KVCache
        let path: String
    }

    private func saved() async throws -> Saved {
        let directory = try TemporaryFolder()
        let modelPath = try modelFile()
        let model = try await load(modelPath)
        let cache = try fed(model, Self.prompt)
        let path = try SessionFile.path(for: "chat", in: directory.path)
        try SessionFile.write(snapshot(), cache: cache, model: model, to: path)
        return Saved(directory: directory, modelPath: modelPath, model: model, cache: cache, path: path)
    }

    /// An engine whose budget holds the model at `path` and `spare` bytes more, and the model loaded in it.
    private func tightEngine(for path: String, spare: Int) async throws -> (Engine, LoadedModel) {
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let engine = Engine(threads: 1, memoryLimit: size + spare)
        return (engine, try await load(path, engine: engine))
    }

    /// The header length a session file's preamble gives.
    private func headerLength(_ bytes: [UInt8]) -> Int {
        Int(UInt32(bytes[12]) | UInt32(bytes[13]) << 8 | UInt32(bytes[14]) << 16 | UInt32(bytes[15]) << 24)
    }

    /// Expects `body` to throw an `EngineError` for which `matches` holds.
    private func expectError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation,
                             _ matches: (EngineError) -> Bool) {
        do {
            try body()
            Issue.record("expected an error", sourceLocation: sourceLocation)
        } catch let error as EngineError {
            #expect(matches(error), "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected an EngineError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    private func snapshot(_ name: String = "chat", tokens: [Int32] = prompt) -> SessionSnapshot {
        SessionSnapshot(name: name, tokens: tokens,
                        messages: [ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: "héllo, 日本語 👩‍💻")],
                        compression: "pyramid 0.5", savedAt: 1_765_000_000.25)
    }

    // MARK: Round trips

    @Test("a saved cache reads back whole, and continuing it gives the same logits bit for bit")
    func roundTrip() async throws {
        let s = try await saved()
        let (restored, restoredCache) = try SessionFile.read(from: s.path, model: s.model)
        #expect(restored == snapshot())
        expectSameEntries(s.cache, restoredCache)
        #expect(try logits(s.model, restoredCache, Self.continuation) == logits(s.model, s.cache, Self.continuation))
    }

    @Test("snapshots without messages or compression, with no messages, and with unfed tokens read back as saved",
          arguments: [
            SessionSnapshot(name: "", tokens: SessionFileTests.prompt, savedAt: 0),
            SessionSnapshot(name: "x", tokens: SessionFileTests.prompt + [1, 2, 3], messages: [], compression: "", savedAt: -1.5),
          ])
    func snapshotFields(saved: SessionSnapshot) async throws {
        let directory = try TemporaryFolder()
        let model = try await load(try modelFile())
        let path = directory.file("s.minoskv")
        try SessionFile.write(saved, cache: try fed(model, Self.prompt), model: model, to: path)
        #expect(try SessionFile.read(from: path, model: model).0 == saved)
    }

    @Test("a fork made of shared spans and its own tail saves and restores its full content")
    func forkedSpans() async throws {
        let directory = try TemporaryFolder()
        let model = try await load(try modelFile())
        // More tokens than one feeding chunk take two pieces of storage, both frozen when forked.
        let baseCount = try model.decoder().maxBatch + 6
        let base = try fed(model, (0..<baseCount).map { Int32($0 * 5 % 380) })
        let fork = base.fork()
        try model.feed(Self.prompt[...], into: fork, cancelled: CancellationFlag())
        try #require(fork.segments(layer: 0).count >= 3, "the fork should read spans of the base and its own tail")
        let path = directory.file("fork.minoskv")
        let total = baseCount + Self.prompt.count
        try SessionFile.write(snapshot(tokens: Array(repeating: 1, count: total)), cache: fork, model: model, to: path)
        let (_, restored) = try SessionFile.read(from: path, model: model)
        #expect(restored.count == total)
        expectSameEntries(fork, restored)
        #expect(try logits(model, restored, Self.continuation) == logits(model, fork, Self.continuation))
        #expect(base.count == baseCount, "saving must not change the cache it reads")
    }

    @Test("a restored cache keeps growing past its saved entries, as the original does")
    func keepsGrowing() async throws {
        let s = try await saved()
        let (_, restored) = try SessionFile.read(from: s.path, model: s.model)
        #expect(restored.remaining == 0, "restored storage holds exactly the saved entries")
        let more = (0..<150).map { Int32($0 * 13 % 380) }   // three chunks, each growing the cache
        #expect(try logits(s.model, restored, more) == logits(s.model, s.cache, more))
        #expect(restored.count == Self.prompt.count + more.count)
        #expect(restored.nextPosition == s.cache.nextPosition)
    }

    @Test("per-layer entry counts and compressedThrough of a compressed cache read back, and it keeps growing")
    func compressedCache() async throws {
        let directory = try TemporaryFolder()
        let model = try await load(try modelFile())
        let c = model.configuration
        // Layer 0 kept 5 of 8 tokens, layer 1 kept 3; from position 6 on every token is kept.
        let counts = [5, 3]
        let storage = try model.makeStorage(counts)
        let kept: [[Int32]] = [[0, 2, 4, 6, 7], [1, 6, 7]]
        for layer in 0..<2 {
            for entry in 0..<counts[layer] {
                for head in 0..<c.headCountKV {
                    // Heads of a layer may keep different tokens; the last two are every head's.
                    storage.positions[layer][entry * c.headCountKV + head] = entry >= counts[layer] - 2 ? kept[layer][entry] : kept[layer][entry] + Int32(head) % 2
                }
                for i in 0..<c.keyValueWidth {
                    storage.keys[layer][entry * c.keyValueWidth + i] = Float(layer * 1000 + entry * 10) + Float(i) / 7
                    storage.values[layer][entry * c.keyValueWidth + i] = -Float(layer * 1000 + entry * 10) - Float(i) / 3
                }
            }
            storage.counts[layer] = counts[layer]
        }
        let cache = model.makeGrowableCache()
        cache.replace(with: storage, length: 8, compressedThrough: 6)
        let path = directory.file("compressed.minoskv")
        try SessionFile.write(snapshot(tokens: Array(Self.prompt.prefix(8))), cache: cache, model: model, to: path)
        let (_, restored) = try SessionFile.read(from: path, model: model)
        #expect(restored.counts == counts)
        #expect(restored.compressedThrough == 6)
        expectSameEntries(cache, restored)
        #expect(try logits(model, restored, Self.continuation) == logits(model, cache, Self.continuation))
        #expect(restored.counts == [5 + Self.continuation.count, 3 + Self.continuation.count])
    }

    // MARK: Model identity

    @Test("the fingerprint is 16 hex digits, the same for the same file and different for other weights or shapes")
    func fingerprints() async throws {
        let path = try modelFile()
        let a = try await load(path)
        let again = try await load(path)
        #expect(a.fingerprint.count == 16 && a.fingerprint.allSatisfy(\.isHexDigit))
        #expect(a.fingerprint == again.fingerprint)
        #expect(a.fingerprint == a.fingerprint)
        #expect(try await load(try modelFile(seed: 2)).fingerprint != a.fingerprint)
        #expect(try await load(try modelFile(blockCount: 3)).fingerprint != a.fingerprint)
        // The same metadata and tensor table, one weight byte changed.
        var bytes = Array(a.file.bytes)
        let tensor = try #require(a.file.tensors.first)
        bytes[a.file.dataOffset + tensor.offset + 3] ^= 0x40
        let changed = FileManager.default.temporaryDirectory.appendingPathComponent("minos-\(UUID().uuidString).gguf").path
        try Data(bytes).write(to: URL(fileURLWithPath: changed))
        #expect(try await load(changed).fingerprint != a.fingerprint)
    }

    @Test("a session reads back into another load of the same file")
    func sameFileAgain() async throws {
        let s = try await saved()
        let other = try await load(s.modelPath)
        let (_, restored) = try SessionFile.read(from: s.path, model: other)
        #expect(try logits(other, restored, Self.continuation) == logits(s.model, s.cache, Self.continuation))
    }

    @Test("a file saved from another model is refused, saying what differs")
    func otherModel() async throws {
        let s = try await saved()
        let otherWeights = try await load(try modelFile(seed: 2))
        let otherShape = try await load(try modelFile(blockCount: 3))
        for (other, mentions) in [(otherWeights, ["fingerprint"]), (otherShape, ["fingerprint", "it has 2 layers, the model 3"])] {
            expectError({ _ = try SessionFile.read(from: s.path, model: other) }) {
                guard case .sessionModelMismatch(let named, let reason) = $0 else { return false }
                return named == s.path && mentions.allSatisfy(reason.contains)
            }
        }
    }

    @Test("writing a cache of another shape, or a snapshot with fewer tokens than the cache, is refused")
    func writeRefusals() async throws {
        let directory = try TemporaryFolder()
        let model = try await load(try modelFile())
        let deeper = try await load(try modelFile(blockCount: 3))
        let path = directory.file("s.minoskv")
        expectError({ try SessionFile.write(snapshot(), cache: try fed(deeper, Self.prompt), model: model, to: path) }) {
            if case .invalidInput(field: "model", _) = $0 { true } else { false }
        }
        expectError({ try SessionFile.write(snapshot(tokens: [1, 2]), cache: try fed(model, Self.prompt), model: model, to: path) }) {
            if case .invalidInput(field: "tokens", _) = $0 { true } else { false }
        }
        #expect(directory.entries().isEmpty)
    }

    @Test("a sequence longer than the context the model was loaded with is refused as a context overflow")
    func shorterContext() async throws {
        let s = try await saved()
        let short = try await load(s.modelPath, contextLength: 16)
        expectError({ _ = try SessionFile.read(from: s.path, model: short) }) {
            if case .contextOverflow(needed: 20, limit: 16) = $0 { true } else { false }
        }
    }

    @Test("restoring reserves the entries from the budget: a budget too small refuses it and keeps nothing")
    func budget() async throws {
        let s = try await saved()
        let (tight, limited) = try await tightEngine(for: s.modelPath, spare: 1024)
        let before = tight.reservedBytes
        expectError({ _ = try SessionFile.read(from: s.path, model: limited) }) {
            if case .memoryBudget = $0 { true } else { false }
        }
        #expect(tight.reservedBytes == before)
    }

    // MARK: Damaged files

    /// Writes a small session (3 tokens) and returns its bytes, the model and the folder.
    private func smallSession() async throws -> (bytes: [UInt8], model: LoadedModel, directory: TemporaryFolder) {
        let directory = try TemporaryFolder()
        let model = try await load(try modelFile())
        let path = directory.file("small.minoskv")
        try SessionFile.write(SessionSnapshot(name: "small", tokens: [5, 6, 7], messages: [ChatMessage(role: "user", content: "hi")],
                                              compression: "none", savedAt: 1),
                              cache: try fed(model, [5, 6, 7]), model: model, to: path)
        return (Array(try Data(contentsOf: URL(fileURLWithPath: path))), model, directory)
    }

    /// Expects reading `path` to throw `invalidSessionFile` naming it, with a reason containing `mentions`.
    private func expectInvalid(_ path: String, _ model: LoadedModel, mentions: String? = nil, _ comment: String = "",
                               sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try SessionFile.read(from: path, model: model)
            Issue.record("read a bad file: \(comment)", sourceLocation: sourceLocation)
        } catch EngineError.invalidSessionFile(let named, let reason) {
            #expect(named == path, sourceLocation: sourceLocation)
            if let mentions { #expect(reason.contains(mentions), "\(comment): \(reason)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("\(comment): expected invalidSessionFile, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("a flipped byte anywhere in the file is refused as damaged, never read and never taken for another model")
    func flippedBytes() async throws {
        let (bytes, model, directory) = try await smallSession()
        let path = directory.file("flipped.minoskv")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        // Each byte is flipped in place and put back, rather than the whole file rewritten each time.
        let fd = open(path, O_RDWR)
        try #require(fd >= 0)
        defer { close(fd) }
        for offset in bytes.indices {
            for byte in [bytes[offset] ^ 0xFF, bytes[offset]] {
                try #require(withUnsafeBytes(of: byte) { pwrite(fd, $0.baseAddress, 1, off_t(offset)) } == 1)
                if byte != bytes[offset] { expectInvalid(path, model, "byte \(offset) of \(bytes.count) flipped") }
            }
        }
        #expect(try SessionFile.read(from: path, model: model).1.count == 3, "the file put back reads")
    }

    @Test("a file cut short anywhere is refused")
    func truncated() async throws {
        let (bytes, model, directory) = try await smallSession()
        let path = directory.file("cut.minoskv")
        let header = headerLength(bytes)
        for length in [0, 1, 8, 15, 16, 24, 16 + header / 2, 16 + header, 16 + header + 40, bytes.count - 8, bytes.count - 1] {
            try Data(bytes.prefix(length)).write(to: URL(fileURLWithPath: path))
            expectInvalid(path, model, mentions: length == 0 ? "empty" : nil, "cut to \(length) bytes")
        }
        try Data(bytes + [0]).write(to: URL(fileURLWithPath: path))
        expectInvalid(path, model, mentions: "header describes", "one byte appended")
    }

    @Test("another magic, another version, a GGUF file, a directory and a missing file are refused")
    func foreignFiles() async throws {
        let (bytes, model, directory) = try await smallSession()
        let path = directory.file("foreign.minoskv")
        var magic = bytes
        magic.replaceSubrange(0..<4, with: Array("GGUF".utf8))
        try Data(magic).write(to: URL(fileURLWithPath: path))
        expectInvalid(path, model, mentions: "not a Minos session file", "GGUF magic")
        var version = bytes
        version[8] = 2
        try Data(version).write(to: URL(fileURLWithPath: path))
        expectInvalid(path, model, mentions: "version 2", "version 2")
        expectInvalid(model.path, model, mentions: "not a Minos session file", "the model's own GGUF file")
        expectInvalid(directory.path, model, mentions: "directory", "a directory")
        expectInvalid(directory.file("missing.minoskv"), model, mentions: "No such file", "a missing file")
    }

    /// Rewrites both checksums of a session file after its header was edited, as a hostile writer would.
    private func reseal(_ bytes: inout [UInt8]) {
        let header = headerLength(bytes)
        func store(_ value: UInt64, at offset: Int) {
            for i in 0..<8 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
        }
        var hash = Hash64()
        hash.update(Array(bytes[0..<(16 + header - 8)]))
        store(hash.value, at: 16 + header - 8)
        hash = Hash64()
        hash.update(Array(bytes.dropLast(8)))
        store(hash.value, at: bytes.count - 8)
    }

    private func store(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
        for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    @Test("a header claiming huge counts, with valid checksums, is refused before anything is reserved")
    func hostileCounts() async throws {
        let (bytes, _, directory) = try await smallSession()
        // A budget that holds the model and not much more: reserving a huge cache would throw
        // memoryBudget rather than invalidSessionFile, and show in reservedBytes.
        let (tight, model) = try await tightEngine(for: try modelFile(), spare: 64 * 1024)
        let before = tight.reservedBytes
        let path = directory.file("hostile.minoskv")
        // Layout: 16 preamble, fingerprint at 16, layers 24, width 28, KV heads 32, nextPosition 36,
        // compressedThrough 40, savedAt 44, the two layer counts at 52 and 56, the name at 60.
        let edits: [(String, [(offset: Int, value: UInt32)], String)] = [
            ("entry counts and sequence of 2³¹−1", [(36, 0x7FFF_FFFF), (52, 0x7FFF_FFFF), (56, 0x7FFF_FFFF)], "trained context"),
            ("entry counts beyond the sequence", [(52, 200), (56, 200)], "layer 0 holds 200 entries"),
            ("a name of 4 GiB", [(60, 0xFFFF_FFFF)], "the header ends inside the name"),
            ("a billion tokens", [(60 + 4 + 5, 1 << 30)], "the header claims 1073741824 tokens"),
            ("a header of 4 GiB", [(12, 0xFFFF_FFFF)], "header claims"),
        ]
        for (what, fields, mentions) in edits {
            var hostile = bytes
            for field in fields { store(field.value, at: field.offset, in: &hostile) }
            if fields.allSatisfy({ $0.offset != 12 }) { reseal(&hostile) }
            try Data(hostile).write(to: URL(fileURLWithPath: path))
            expectInvalid(path, model, mentions: mentions, what)
            #expect(tight.reservedBytes == before, "\(what)")
        }
        // The unedited file reads back under the same budget.
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try SessionFile.read(from: path, model: model).1.count == 3)
    }

    @Test("an entry's position outside the sequence is refused even with valid checksums")
    func hostilePositions() async throws {
        let (bytes, model, directory) = try await smallSession()
        let header = headerLength(bytes)
        var hostile = bytes
        store(3, at: 16 + header + 4, in: &hostile)   // layer 0, entry 0, head 1: position 3 of a 3-token sequence
        reseal(&hostile)
        let path = directory.file("positions.minoskv")
        try Data(hostile).write(to: URL(fileURLWithPath: path))
        expectInvalid(path, model, mentions: "position 3", "a position past the sequence")
    }

    // MARK: Atomic saves

    @Test("a save cut short, or unable to rename, leaves the previous file intact and no temporary behind")
    func interruptedSave() async throws {
        let directory = try TemporaryFolder()
        let model = try await load(try modelFile())
        let path = try SessionFile.path(for: "keep", in: directory.path)
        let first = snapshot("first")
        let cache = try fed(model, Self.prompt)
        try SessionFile.write(first, cache: cache, model: model, to: path)
        let saved = try Data(contentsOf: URL(fileURLWithPath: path))
        let longer = try fed(model, Self.prompt + Self.continuation)
        for limit in [0, 10, 300, saved.count / 2, saved.count + 100] {
            expectError({
                try SessionFile.write(snapshot("second", tokens: Self.prompt + Self.continuation), cache: longer, model: model,
                                      to: path, interruptAfter: limit)
            }) {
                guard case .sessionStorage(let named, let reason) = $0 else { return false }
                return named == path && reason.contains("interrupted")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == saved, "interrupted after \(limit) bytes")
            #expect(directory.entries() == ["keep.minoskv"])
        }
        let (restored, restoredCache) = try SessionFile.read(from: path, model: model)
        #expect(restored == first)
        expectSameEntries(cache, restoredCache)

        // The destination is a directory: everything is written, the rename fails.
        let blocked = directory.file("blocked.minoskv")
        try FileManager.default.createDirectory(atPath: blocked + "/inside", withIntermediateDirectories: true)
        #expect(throws: EngineError.self) { try SessionFile.write(first, cache: cache, model: model, to: blocked) }
        #expect(directory.entries() == ["blocked.minoskv", "keep.minoskv"])
        // A directory that does not exist.
        expectError({ try SessionFile.write(first, cache: cache, model: model, to: directory.file("none/s.minoskv")) }) {
            guard case .sessionStorage(let named, let reason) = $0 else { return false }
            return named.hasSuffix("none/s.minoskv") && reason.contains("No such file")
        }
    }

    @Test("saving over an existing session replaces it")
    func replaces() async throws {
        let directory = try TemporaryFolder()
        let model = try await load(try modelFile())
        let path = directory.file("s.minoskv")
        try SessionFile.write(snapshot("first"), cache: try fed(model, Self.prompt), model: model, to: path)
        let longer = Self.prompt + Self.continuation
        try SessionFile.write(snapshot("second", tokens: longer), cache: try fed(model, longer), model: model, to: path)
        let (restored, cache) = try SessionFile.read(from: path, model: model)
        #expect(restored.name == "second")
        #expect(cache.count == longer.count)
        #expect(directory.entries() == ["s.minoskv"])
    }

    // MARK: Names and listing

    @Test("valid names map to <directory>/<name>.minoskv", arguments: ["a", "chat-1", "My_Session.v2", "-x", String(repeating: "z", count: 100)])
    func validNames(name: String) throws {
        #expect(try SessionFile.path(for: name, in: "/data/sessions") == "/data/sessions/\(name).minoskv")
        #expect(try SessionFile.path(for: name, in: "/data/sessions/") == "/data/sessions/\(name).minoskv")
    }

    @Test("names that are empty, too long, hidden, or hold other characters are refused",
          arguments: ["", ".hidden", "..", "../up", "a/b", "a b", "é", "a\u{0}b", "tab\t", "semi;colon", String(repeating: "z", count: 101)])
    func invalidNames(name: String) {
        expectError({ _ = try SessionFile.path(for: name, in: "/data/sessions") }) {
            if case .invalidInput(field: "name", _) = $0 { true } else { false }
        }
    }

    @Test("list finds saved sessions by name with their size and time, skipping everything else")
    func listing() async throws {
        let directory = try TemporaryFolder()
        let model = try await load(try modelFile())
        let cache = try fed(model, Self.prompt)
        for (name, time) in [("beta", 2.0), ("alpha", 1.0)] {
            var saved = snapshot(name)
            saved.savedAt = time
            try SessionFile.write(saved, cache: cache, model: model, to: try SessionFile.path(for: name, in: directory.path))
        }
        let alpha = try Data(contentsOf: URL(fileURLWithPath: directory.file("alpha.minoskv")))
        try Data(alpha).write(to: URL(fileURLWithPath: directory.file(".hidden.minoskv")))
        try Data(alpha).write(to: URL(fileURLWithPath: directory.file("alpha.minoskv.tmp-1-2")))
        try Data(alpha).write(to: URL(fileURLWithPath: directory.file("notes.txt")))
        try Data("not a session".utf8).write(to: URL(fileURLWithPath: directory.file("junk.minoskv")))
        var damagedHeader = Array(alpha)
        damagedHeader[40] ^= 1
        try Data(damagedHeader).write(to: URL(fileURLWithPath: directory.file("damaged.minoskv")))
        try FileManager.default.createDirectory(atPath: directory.file("folder.minoskv"), withIntermediateDirectories: false)

        let listed = SessionFile.list(in: directory.path)
        #expect(listed.map(\.name) == ["alpha", "beta"])
        #expect(listed.map(\.savedAt) == [1.0, 2.0])
        #expect(listed.map(\.path) == [directory.file("alpha.minoskv"), directory.file("beta.minoskv")])
        #expect(listed.first?.bytes == alpha.count)
        #expect(SessionFile.list(in: directory.file("missing")).isEmpty)
    }

    // MARK: The hash

    @Test("Hash64 does not depend on how its input is split, and tells apart inputs one byte apart")
    func hash() {
        let bytes = (0..<45).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 13) }
        var whole = Hash64()
        whole.update(bytes)
        for split in 0...bytes.count {
            for second in split...bytes.count {
                var parts = Hash64()
                parts.update(Array(bytes[..<split]))
                parts.update(Array(bytes[split..<second]))
                parts.update(Array(bytes[second...]))
                #expect(parts.value == whole.value, "split at \(split) and \(second)")
            }
        }
        var seen: Set<UInt64> = [whole.value]
        for offset in bytes.indices {
            var changed = bytes
            changed[offset] ^= 1
            var hash = Hash64()
            hash.update(changed)
            seen.insert(hash.value)
        }
        var shorter = Hash64()
        shorter.update(Array(bytes.dropLast()))
        seen.insert(shorter.value)
        var padded = Hash64()
        padded.update(bytes + [0])
        seen.insert(padded.value)
        #expect(seen.count == bytes.count + 3)
    }
}

/// A folder under the system's temporary directory, removed when the value is freed.
private final class TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("minos-sessions-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    /// The names in the folder, sorted.
    func entries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}

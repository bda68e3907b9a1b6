#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GGUF

// Keys, values and positions go to and from the file as they lie in memory.
#if !_endian(little)
#error("session files are little-endian; a big-endian host needs byte swapping in SessionFile")
#endif

/// What a saved session holds besides its KV cache.
public struct SessionSnapshot: Sendable, Equatable {
    /// The name the session was saved under.
    public var name: String
    /// The session's token sequence. The cache may represent fewer (the last ones not yet fed),
    /// never more: `tokens.count >= cache.nextPosition`.
    public var tokens: [Int32]
    /// The conversation so far, for sessions built from chat messages.
    public var messages: [ChatMessage]?
    /// A short description of the compression applied to the cache (free text), if any.
    public var compression: String?
    /// When the session was saved, in seconds since 1970-01-01 UTC.
    public var savedAt: Double

    public init(name: String, tokens: [Int32], messages: [ChatMessage]? = nil, compression: String? = nil, savedAt: Double) {
        self.name = name
        self.tokens = tokens
        self.messages = messages
        self.compression = compression
        self.savedAt = savedAt
    }
}

/// Saved KV-cache sessions: one file per session, `<directory>/<name>.minoskv`, holding a
/// `SessionSnapshot` and the cache's entries, tied by fingerprint to the model that made them.
///
/// Format, version 1, every number little-endian:
///
/// | bytes | field |
/// | --- | --- |
/// | 8 | magic `MINOSKV\0` |
/// | 4 | version, 1 (UInt32) |
/// | 4 | H, the header's length in bytes, its checksum included (UInt32) |
/// | H | the header: |
/// | 8 | · the model's fingerprint (`LoadedModel.fingerprint`, UInt64) |
/// | 12 | · layers L, KV width W (floats per entry) and KV heads K (UInt32 each) |
/// | 8 | · nextPosition and compressedThrough (Int32 each) |
/// | 8 | · savedAt (Float64) |
/// | 4·L | · entries in each layer, N₀ … N_L₋₁ (UInt32 each) |
/// | 4 + n | · name: its UTF-8 byte count (UInt32), then the bytes |
/// | 4 + 4·T | · tokens: their count (UInt32), then each (Int32) |
/// | 1 + … | · messages: 0 for none; or 1, their count (UInt32) and each message's role and content as strings |
/// | 1 + … | · compression: 0 for none; or 1 and a string |
/// | 8 | · header checksum: `Hash64` of every byte before it, from the magic on |
/// | per layer | Nₗ·K positions (Int32, entry-major), Nₗ·W keys, Nₗ·W values (Float32, entry-major) |
/// | 8 | checksum: `Hash64` of every byte before it |
///
/// The header has its own checksum so that `list` can trust a header without reading the body, and
/// so that a damaged fingerprint reads as damage rather than as another model.
public enum SessionFile {
    /// The extension of session file names.
    public static let fileExtension = "minoskv"
    static let magic: [UInt8] = Array("MINOSKV".utf8) + [0]
    static let version: UInt32 = 1
    /// Bytes of the magic, the version and the header length.
    static let preambleBytes = 16
    /// Bytes of each checksum (the header's and the file's).
    static let checksumBytes = 8
    /// Bytes of a position (Int32), a key or a value element (Float32).
    static let scalarBytes = 4
    /// The longest header accepted, in bytes: tokens and messages make up nearly all of it. It bounds
    /// what reading a header may allocate before anything is verified.
    static let maxHeaderBytes = 64 << 20

    // MARK: Names

    /// The file that the session named `name` is saved in: `<directory>/<name>.minoskv`.
    ///
    /// A name is 1–100 characters from `A–Z a–z 0–9 . _ -` and does not start with a dot, so it
    /// cannot leave the directory (`/`, `..`), hide as a dot file, or need escaping on any file
    /// system. Others throw `invalidInput(field: "name")`.
    public static func path(for name: String, in directory: String) throws(EngineError) -> String {
        guard isValidName(name) else {
            throw EngineError.invalidInput(field: "name", reason: "a session name is 1 to 100 characters from A-Z, a-z, 0-9, '.', '_' and '-', not starting with '.'")
        }
        let file = "\(name).\(fileExtension)"
        if directory.isEmpty { return file }
        return directory.hasSuffix("/") ? directory + file : "\(directory)/\(file)"
    }

    static func isValidName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard (1...100).contains(bytes.count), bytes.first != UInt8(ascii: ".") else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }

    // MARK: Writing

    /// Saves `snapshot` and the entries of `cache` (a cache of `model`) to `path`, atomically: the
    /// bytes go to a temporary file in the same directory, which is flushed to disk and renamed over
    /// `path`, and then the directory is flushed. When anything fails before the rename, the
    /// temporary file is removed and a file already at `path` is left as it was.
    ///
    /// The cache is read as it is, without a lock: the caller keeps it still meanwhile (a session
    /// serves one request at a time). Throws `invalidInput` when the cache is not shaped for
    /// `model` (field "model"), when the snapshot lists fewer tokens than the cache represents
    /// ("tokens"), or when its tokens and messages take more than 64 MiB ("messages");
    /// `sessionStorage` naming `path` when the file cannot be written.
    public static func write(_ snapshot: SessionSnapshot, cache: KVCache, model: LoadedModel, to path: String) throws(EngineError) {
        try write(snapshot, cache: cache, model: model, to: path, interruptAfter: nil)
    }

    /// `write(_:cache:model:to:)`, failing as a full disk would once `interruptAfter` bytes of the
    /// file are written, when it is set: tests use it to check that a save cut short leaves the
    /// previous file intact.
    static func write(_ snapshot: SessionSnapshot, cache: KVCache, model: LoadedModel, to path: String,
                      interruptAfter: Int?) throws(EngineError) {
        let c = model.configuration
        guard cache.layers == c.blockCount, cache.width == c.keyValueWidth, cache.kvHeads == c.headCountKV else {
            throw EngineError.invalidInput(field: "model", reason: "the cache has \(cache.layers) layers of width \(cache.width) with \(cache.kvHeads) KV heads, model '\(model.name)' has \(c.blockCount) of width \(c.keyValueWidth) with \(c.headCountKV): a cache is saved with the model that filled it")
        }
        guard snapshot.tokens.count >= Int(cache.nextPosition) else {
            throw EngineError.invalidInput(field: "tokens", reason: "the cache holds \(cache.nextPosition) tokens but the snapshot lists only \(snapshot.tokens.count)")
        }
        // Checked before encoding too, so that no length can exceed a UInt32.
        let textBytes = snapshot.name.utf8.count + (snapshot.compression?.utf8.count ?? 0) + 4 * snapshot.tokens.count
            + (snapshot.messages ?? []).reduce(0) { $0 + 8 + $1.role.utf8.count + $1.content.utf8.count }
        let tooLarge = EngineError.invalidInput(field: "messages", reason: "the session's tokens and messages take more than the \(maxHeaderBytes >> 20) MiB a session file holds")
        guard textBytes <= maxHeaderBytes else { throw tooLarge }
        let head = SessionHeader(fingerprint: model.fingerprintValue, layers: cache.layers, width: cache.width,
                                 kvHeads: cache.kvHeads, nextPosition: cache.nextPosition,
                                 compressedThrough: cache.compressedThrough, counts: cache.counts, snapshot: snapshot).encoded()
        guard head.count - preambleBytes <= maxHeaderBytes else { throw tooLarge }
        do {
            try AtomicFile.write(to: path) { file throws(GGUFError) in
                var output = ChecksummedOutput(file: file, interruptAfter: interruptAfter)
                // A copy, because Array.withUnsafeBytes would lose the error's type.
                let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: head.count, alignment: 8)
                defer { copy.deallocate() }
                copy.copyBytes(from: head)
                try output.write(UnsafeRawBufferPointer(copy))
                for layer in 0..<cache.layers {
                    let segments = cache.segments(layer: layer)
                    for segment in segments {
                        try output.write(UnsafeRawBufferPointer(start: segment.positions, count: segment.count * cache.kvHeads * scalarBytes))
                    }
                    for segment in segments {
                        try output.write(UnsafeRawBufferPointer(start: segment.keys, count: segment.count * cache.width * scalarBytes))
                    }
                    for segment in segments {
                        try output.write(UnsafeRawBufferPointer(start: segment.values, count: segment.count * cache.width * scalarBytes))
                    }
                }
                let checksum = output.hash.value.littleEndian
                try withUnsafeBytes(of: checksum) { bytes throws(GGUFError) in try output.write(bytes) }
            }
        } catch {
            throw EngineError.sessionStorage(path: path, reason: error.message)
        }
    }

    // MARK: Reading

    /// Reads the session saved at `path` for `model`: its snapshot, and a growable cache holding the
    /// saved entries in one piece of storage reserved from the engine's budget.
    ///
    /// The file is checked in full before that storage is made: the magic and version; the header's
    /// checksum, every count in it against the bytes that hold it, and its fingerprint and shape
    /// against `model`; the entry counts against the sequence length and the model's context; the
    /// file's length against what the header describes; the checksum of the whole file. Throws
    /// `invalidSessionFile` naming `path` when the file cannot be read, is damaged, truncated, of
    /// another version or not a session file; `sessionModelMismatch` saying what differs when it was
    /// saved from another model; `contextOverflow` when the saved sequence is longer than the
    /// context `model` was loaded with; `memoryBudget` when the entries do not fit the budget.
    public static func read(from path: String, model: LoadedModel) throws(EngineError) -> (SessionSnapshot, KVCache) {
        let file = try SessionFileReader(path: path)
        let (header, head) = try file.header()
        try header.check(against: model, path: path)
        let expected = header.fileBytes(headerBytes: head.count)
        guard expected == file.size else {
            let described = expected.map { "\($0) bytes" } ?? "more bytes than a file can hold"
            throw EngineError.invalidSessionFile(path: path, reason: "the file is \(file.size) bytes but its header describes \(described)\(file.size < (expected ?? .max) ? " (truncated?)" : "")")
        }
        let end = file.size - checksumBytes
        let stored = try file.uint64(at: end)
        guard try file.checksum(of: 0..<end) == stored else {
            throw EngineError.invalidSessionFile(path: path, reason: "the checksum does not match: the file is damaged")
        }

        let storage = try model.makeStorage(header.counts)
        // The body is read again into the storage and hashed again with the header already parsed,
        // so that what is restored is what the checksum covered even if the file changed meanwhile.
        var hash = Hash64()
        hash.update(head)
        var offset = head.count
        for layer in 0..<header.layers {
            let n = header.counts[layer]
            let parts: [(UnsafeMutableRawPointer, Int)] = [(UnsafeMutableRawPointer(storage.positions[layer]), n * header.kvHeads * scalarBytes),
                                                           (UnsafeMutableRawPointer(storage.keys[layer]), n * header.width * scalarBytes),
                                                           (UnsafeMutableRawPointer(storage.values[layer]), n * header.width * scalarBytes)]
            for (start, count) in parts {
                let buffer = UnsafeMutableRawBufferPointer(start: start, count: count)
                try file.read(into: buffer, at: offset)
                hash.update(UnsafeRawBufferPointer(buffer))
                offset += count
            }
            let positions = storage.positions[layer]
            for i in 0..<(n * header.kvHeads) where !(0..<header.nextPosition).contains(positions[i]) {
                throw EngineError.invalidSessionFile(path: path, reason: "layer \(layer) entry \(i / header.kvHeads) has position \(positions[i]), outside the sequence's 0..<\(header.nextPosition)")
            }
            storage.counts[layer] = n
        }
        guard hash.value == stored else {
            throw EngineError.invalidSessionFile(path: path, reason: "the file changed while it was being read")
        }
        let cache = model.makeGrowableCache()
        cache.replace(with: storage, length: header.nextPosition, compressedThrough: header.compressedThrough)
        return (header.snapshot, cache)
    }

    // MARK: Listing

    /// The sessions saved in `directory`, sorted by name: the files `<name>.minoskv` with a valid
    /// name whose header reads back (magic, version, header checksum). Only headers are read, so a
    /// damaged body shows only when the session is read. Other files, unreadable ones and the
    /// temporaries of saves in progress are skipped; a directory that is missing or cannot be read
    /// lists nothing. `name` is the file's name, which `path(for:in:)` maps back to `path`; `bytes`
    /// is the file's size and `savedAt` the snapshot's.
    public static func list(in directory: String) -> [(name: String, path: String, bytes: Int, savedAt: Double)] {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            return []
        }
        let suffix = ".\(fileExtension)"
        var sessions: [(name: String, path: String, bytes: Int, savedAt: Double)] = []
        for entry in entries.sorted() where entry.hasSuffix(suffix) {
            let name = String(entry.dropLast(suffix.count))
            do {
                let path = try path(for: name, in: directory)
                let file = try SessionFileReader(path: path)
                sessions.append((name, path, file.size, try file.header().0.snapshot.savedAt))
            } catch {
                continue
            }
        }
        return sessions
    }
}

/// The temporary file as `SessionFile.write` fills it, with the checksum of what went in so far.
private struct ChecksummedOutput {
    let file: AtomicFile.Output
    /// Bytes after which writing fails, for tests.
    let interruptAfter: Int?
    var hash = Hash64()
    var written = 0

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(GGUFError) {
        if let limit = interruptAfter, written + bytes.count > limit {
            try file.write(UnsafeRawBufferPointer(rebasing: bytes.prefix(max(0, limit - written))))
            throw GGUFError(.io, "interrupted after \(limit) bytes, as the caller asked")
        }
        try file.write(bytes)
        hash.update(bytes)
        written += bytes.count
    }
}

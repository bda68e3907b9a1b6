#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The header of a session file, its encoding and its checks, and the reader that takes it from
/// disk. `SessionFile` documents the byte layout.
struct SessionHeader {
    /// The fingerprint of the model the cache belongs to.
    var fingerprint: UInt64
    var layers: Int
    var width: Int
    var kvHeads: Int
    var nextPosition: Int32
    var compressedThrough: Int32
    /// Entries in each layer.
    var counts: [Int]
    var snapshot: SessionSnapshot

    /// The preamble (magic, version, header length) and the header, its checksum last. Every count
    /// and length fits a UInt32: the caller has bounded the snapshot's size.
    func encoded() -> [UInt8] {
        var fields = ByteSink()
        fields.append(fingerprint)
        fields.append(UInt32(layers))
        fields.append(UInt32(width))
        fields.append(UInt32(kvHeads))
        fields.append(nextPosition)
        fields.append(compressedThrough)
        fields.append(snapshot.savedAt.bitPattern)
        for count in counts { fields.append(UInt32(count)) }
        fields.append(snapshot.name)
        fields.append(UInt32(snapshot.tokens.count))
        for token in snapshot.tokens { fields.append(token) }
        if let messages = snapshot.messages {
            fields.append(UInt8(1))
            fields.append(UInt32(messages.count))
            for message in messages {
                fields.append(message.role)
                fields.append(message.content)
            }
        } else {
            fields.append(UInt8(0))
        }
        if let compression = snapshot.compression {
            fields.append(UInt8(1))
            fields.append(compression)
        } else {
            fields.append(UInt8(0))
        }
        var out = ByteSink()
        out.bytes = SessionFile.magic
        out.append(SessionFile.version)
        out.append(UInt32(fields.bytes.count + SessionFile.checksumBytes))
        out.bytes += fields.bytes
        var hash = Hash64()
        hash.update(out.bytes)
        out.append(hash.value)
        return out.bytes
    }

}

// Decoding and checking, in an extension so that the memberwise initializer stays.
extension SessionHeader {
    /// Parses `head`, the preamble and header as `encoded` lays them out (its checksum verified by
    /// the caller), checking every count against the bytes that are left before using it.
    init(decoding head: [UInt8], path: String) throws(EngineError) {
        var cursor = ByteCursor(bytes: head, offset: SessionFile.preambleBytes, end: head.count - SessionFile.checksumBytes, path: path)
        fingerprint = try cursor.integer("the fingerprint")
        layers = Int(try cursor.integer("the layer count", as: UInt32.self))
        width = Int(try cursor.integer("the KV width", as: UInt32.self))
        kvHeads = Int(try cursor.integer("the KV head count", as: UInt32.self))
        nextPosition = try cursor.integer("nextPosition")
        compressedThrough = try cursor.integer("compressedThrough")
        let savedAt = Double(bitPattern: try cursor.integer("savedAt"))
        try cursor.expect(layers, of: 4, "layer entry counts")
        counts = []
        for _ in 0..<layers { counts.append(Int(try cursor.integer("the layer entry counts", as: UInt32.self))) }
        let name = try cursor.string("the name")
        let tokenCount = Int(try cursor.integer("the token count", as: UInt32.self))
        try cursor.expect(tokenCount, of: 4, "tokens")
        var tokens: [Int32] = []
        tokens.reserveCapacity(tokenCount)
        for _ in 0..<tokenCount { tokens.append(try cursor.integer("the tokens")) }
        var messages: [ChatMessage]?
        if try cursor.flag("the messages flag") {
            let count = Int(try cursor.integer("the message count", as: UInt32.self))
            try cursor.expect(count, of: 8, "messages")
            var list: [ChatMessage] = []
            for _ in 0..<count {
                let role = try cursor.string("a message's role")
                list.append(ChatMessage(role: role, content: try cursor.string("a message's content")))
            }
            messages = list
        }
        let compression = try cursor.flag("the compression flag") ? try cursor.string("the compression") : nil
        guard cursor.remaining == 0 else {
            throw EngineError.invalidSessionFile(path: path, reason: "the header has \(cursor.remaining) unexpected bytes at its end")
        }
        snapshot = SessionSnapshot(name: name, tokens: tokens, messages: messages, compression: compression, savedAt: savedAt)
    }

    /// Refuses a header saved from another model (`sessionModelMismatch`, naming every difference),
    /// one whose bookkeeping is inconsistent (`invalidSessionFile`), and a sequence longer than the
    /// context `model` was loaded with (`contextOverflow`). Bounds every entry count by the model's
    /// trained context, so what reading allocates afterwards is bounded too.
    func check(against model: LoadedModel, path: String) throws(EngineError) {
        let c = model.configuration
        var differences: [String] = []
        if fingerprint != model.fingerprintValue {
            differences.append("its model fingerprint is \(LoadedModel.hex(fingerprint)), model '\(model.name)' has \(model.fingerprint)")
        }
        if layers != c.blockCount { differences.append("it has \(layers) layers, the model \(c.blockCount)") }
        if width != c.keyValueWidth { differences.append("its KV width is \(width), the model's \(c.keyValueWidth)") }
        if kvHeads != c.headCountKV { differences.append("it has \(kvHeads) KV heads, the model \(c.headCountKV)") }
        guard differences.isEmpty else {
            throw EngineError.sessionModelMismatch(path: path, reason: differences.joined(separator: "; "))
        }
        func invalid(_ reason: String) -> EngineError { EngineError.invalidSessionFile(path: path, reason: reason) }
        guard 0 <= compressedThrough, compressedThrough <= nextPosition, Int(nextPosition) <= c.contextLength else {
            throw invalid("its sequence of \(nextPosition) tokens, compressed through \(compressedThrough), does not fit the model's trained context of \(c.contextLength)")
        }
        let uncompressed = Int(nextPosition - compressedThrough)
        for (layer, count) in counts.enumerated() where count < uncompressed || count > Int(nextPosition) {
            throw invalid("layer \(layer) holds \(count) entries for a sequence of \(nextPosition) tokens compressed through \(compressedThrough)")
        }
        guard snapshot.tokens.count >= Int(nextPosition) else {
            throw invalid("its cache holds \(nextPosition) tokens but it lists only \(snapshot.tokens.count)")
        }
        guard Int(nextPosition) <= model.contextLength else {
            throw EngineError.contextOverflow(needed: Int(nextPosition), limit: model.contextLength)
        }
    }

    /// The length of the whole file this header describes, `headerBytes` being the preamble and
    /// header; nil when it overflows.
    func fileBytes(headerBytes: Int) -> Int? {
        let perEntry = (kvHeads + 2 * width) * SessionFile.scalarBytes
        var total = headerBytes + SessionFile.checksumBytes
        for count in counts {
            let (bytes, overflow) = count.multipliedReportingOverflow(by: perEntry)
            guard !overflow else { return nil }
            let (sum, again) = total.addingReportingOverflow(bytes)
            guard !again else { return nil }
            total = sum
        }
        return total
    }
}

/// Little-endian encoding of header fields.
struct ByteSink {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A string as its UTF-8 byte count (UInt32) and bytes.
    mutating func append(_ string: String) {
        append(UInt32(string.utf8.count))
        bytes.append(contentsOf: string.utf8)
    }
}

/// Reads header fields in order, each checked against the bytes left before it is read.
struct ByteCursor {
    let bytes: [UInt8]
    var offset: Int
    let end: Int
    let path: String

    var remaining: Int { end - offset }

    private func truncated(_ what: String) -> EngineError {
        EngineError.invalidSessionFile(path: path, reason: "the header ends inside \(what) (byte \(offset))")
    }

    /// Throws unless `count` items of at least `size` bytes each can fit in what is left, so that a
    /// damaged count is refused before anything is reserved for it.
    func expect(_ count: Int, of size: Int, _ what: String) throws(EngineError) {
        guard count <= remaining / size else {
            throw EngineError.invalidSessionFile(path: path, reason: "the header claims \(count) \(what), more than its remaining \(remaining) bytes can hold")
        }
    }

    mutating func take(_ count: Int, _ what: String) throws(EngineError) -> ArraySlice<UInt8> {
        guard count <= remaining else { throw truncated(what) }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func integer<T: FixedWidthInteger>(_ what: String, as type: T.Type = T.self) throws(EngineError) -> T {
        let slice = try take(MemoryLayout<T>.size, what)
        return T(littleEndian: slice.withUnsafeBytes { $0.loadUnaligned(as: T.self) })
    }

    /// A byte that must be 0 (false) or 1 (true).
    mutating func flag(_ what: String) throws(EngineError) -> Bool {
        switch try integer(what, as: UInt8.self) {
        case 0: return false
        case 1: return true
        case let other: throw EngineError.invalidSessionFile(path: path, reason: "\(what) is \(other), not 0 or 1 (byte \(offset - 1))")
        }
    }

    /// A UTF-8 string stored as its byte count (UInt32) and bytes.
    mutating func string(_ what: String) throws(EngineError) -> String {
        let count = Int(try integer(what, as: UInt32.self))
        let slice = try take(count, what)
        guard let string = String(validating: slice, as: UTF8.self) else {
            throw EngineError.invalidSessionFile(path: path, reason: "\(what) is not valid UTF-8")
        }
        return string
    }
}

/// An open session file, read at explicit offsets. Every failure is `invalidSessionFile` naming it.
final class SessionFileReader {
    let path: String
    /// The file's length in bytes, when it was opened.
    let size: Int
    private let fd: Int32

    /// Opens `path`, which must be a regular file (a FIFO does not block the open: O_NONBLOCK).
    init(path: String) throws(EngineError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw EngineError.invalidSessionFile(path: path, reason: "cannot open it: \(Self.errorText(errno))")
        }
        var info = stat()
        var problem: String?
        if fstat(fd, &info) != 0 {
            problem = "cannot stat it: \(Self.errorText(errno))"
        } else if info.st_mode & S_IFMT == S_IFDIR {
            problem = "it is a directory"
        } else if info.st_mode & S_IFMT != S_IFREG {
            problem = "it is not a regular file"
        }
        if let problem {
            _ = close(fd)
            throw EngineError.invalidSessionFile(path: path, reason: problem)
        }
        self.fd = fd
        self.path = path
        self.size = Int(info.st_size)
    }

    deinit { _ = close(fd) }

    private func invalid(_ reason: String) -> EngineError { EngineError.invalidSessionFile(path: path, reason: reason) }

    /// Reads and checks the preamble and header (magic, version, header length against the file's
    /// length, header checksum), then parses the header. Returns it with its bytes, preamble included.
    func header() throws(EngineError) -> (SessionHeader, [UInt8]) {
        let checksum = SessionFile.checksumBytes, preambleBytes = SessionFile.preambleBytes
        let smallest = preambleBytes + 2 * checksum
        guard size > 0 else { throw invalid("the file is empty") }
        guard size >= smallest else { throw invalid("the file is only \(size) bytes; a session file has at least \(smallest)") }
        let preamble = try bytes(at: 0, count: preambleBytes)
        guard preamble.prefix(SessionFile.magic.count).elementsEqual(SessionFile.magic) else {
            throw invalid("it is not a Minos session file (it does not start with MINOSKV)")
        }
        var cursor = ByteCursor(bytes: preamble, offset: SessionFile.magic.count, end: preambleBytes, path: path)
        let version: UInt32 = try cursor.integer("the version")
        guard version == SessionFile.version else {
            throw invalid("it is format version \(version); this build reads version \(SessionFile.version)")
        }
        let length = Int(try cursor.integer("the header length", as: UInt32.self))
        guard length >= checksum, length <= SessionFile.maxHeaderBytes, length <= size - preambleBytes - checksum else {
            throw invalid("its header claims \(length) bytes, which a file of \(size) bytes cannot hold")
        }
        let head = preamble + (try bytes(at: preambleBytes, count: length))
        let end = head.count - checksum
        var hash = Hash64()
        head.withUnsafeBytes { hash.update(UnsafeRawBufferPointer(rebasing: $0[..<end])) }
        var stored = ByteCursor(bytes: head, offset: end, end: head.count, path: path)
        guard hash.value == (try stored.integer("the header checksum", as: UInt64.self)) else {
            throw invalid("the header checksum does not match: the header is damaged")
        }
        return (try SessionHeader(decoding: head, path: path), head)
    }

    /// Fills `buffer` from the file's bytes at `offset`.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(EngineError) {
        var done = 0
        while done < buffer.count {
            let result = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if result < 0 {
                if errno == EINTR { continue }
                throw invalid("cannot read it: \(Self.errorText(errno))")
            }
            if result == 0 { throw invalid("it ended at byte \(offset + done) while being read (truncated meanwhile?)") }
            done += result
        }
    }

    func bytes(at offset: Int, count: Int) throws(EngineError) -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 8)
        defer { buffer.deallocate() }
        try read(into: buffer, at: offset)
        return Array(buffer)
    }

    func uint64(at offset: Int) throws(EngineError) -> UInt64 {
        var cursor = ByteCursor(bytes: try bytes(at: offset, count: 8), offset: 0, end: 8, path: path)
        return try cursor.integer("the checksum")
    }

    /// `Hash64` of the bytes in `range`, read a mebibyte at a time.
    func checksum(of range: Range<Int>) throws(EngineError) -> UInt64 {
        var hash = Hash64()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: min(1 << 20, range.count), alignment: 8)
        defer { buffer.deallocate() }
        var offset = range.lowerBound
        while offset < range.upperBound {
            let piece = UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(buffer.count, range.upperBound - offset)])
            try read(into: piece, at: offset)
            hash.update(UnsafeRawBufferPointer(piece))
            offset += piece.count
        }
        return hash.value
    }

    /// The C library's text for an errno value.
    static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text) + " (errno \(code))"
    }
}

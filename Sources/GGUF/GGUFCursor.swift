/// A bounds-checked little-endian reader over the bytes of a GGUF file.
///
/// Every read checks the bytes remaining first and throws `.truncated` naming the offset and the
/// field; nothing is ever read past `end`. Descriptions of fields are autoclosures so that the
/// message is only built when a read fails.
struct GGUFCursor {
    /// First byte of the file.
    let base: UnsafePointer<UInt8>
    /// Number of bytes in the file.
    let end: Int
    /// Offset of the next byte to read.
    var offset: Int = 0
    /// Array elements still allowed before `GGUFLimits.maxMetadataArrayElements` is reached.
    var arrayElementBudget = GGUFLimits.maxMetadataArrayElements

    init(_ bytes: UnsafeRawBufferPointer) {
        // Callers reject empty input first, so the base address exists.
        self.base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        self.end = bytes.count
    }

    /// Bytes left after `offset`.
    var remaining: Int { end - offset }

    /// Throws `.truncated` unless `count` more bytes are available.
    @inline(__always)
    func require(_ count: Int, _ what: @autoclosure () -> String) throws(GGUFError) {
        guard count <= end - offset else {
            throw GGUFError(
                .truncated,
                "file truncated \(atByte(offset)) reading \(what()): need \(count) bytes, \(end - offset) remain",
                offset: offset)
        }
    }

    /// Reads one byte.
    mutating func u8(_ what: @autoclosure () -> String) throws(GGUFError) -> UInt8 {
        try require(1, what())
        let value = base[offset]
        offset += 1
        return value
    }

    /// Reads a little-endian UInt16.
    mutating func u16(_ what: @autoclosure () -> String) throws(GGUFError) -> UInt16 {
        try require(2, what())
        let value = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt16.self)
        offset += 2
        return UInt16(littleEndian: value)
    }

    /// Reads a little-endian UInt32.
    mutating func u32(_ what: @autoclosure () -> String) throws(GGUFError) -> UInt32 {
        try require(4, what())
        let value = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt32.self)
        offset += 4
        return UInt32(littleEndian: value)
    }

    /// Reads a little-endian UInt64.
    mutating func u64(_ what: @autoclosure () -> String) throws(GGUFError) -> UInt64 {
        try require(8, what())
        let value = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
        offset += 8
        return UInt64(littleEndian: value)
    }

    /// Reads a GGUF string: a u64 byte length, then that many UTF-8 bytes (not NUL-terminated).
    ///
    /// The length is checked against the bytes remaining before anything is read or allocated.
    /// Invalid UTF-8 is repaired with U+FFFD rather than refused, as other readers accept it.
    mutating func string(_ what: @autoclosure () -> String) throws(GGUFError) -> String {
        let start = offset
        let length = try u64("length of \(what())")
        guard length <= UInt64(end - offset) else {
            throw stringTooLong(length, start: start, what())
        }
        let count = Int(length)
        let text = String(decoding: UnsafeBufferPointer(start: base + offset, count: count), as: UTF8.self)
        offset += count
        return text
    }

    /// The error for a string whose length, read at `start`, runs past the end.
    func stringTooLong(_ length: UInt64, start: Int, _ what: String) -> GGUFError {
        GGUFError(
            .stringTooLong,
            "\(what) \(atByte(start)) has length \(length), past the end of the file (\(end - offset) bytes remain)",
            offset: start)
    }
}

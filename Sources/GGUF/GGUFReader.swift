// GGUF reader: parses the header, metadata and tensor table of a GGUF file held in memory.
//
// Follows the GGUF specification in ggml's docs/gguf.md (versions 2 and 3, little-endian):
//
//   magic "GGUF" | u32 version | u64 tensor_count | u64 metadata_kv_count
//   metadata_kv_count x { string key | u32 value_type | value }
//   tensor_count x { string name | u32 n_dims | u64 dims[n_dims] | u32 ggml_type | u64 offset }
//   padding to general.alignment (default 32) | tensor data
//
// A string is a u64 byte length followed by UTF-8 bytes; an array value is a u32 element type,
// a u64 count and the elements (arrays may nest). dims[0] is the fastest-varying dimension and a
// tensor's offset is relative to the start of the data section, which begins at the end of the
// header rounded up to the alignment. Version 1 (32-bit counts) is refused. Every count is bounded
// by the bytes that remain before anything is reserved, and all arithmetic on values read from
// the file is overflow-checked, so corrupt input throws a `GGUFError` instead of crashing.
import Kernels

/// Everything the reader learns from a file's header.
struct GGUFHeader {
    var version: UInt32
    var keys: [String]
    var metadata: [String: GGUFValue]
    var tensors: [GGUFTensorInfo]
    var tensorIndex: [String: Int]
    var alignment: Int
    var dataOffset: Int
}

/// Parses GGUF headers.
enum GGUFParser {
    /// Fewest bytes a metadata pair can take: key length, value type, one value byte.
    static let minimumPairSize = 8 + 4 + 1
    /// Fewest bytes a tensor info can take: name length, n_dims, one dim, type, offset.
    static let minimumTensorInfoSize = 8 + 4 + 8 + 4 + 8

    /// Parses and validates the header of `bytes`, a whole GGUF file.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(GGUFError) -> GGUFHeader {
        guard bytes.count > 0 else { throw GGUFError(.emptyFile, "the file is empty (0 bytes)", offset: 0) }
        var cursor = GGUFCursor(bytes)
        try checkMagic(bytes)
        cursor.offset = 4
        let version = try checkVersion(try cursor.u32("version"))
        let tensorCountOffset = cursor.offset
        let tensorCount = try cursor.u64("tensor count")
        let pairCountOffset = cursor.offset
        let pairCount = try cursor.u64("metadata key/value count")
        try checkCounts(
            tensors: tensorCount, at: tensorCountOffset, pairs: pairCount, at: pairCountOffset,
            remaining: cursor.remaining)

        var keys: [String] = []
        var metadata: [String: GGUFValue] = [:]
        keys.reserveCapacity(min(Int(pairCount), GGUFLimits.maxReservation))
        metadata.reserveCapacity(min(Int(pairCount), GGUFLimits.maxReservation))
        var alignmentOffset = 0
        for index in 0..<Int(pairCount) {
            let keyOffset = cursor.offset
            let key = try cursor.string("metadata key #\(index)")
            guard metadata[key] == nil else {
                throw GGUFError(
                    .duplicateKey, "duplicate metadata key \(quoted(key)) \(atByte(keyOffset)) (pair #\(index))",
                    offset: keyOffset)
            }
            if key == "general.alignment" { alignmentOffset = keyOffset }
            let type = try cursor.valueType("value type of key \(quoted(key))")
            let value = try cursor.value(of: type, depth: 0, key: key)
            keys.append(key)
            metadata[key] = value
        }
        let alignment = try alignmentValue(metadata["general.alignment"], at: alignmentOffset)

        var tensors: [GGUFTensorInfo] = []
        var tensorIndex: [String: Int] = [:]
        var infoOffsets: [Int] = []
        let reservation = min(Int(tensorCount), GGUFLimits.maxReservation)
        tensors.reserveCapacity(reservation)
        tensorIndex.reserveCapacity(reservation)
        infoOffsets.reserveCapacity(reservation)
        for index in 0..<Int(tensorCount) {
            let infoOffset = cursor.offset
            let info = try readTensorInfo(&cursor, index: index, alignment: alignment)
            guard tensorIndex[info.name] == nil else {
                throw GGUFError(
                    .duplicateTensor,
                    "duplicate tensor name \(quoted(info.name)) \(atByte(infoOffset)) (tensor #\(index))",
                    offset: infoOffset)
            }
            tensorIndex[info.name] = index
            tensors.append(info)
            infoOffsets.append(infoOffset)
        }

        let headerEnd = cursor.offset
        let (padded, overflow) = headerEnd.addingReportingOverflow(alignment - 1)
        guard !overflow else {
            throw GGUFError(
                .invalidAlignment, "alignment \(alignment) overflows the data section offset \(atByte(headerEnd))",
                offset: alignmentOffset)
        }
        let dataOffset = padded & ~(alignment - 1)
        try TensorValidation.checkLayout(
            tensors, infoOffsets: infoOffsets, dataOffset: dataOffset, fileSize: bytes.count)
        return GGUFHeader(
            version: version, keys: keys, metadata: metadata, tensors: tensors, tensorIndex: tensorIndex,
            alignment: alignment, dataOffset: dataOffset)
    }

    /// Throws `.badMagic` (or `.truncated` for a prefix of "GGUF") unless the file starts with "GGUF".
    static func checkMagic(_ bytes: UnsafeRawBufferPointer) throws(GGUFError) {
        let magic: [UInt8] = Array("GGUF".utf8)
        let head = Array(bytes.prefix(4))
        if head == magic { return }
        if head.count < 4 && magic.starts(with: head) {
            throw GGUFError(
                .truncated, "file truncated \(atByte(head.count)) reading the magic: it has only \(head.count) bytes",
                offset: head.count)
        }
        let hex = head.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
        let text = String(decoding: head.map { (0x20..<0x7f).contains($0) ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
        throw GGUFError(
            .badMagic, "not a GGUF file: magic is \(hex) (\"\(text)\") \(atByte(0)), expected 47 47 55 46 (\"GGUF\")",
            offset: 0)
    }

    /// Returns the version when it is 2 or 3, else throws `.unsupportedVersion`.
    static func checkVersion(_ version: UInt32) throws(GGUFError) -> UInt32 {
        if version == 2 || version == 3 { return version }
        let message: String
        if version == 1 {
            message = "GGUF version 1 \(atByte(4)) is not supported (it uses 32-bit counts); "
                + "only versions 2 and 3 are read"
        } else if version.byteSwapped == 2 || version.byteSwapped == 3 {
            message = "GGUF version field \(atByte(4)) is \(version): "
                + "this looks like a big-endian file, which is not supported"
        } else {
            message = "GGUF version \(version) \(atByte(4)) is not supported; only versions 2 and 3 are read"
        }
        throw GGUFError(.unsupportedVersion, message, offset: 4)
    }

    /// Throws `.countTooLarge` unless the tensor and pair counts could be described by `remaining` bytes.
    static func checkCounts(
        tensors: UInt64, at tensorOffset: Int, pairs: UInt64, at pairOffset: Int, remaining: Int
    ) throws(GGUFError) {
        let maxPairs = UInt64(remaining / minimumPairSize)
        guard pairs <= maxPairs else {
            throw GGUFError(
                .countTooLarge,
                "metadata key/value count \(pairs) \(atByte(pairOffset)) cannot fit in the \(remaining) bytes that remain "
                    + "(each pair takes at least \(minimumPairSize)); the file is corrupt or truncated",
                offset: pairOffset)
        }
        let left = remaining - Int(pairs) * minimumPairSize
        guard tensors <= UInt64(left / minimumTensorInfoSize) else {
            throw GGUFError(
                .countTooLarge,
                "tensor count \(tensors) \(atByte(tensorOffset)) cannot fit in the \(remaining) bytes that remain "
                    + "after \(pairs) metadata pairs (each tensor info takes at least \(minimumTensorInfoSize)); "
                    + "the file is corrupt or truncated",
                offset: tensorOffset)
        }
    }

    /// The alignment from `general.alignment` (default 32); it must be a nonzero power-of-two integer.
    static func alignmentValue(_ value: GGUFValue?, at offset: Int) throws(GGUFError) -> Int {
        guard let value else { return GGUFLimits.defaultAlignment }
        guard let alignment = value.intValue, alignment > 0, alignment & (alignment - 1) == 0 else {
            throw GGUFError(
                .invalidAlignment,
                "general.alignment \(atByte(offset)) is \(value), which is not a nonzero power-of-two integer",
                offset: offset)
        }
        return alignment
    }

    /// Reads one tensor info and checks its fields (see `TensorValidation.makeInfo`).
    static func readTensorInfo(
        _ cursor: inout GGUFCursor, index: Int, alignment: Int
    ) throws(GGUFError) -> GGUFTensorInfo {
        let name = try cursor.string("name of tensor #\(index)")
        let dimensionCountOffset = cursor.offset
        let dimensionCount = try cursor.u32("dimension count of tensor \(quoted(name))")
        guard dimensionCount >= 1, dimensionCount <= UInt32(GGUFLimits.maxDimensionCount) else {
            throw GGUFError(
                .invalidDimensionCount,
                "tensor \(quoted(name)) has \(dimensionCount) dimensions \(atByte(dimensionCountOffset)); "
                    + "it must have 1 to \(GGUFLimits.maxDimensionCount)",
                offset: dimensionCountOffset)
        }
        var shape: [Int] = []
        shape.reserveCapacity(Int(dimensionCount))
        for axis in 0..<Int(dimensionCount) {
            let dimensionOffset = cursor.offset
            let dimension = try cursor.u64("dimension \(axis) of tensor \(quoted(name))")
            guard dimension >= 1, dimension <= UInt64(GGUFLimits.maxDimension) else {
                throw GGUFError(
                    .invalidDimension,
                    "dimension \(axis) of tensor \(quoted(name)) \(atByte(dimensionOffset)) is \(dimension); "
                        + "it must be between 1 and \(GGUFLimits.maxDimension)",
                    offset: dimensionOffset)
            }
            shape.append(Int(dimension))
        }
        let typeOffset = cursor.offset
        let rawType = try cursor.u32("type of tensor \(quoted(name))")
        let offsetOffset = cursor.offset
        let rawOffset = try cursor.u64("data offset of tensor \(quoted(name))")
        return try TensorValidation.makeInfo(
            name: name, shape: shape, rawType: rawType, typeOffset: typeOffset,
            rawOffset: rawOffset, offsetOffset: offsetOffset, alignment: alignment)
    }
}

import Kernels

/// A parsed, validated GGUF file whose tensor data is viewed in place.
///
/// `open(path:)` memory-maps the file read-only and `init(bytes:)` copies a buffer once; either
/// way the header is fully validated before the object exists, and `data(for:)` returns pointers
/// into those bytes without copying. The pointers stay valid for as long as the `GGUFFile` is
/// alive; keep a reference while using them.
///
/// Sendable: everything is immutable after init (all stored properties are `let`, and the mapped or
/// copied bytes are never written), so instances may be shared freely between threads.
public final class GGUFFile: @unchecked Sendable {
    /// How the bytes are held, which decides how deinit releases them.
    private enum Backing {
        case mapped
        case heap
    }

    /// The whole file: the mapping or the private copy.
    private let region: UnsafeRawBufferPointer
    private let backing: Backing
    private let tensorIndex: [String: Int]

    /// The path the file was opened from, or nil for an in-memory buffer.
    public let path: String?
    /// The GGUF version (2 or 3).
    public let version: UInt32
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    /// Metadata values by key.
    public let metadata: [String: GGUFValue]
    /// The tensor table in file order.
    public let tensors: [GGUFTensorInfo]
    /// The data alignment (`general.alignment`, default 32).
    public let alignment: Int
    /// Absolute file offset of the data section: the end of the header rounded up to `alignment`.
    public let dataOffset: Int

    private init(region: UnsafeRawBufferPointer, backing: Backing, header: GGUFHeader, path: String?) {
        self.region = region
        self.backing = backing
        self.tensorIndex = header.tensorIndex
        self.path = path
        self.version = header.version
        self.metadataKeys = header.keys
        self.metadata = header.metadata
        self.tensors = header.tensors
        self.alignment = header.alignment
        self.dataOffset = header.dataOffset
    }

    /// Unmaps the file, or frees the private copy.
    deinit {
        switch backing {
        case .mapped: FileMapping.unmap(region)
        case .heap: region.baseAddress.map { UnsafeMutableRawPointer(mutating: $0).deallocate() }
        }
    }

    /// Opens, memory-maps (read-only, private) and parses the GGUF file at `path`.
    ///
    /// Throws `.notRegularFile`, `.emptyFile`, `.io` for files that cannot be used, `.badMagic`
    /// ("not a GGUF file: magic is …") for other formats, and any validation error of the header.
    public static func open(path: String) throws(GGUFError) -> GGUFFile {
        let region = try FileMapping.map(path: path)
        do {
            let header = try GGUFParser.parse(region)
            return GGUFFile(region: region, backing: .mapped, header: header, path: path)
        } catch {
            FileMapping.unmap(region)
            throw GGUFError(error.kind, "\(path): \(error.message)", offset: error.offset)
        }
    }

    /// Parses a GGUF file held in memory (copied once, so the caller's array may go away).
    public convenience init(bytes: [UInt8]) throws(GGUFError) {
        guard !bytes.isEmpty else { throw GGUFError(.emptyFile, "the buffer is empty (0 bytes)", offset: 0) }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 64)
        copy.copyBytes(from: bytes)
        let region = UnsafeRawBufferPointer(copy)
        let header: GGUFHeader
        do {
            header = try GGUFParser.parse(region)
        } catch {
            copy.deallocate()
            throw error
        }
        self.init(region: region, backing: .heap, header: header, path: nil)
    }

    /// The whole file's bytes (valid while this object is alive).
    public var bytes: UnsafeRawBufferPointer { region }

    /// Size of the file in bytes.
    public var fileSize: Int { region.count }

    /// Whether the bytes are a memory mapping of a file (as opposed to an in-memory copy).
    public var isMemoryMapped: Bool { backing == .mapped }

    /// The metadata value for `key`, or nil when absent.
    public func value(_ key: String) -> GGUFValue? { metadata[key] }

    /// The tensor named `name`, or nil when the file has none.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The bytes of `tensor`'s data, in place in the file (valid while this object is alive).
    ///
    /// Precondition: `tensor` comes from this file's tensor table (its range lies in the file).
    public func data(for tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        let (start, overflow) = dataOffset.addingReportingOverflow(tensor.offset)
        precondition(
            !overflow && tensor.offset >= 0 && tensor.byteCount >= 0 && start <= region.count
                && tensor.byteCount <= region.count - start,
            "tensor \(tensor.name) does not lie within this GGUF file")
        return UnsafeRawBufferPointer(rebasing: region[start..<(start + tensor.byteCount)])
    }

    /// The bytes of the tensor named `name`, or nil when the file has none.
    public func data(named name: String) -> UnsafeRawBufferPointer? {
        tensor(named: name).map { data(for: $0) }
    }
}

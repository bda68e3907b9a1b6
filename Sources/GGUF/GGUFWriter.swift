import Kernels

/// Builds GGUF files (versions 2 and 3, little-endian), mainly for test fixtures.
///
/// Metadata keys keep their insertion order; tensors are laid out in the order added, each at an
/// offset that is a multiple of `alignment`, with zero padding. When `alignment` is not the
/// default 32 and no `general.alignment` key was set, the writer emits one (as uint32) first.
/// A `general.alignment` set explicitly is written as given (so fixtures can be made invalid),
/// but the layout always uses `alignment`.
public struct GGUFWriter: Sendable {
    /// The version written in the header (2 or 3; they share one layout).
    public let version: UInt32
    /// The alignment of tensor data.
    public let alignment: Int

    private var keys: [String] = []
    private var values: [String: GGUFValue] = [:]
    private var pending: [(name: String, shape: [Int], type: GGMLType, data: [UInt8])] = []

    /// Creates an empty writer. Precondition: `version` is 2 or 3 and `alignment` a power of two.
    public init(version: UInt32 = 3, alignment: Int = 32) {
        precondition(version == 2 || version == 3, "GGUFWriter writes versions 2 and 3, not \(version)")
        precondition(alignment > 0 && alignment & (alignment - 1) == 0, "alignment \(alignment) is not a power of two")
        self.version = version
        self.alignment = alignment
    }

    /// Sets metadata `key` to `value`; a new key goes last, an existing one keeps its position.
    ///
    /// Precondition: every array (at any depth) holds elements of a single case, as GGUF arrays
    /// are typed; nested arrays may differ from one another.
    public mutating func set(_ key: String, _ value: GGUFValue) {
        precondition(Self.isHomogeneous(value), "GGUF arrays must hold elements of one type (key \(key))")
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }

    /// Adds a tensor; `shape[0]` is the fastest-varying dimension, `data` its encoded bytes.
    ///
    /// Throws `.invalidArgument` for a duplicate name, a shape of 0 or more than 4 dimensions or
    /// with a dimension below 1, rows that are not whole blocks, or `data` of the wrong size.
    public mutating func addTensor(name: String, shape: [Int], type: GGMLType, data: [UInt8]) throws(GGUFError) {
        guard !pending.contains(where: { $0.name == name }) else {
            throw GGUFError(.invalidArgument, "tensor \(quoted(name)) was already added")
        }
        guard (1...GGUFLimits.maxDimensionCount).contains(shape.count), shape.allSatisfy({ $0 >= 1 }) else {
            throw GGUFError(.invalidArgument, "tensor \(quoted(name)) has invalid shape \(shape)")
        }
        var elements = 1
        for dimension in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw GGUFError(.invalidArgument, "tensor \(quoted(name)) shape \(shape) overflows") }
            elements = product
        }
        guard shape[0] % type.blockSize == 0, let expected = type.byteCount(elements: elements) else {
            throw GGUFError(
                .invalidArgument,
                "tensor \(quoted(name)) shape \(shape) is not whole \(type) blocks of \(type.blockSize)")
        }
        guard data.count == expected else {
            throw GGUFError(
                .invalidArgument,
                "tensor \(quoted(name)) of shape \(shape) and type \(type) needs \(expected) bytes, got \(data.count)")
        }
        pending.append((name, shape, type, data))
    }

    /// The tensor table the writer will produce (offsets within the data section).
    public var tensorInfos: [GGUFTensorInfo] {
        var offset = 0
        return pending.map { tensor in
            let info = GGUFTensorInfo(
                name: tensor.name, shape: tensor.shape, type: tensor.type, offset: offset,
                byteCount: tensor.data.count, elementCount: tensor.shape.reduce(1, *))
            offset = Self.aligned(offset + tensor.data.count, alignment)
            return info
        }
    }

    /// The complete file.
    public func serialize() -> [UInt8] {
        let infos = tensorInfos
        var out = header(infos)
        out.reserveCapacity(out.count + pending.reduce(0) { $0 + $1.data.count + alignment })
        let dataStart = out.count
        for (info, tensor) in zip(infos, pending) {
            out.append(contentsOf: repeatElement(0, count: dataStart + info.offset - out.count))
            out.append(contentsOf: tensor.data)
        }
        out.append(contentsOf: repeatElement(0, count: Self.aligned(out.count, alignment) - out.count))
        return out
    }

    /// Writes the metadata set so far and `tensors` to `path` atomically without holding all
    /// tensor data at once: `data(i)` is called once per tensor, in order, and must return exactly
    /// `tensors[i].type.byteCount(elements:)` bytes. Tensors added with `addTensor` are ignored.
    ///
    /// Throws `.invalidArgument` for a bad tensor declaration or a wrong byte count, and whatever
    /// `data` throws; on any failure `path` is left as it was (`AtomicFile`).
    package func write(to path: String, streaming tensors: [(name: String, shape: [Int], type: GGMLType)],
                       data: (Int) throws(GGUFError) -> [UInt8]) throws(GGUFError) {
        var infos: [GGUFTensorInfo] = []
        var offset = 0
        var names = Set<String>()
        for tensor in tensors {
            guard names.insert(tensor.name).inserted,
                  (1...GGUFLimits.maxDimensionCount).contains(tensor.shape.count),
                  tensor.shape.allSatisfy({ $0 >= 1 }), tensor.shape[0] % tensor.type.blockSize == 0
            else {
                throw GGUFError(.invalidArgument, "tensor \(quoted(tensor.name)) of shape \(tensor.shape) cannot be written as \(tensor.type)")
            }
            var elements = 1
            for dimension in tensor.shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw GGUFError(.invalidArgument, "tensor \(quoted(tensor.name)) shape \(tensor.shape) overflows") }
                elements = product
            }
            guard let bytes = tensor.type.byteCount(elements: elements) else {
                throw GGUFError(.invalidArgument, "tensor \(quoted(tensor.name)) is not whole \(tensor.type) blocks")
            }
            infos.append(GGUFTensorInfo(name: tensor.name, shape: tensor.shape, type: tensor.type, offset: offset,
                                        byteCount: bytes, elementCount: elements))
            offset = Self.aligned(offset + bytes, alignment)
        }
        let head = header(infos)
        try AtomicFile.write(to: path) { output throws(GGUFError) in
            try output.write(head)
            var written = 0
            for (index, info) in infos.enumerated() {
                if info.offset > written { try output.write([UInt8](repeating: 0, count: info.offset - written)) }
                let bytes = try data(index)
                guard bytes.count == info.byteCount else {
                    throw GGUFError(.invalidArgument, "tensor \(quoted(info.name)) needs \(info.byteCount) bytes, got \(bytes.count)")
                }
                try output.write(bytes)
                written = info.offset + bytes.count
            }
            let end = Self.aligned(written, alignment)
            if end > written { try output.write([UInt8](repeating: 0, count: end - written)) }
        }
    }

    /// The header (magic, counts, metadata, tensor table) padded to `alignment`.
    private func header(_ infos: [GGUFTensorInfo]) -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: Array("GGUF".utf8))
        Self.append(version, to: &out)
        var pairs = keys.map { ($0, values[$0]!) }
        if alignment != GGUFLimits.defaultAlignment && values["general.alignment"] == nil {
            pairs.insert(("general.alignment", .uint32(UInt32(alignment))), at: 0)
        }
        Self.append(UInt64(infos.count), to: &out)
        Self.append(UInt64(pairs.count), to: &out)
        for (key, value) in pairs {
            Self.append(key, to: &out)
            Self.append(value.valueType.rawValue, to: &out)
            Self.appendPayload(value, to: &out)
        }
        for info in infos {
            Self.append(info.name, to: &out)
            Self.append(UInt32(info.shape.count), to: &out)
            for dimension in info.shape { Self.append(UInt64(dimension), to: &out) }
            Self.append(info.type.rawValue, to: &out)
            Self.append(UInt64(info.offset), to: &out)
        }
        out.append(contentsOf: repeatElement(0, count: Self.aligned(out.count, alignment) - out.count))
        return out
    }

    /// Writes the file to `path` atomically: to a temporary file in the same directory, then renamed.
    public func write(to path: String) throws(GGUFError) {
        try AtomicFile.write(serialize(), to: path)
    }

    // MARK: Encoding

    static func aligned(_ value: Int, _ alignment: Int) -> Int {
        (value + alignment - 1) & ~(alignment - 1)
    }

    static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    static func append(_ text: String, to out: inout [UInt8]) {
        append(UInt64(text.utf8.count), to: &out)
        out.append(contentsOf: text.utf8)
    }

    /// Appends a value without its type id (arrays: element type, count, elements).
    static func appendPayload(_ value: GGUFValue, to out: inout [UInt8]) {
        switch value {
        case .uint8(let v): out.append(v)
        case .int8(let v): append(v, to: &out)
        case .uint16(let v): append(v, to: &out)
        case .int16(let v): append(v, to: &out)
        case .uint32(let v): append(v, to: &out)
        case .int32(let v): append(v, to: &out)
        case .uint64(let v): append(v, to: &out)
        case .int64(let v): append(v, to: &out)
        case .float32(let v): append(v.bitPattern, to: &out)
        case .float64(let v): append(v.bitPattern, to: &out)
        case .bool(let v): out.append(v ? 1 : 0)
        case .string(let v): append(v, to: &out)
        case .array(let elements):
            // An empty array's element type is not observable; uint8 is written.
            append((elements.first?.valueType ?? .uint8).rawValue, to: &out)
            append(UInt64(elements.count), to: &out)
            for element in elements { appendPayload(element, to: &out) }
        }
    }

    /// Whether every array in `value` holds a single case.
    static func isHomogeneous(_ value: GGUFValue) -> Bool {
        guard case .array(let elements) = value, let first = elements.first else { return true }
        let type = first.valueType
        return elements.allSatisfy { $0.valueType == type && isHomogeneous($0) }
    }
}

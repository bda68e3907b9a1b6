import Kernels

/// Checks on tensor infos: their type, element count, block structure, alignment and where their
/// data lies. All arithmetic is overflow-checked.
enum TensorValidation {
    /// Builds a tensor info from fields read at the given offsets, or throws naming the tensor.
    ///
    /// `shape` has already been checked to hold 1 to 4 dimensions, each in 1...maxDimension.
    static func makeInfo(
        name: String, shape: [Int], rawType: UInt32, typeOffset: Int,
        rawOffset: UInt64, offsetOffset: Int, alignment: Int
    ) throws(GGUFError) -> GGUFTensorInfo {
        guard let type = GGMLType(rawValue: rawType) else {
            throw GGUFError(
                .unknownTensorType,
                "tensor \(quoted(name)) has unknown type id \(rawType) \(atByte(typeOffset))",
                offset: typeOffset)
        }
        let elementCount = try self.elementCount(shape, name: name, at: typeOffset)
        // GGML stores each row (dimension 0) as whole blocks, which makes the element count whole blocks too.
        guard shape[0] % type.blockSize == 0 else {
            throw GGUFError(
                .notWholeBlocks,
                "tensor \(quoted(name)) \(atByte(typeOffset)) has shape \(shape) (\(elementCount) elements), "
                    + "but \(type) stores whole blocks of \(type.blockSize) elements along dimension 0",
                offset: typeOffset)
        }
        guard let byteCount = type.byteCount(elements: elementCount) else {
            throw GGUFError(
                .elementCountOverflow,
                "tensor \(quoted(name)) \(atByte(typeOffset)): the byte size of \(elementCount) \(type) elements overflows",
                offset: typeOffset)
        }
        guard rawOffset % UInt64(alignment) == 0 else {
            throw GGUFError(
                .misalignedTensor,
                "tensor \(quoted(name)) has data offset \(rawOffset) \(atByte(offsetOffset)), "
                    + "which is not a multiple of the alignment \(alignment)",
                offset: offsetOffset)
        }
        guard rawOffset <= UInt64(Int.max) else {
            throw GGUFError(
                .tensorPastEnd,
                "tensor \(quoted(name)) has data offset \(rawOffset) \(atByte(offsetOffset)), past the end of any file",
                offset: offsetOffset)
        }
        return GGUFTensorInfo(
            name: name, shape: shape, type: type, offset: Int(rawOffset),
            byteCount: byteCount, elementCount: elementCount)
    }

    /// The product of `shape`, or throws `.elementCountOverflow`.
    static func elementCount(_ shape: [Int], name: String, at offset: Int) throws(GGUFError) -> Int {
        var product = 1
        for dimension in shape {
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw GGUFError(
                    .elementCountOverflow,
                    "tensor \(quoted(name)) near \(atByte(offset)) has shape \(shape), whose element count overflows",
                    offset: offset)
            }
            product = next
        }
        return product
    }

    /// Checks that every tensor's data lies inside the file and that no two tensors overlap.
    ///
    /// `infoOffsets[i]` is where tensor `i`'s info starts, for messages; `dataOffset` is the
    /// absolute offset of the data section.
    static func checkLayout(
        _ tensors: [GGUFTensorInfo], infoOffsets: [Int], dataOffset: Int, fileSize: Int
    ) throws(GGUFError) {
        for (index, tensor) in tensors.enumerated() {
            let (relativeEnd, overflow1) = tensor.offset.addingReportingOverflow(tensor.byteCount)
            let (start, overflow2) = dataOffset.addingReportingOverflow(tensor.offset)
            let (end, overflow3) = dataOffset.addingReportingOverflow(relativeEnd)
            guard !overflow1, !overflow2, !overflow3, end <= fileSize else {
                let range = overflow2 || overflow3 ? "beyond \(Int.max)" : "[\(start), \(end))"
                throw GGUFError(
                    .tensorPastEnd,
                    "tensor \(quoted(tensor.name)) (info \(atByte(infoOffsets[index]))) has \(tensor.byteCount) bytes of data "
                        + "at file bytes \(range), past the end of the file (\(fileSize) bytes)",
                    offset: infoOffsets[index])
            }
        }
        let order = tensors.indices.sorted { tensors[$0].offset < tensors[$1].offset }
        for (previous, next) in zip(order, order.dropFirst()) {
            let a = tensors[previous]
            let b = tensors[next]
            // Cannot overflow: checkLayout's first loop bounded every end by the file size.
            guard a.offset + a.byteCount <= b.offset else {
                throw GGUFError(
                    .overlappingTensors,
                    "tensors \(quoted(a.name)) and \(quoted(b.name)) overlap: \(quoted(a.name)) occupies data section bytes "
                        + "[\(a.offset), \(a.offset + a.byteCount)) and \(quoted(b.name)) (info \(atByte(infoOffsets[next]))) "
                        + "starts at \(b.offset)",
                    offset: infoOffsets[next])
            }
        }
    }
}

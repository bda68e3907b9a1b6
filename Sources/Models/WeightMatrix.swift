import GGUF
import Kernels

/// A weight matrix left in its GGUF encoding, viewed in place in the memory-mapped file.
///
/// GGUF stores a linear layer `y = W x` with `ne0` = input width (columns) and `ne1` = output
/// width (rows); each row is `rowBytes` bytes of `type`-encoded values.
public struct WeightMatrix: @unchecked Sendable {
    public let name: String
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    public let rowBytes: Int
    /// Points into the mapped file, which the owning `LoadedModel` keeps alive.
    public let base: UnsafeRawPointer

    init(file: GGUFFile, name: String, rows: Int, columns: Int) throws(ModelError) {
        guard let info = file.tensor(named: name) else { throw ModelError.missingTensor(name) }
        let shape = info.shape.count == 1 ? [info.shape[0], 1] : info.shape
        guard shape == [columns, rows] else {
            throw ModelError.tensorShape(name, expected: [columns, rows], found: info.shape)
        }
        guard let rowBytes = info.type.byteCount(elements: columns) else {
            throw ModelError.tensorShape(name, expected: [columns, rows], found: info.shape)
        }
        self.name = name
        self.type = info.type
        self.rows = rows
        self.columns = columns
        self.rowBytes = rowBytes
        self.base = file.data(for: info).baseAddress!
    }

    /// The encoded bytes of row `index`.
    @inline(__always)
    public func row(_ index: Int) -> UnsafeRawPointer { base + index * rowBytes }

    /// Row `index` as floats (e.g. a token's embedding).
    public func dequantizeRow(_ index: Int, into destination: UnsafeMutablePointer<Float>) {
        Dequantize.row(type, from: row(index), into: destination, count: columns)
    }

    public var byteCount: Int { rows * rowBytes }
}

/// A 1-D weight (norm scales, biases) copied out as floats.
func vectorWeight(_ file: GGUFFile, _ name: String, count: Int) throws(ModelError) -> [Float] {
    guard let info = file.tensor(named: name) else { throw ModelError.missingTensor(name) }
    guard info.shape == [count] else { throw ModelError.tensorShape(name, expected: [count], found: info.shape) }
    let data = file.data(for: info)
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        Dequantize.row(info.type, from: data.baseAddress!, into: buffer.baseAddress!, count: count)
        initialized = count
    }
}

func optionalVectorWeight(_ file: GGUFFile, _ name: String, count: Int) throws(ModelError) -> [Float]? {
    guard file.tensor(named: name) != nil else { return nil }
    return try vectorWeight(file, name, count: count)
}

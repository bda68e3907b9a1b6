// Fuzz target: the GGUF reader on arbitrary bytes. A file that parses must be safe to use: every
// metadata accessor answers, and every tensor's data lies inside the buffer (`data(for:)` checks it
// with a precondition, so a tensor table the validator let through with a bad range crashes here).
import GGUF

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGGUF(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let file = try? GGUFFile(bytes: bytes) else { return 0 }
    for key in file.metadataKeys {
        _ = file.string(key)
        _ = file.integer(key)
        _ = file.float(key)
        _ = file.bool(key)
        _ = file.stringArray(key)
        _ = file.floatArray(key)
        _ = file.integerArray(key)
    }
    var checksum: UInt8 = 0
    for tensor in file.tensors {
        precondition(file.tensor(named: tensor.name) != nil, "tensor \(tensor.name) is not in the index")
        let region = file.data(for: tensor)
        if let last = region.last { checksum &+= last }
        if let first = region.first { checksum &+= first }
    }
    return checksum == 255 ? 0 : 0
}

// Byte-level access to GGML blocks. GGUF data is little-endian and blocks have no alignment
// guarantee beyond one byte (a q4_0 block is 18 bytes), so every multi-byte field is read and
// written unaligned and converted from little-endian.

extension UnsafeRawPointer {
    /// The unsigned byte at `offset`.
    @inline(__always)
    func byte(_ offset: Int) -> UInt8 {
        load(fromByteOffset: offset, as: UInt8.self)
    }

    /// The signed byte at `offset`.
    @inline(__always)
    func int8(_ offset: Int) -> Int8 {
        load(fromByteOffset: offset, as: Int8.self)
    }

    /// The little-endian `UInt16` at `offset`.
    @inline(__always)
    func uint16(_ offset: Int) -> UInt16 {
        UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// The little-endian `Int16` at `offset`.
    @inline(__always)
    func int16(_ offset: Int) -> Int16 {
        Int16(littleEndian: loadUnaligned(fromByteOffset: offset, as: Int16.self))
    }

    /// The little-endian `UInt32` at `offset`.
    @inline(__always)
    func uint32(_ offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// The f16 at `offset`, widened to f32.
    @inline(__always)
    func f16(_ offset: Int) -> Float {
        Half.float(fromF16: uint16(offset))
    }

    /// The little-endian f32 at `offset`.
    @inline(__always)
    func f32(_ offset: Int) -> Float {
        Float(bitPattern: uint32(offset))
    }
}

extension UnsafeMutableRawPointer {
    @inline(__always)
    func setByte(_ value: UInt8, at offset: Int) {
        storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
    }

    @inline(__always)
    func setUInt16(_ value: UInt16, at offset: Int) {
        storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt16.self)
    }

    @inline(__always)
    func setUInt32(_ value: UInt32, at offset: Int) {
        storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
    }

    /// Stores `value` as f16 at `offset` and returns the f32 value actually stored, which is what
    /// a reader will see (quantizers use it so the integers they pick match the stored scale).
    @inline(__always)
    @discardableResult
    func setF16(_ value: Float, at offset: Int) -> Float {
        let bits = Half.f16(from: value)
        setUInt16(bits, at: offset)
        return Half.float(fromF16: bits)
    }

    @inline(__always)
    func setF32(_ value: Float, at offset: Int) {
        setUInt32(value.bitPattern, at: offset)
    }

    /// Zeroes `count` bytes from `offset`.
    @inline(__always)
    func zero(_ count: Int, from offset: Int = 0) {
        (self + offset).initializeMemory(as: UInt8.self, repeating: 0, count: count)
    }
}

extension GGMLType {
    /// Checks a caller's element count against the block size and returns the block count.
    @inline(__always)
    func blocks(in count: Int) -> Int {
        precondition(count >= 0 && count % blockSize == 0,
                     "\(self): \(count) elements is not a whole number of \(blockSize)-element blocks")
        return count / blockSize
    }
}

/// `value` rounded to nearest, ties to even (GGML's `nearest_int`), clamped to `low...high`.
/// NaN gives `low`; the clamp happens before conversion so no input traps.
@inline(__always)
func nearestInt(_ value: Float, _ low: Int, _ high: Int) -> Int {
    clampToInt(value.rounded(.toNearestOrEven), low, high)
}

/// `value` (already integral, or truncated here toward zero) clamped to `low...high` as an `Int`.
@inline(__always)
func clampToInt(_ value: Float, _ low: Int, _ high: Int) -> Int {
    if !(value > Float(low)) { return low }     // also catches NaN
    if value >= Float(high) { return high }
    return Int(value)
}

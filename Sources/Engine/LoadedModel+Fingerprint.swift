import GGUF
import Synchronization

/// A model's identity for saved sessions: a hash of its GGUF file that differs between files that
/// differ in metadata, tensor table or weights, computed once per loaded model.
extension LoadedModel {
    /// The model's identity as 16 hex digits: `Hash64` over the GGUF header (bytes
    /// `0..<file.dataOffset`: metadata and the tensor table, so architecture, shape and quantization
    /// differences show) followed by the first 4 KiB of every tensor's data in table order (so files
    /// that differ only in their weights differ too). Computed on first use and remembered.
    public var fingerprint: String { Self.hex(fingerprintValue) }

    /// `value` as 16 lowercase hex digits.
    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The fingerprint as a number (what session files store).
    var fingerprintValue: UInt64 {
        let key = ObjectIdentifier(self)
        if let known = fingerprintCache.withLock({ $0[key] }), known.model === self { return known.value }
        let value = Self.fingerprint(of: file)
        fingerprintCache.withLock { cache in
            cache = cache.filter { $0.value.model != nil }
            cache[key] = FingerprintEntry(model: self, value: value)
        }
        return value
    }

    /// Bytes of each tensor's data that the fingerprint reads.
    static let fingerprintSampleBytes = 4096

    /// Hashes the header region and a sample of every tensor of `file`.
    static func fingerprint(of file: GGUFFile) -> UInt64 {
        var hash = Hash64()
        hash.update(UnsafeRawBufferPointer(rebasing: file.bytes[0..<file.dataOffset]))
        for tensor in file.tensors {
            hash.update(UnsafeRawBufferPointer(rebasing: file.data(for: tensor).prefix(fingerprintSampleBytes)))
        }
        return hash.value
    }
}

/// A remembered fingerprint. The weak reference tells a live model from a later one that reuses
/// a freed model's ObjectIdentifier.
private struct FingerprintEntry {
    weak var model: LoadedModel?
    let value: UInt64
}

/// Fingerprints computed so far, by model. LoadedModel cannot hold it (an extension adds no stored
/// properties), so it lives here behind the mutex; entries of freed models are dropped whenever a
/// new one is added. Two threads asking at once may both compute it, and store the same value.
private let fingerprintCache = Mutex<[ObjectIdentifier: FingerprintEntry]>([:])

/// A 64-bit streaming hash for model fingerprints and session-file checksums. It detects damage,
/// not tampering (it is not cryptographic).
///
/// Input is read as little-endian 8-byte words, the last one padded with zeros. Each word `w`
/// updates the state `h` as `h = rotl(h ^ (w · K1), 31) · K2` (K1 and K2 are odd, so both
/// multiplications are bijections, as are xor and rotation); the end xors in the byte count and
/// applies MurmurHash3's 64-bit finalizer. For a fixed word every step is a bijection of `h`, so two
/// inputs of the same length that differ in a single word (any one damaged byte, say) always hash
/// differently, not merely with high probability; other differences collide with probability about
/// 2⁻⁶⁴. The result does not depend on how the input is split across `update` calls.
struct Hash64 {
    private static let k1: UInt64 = 0x87c3_7b91_1142_53d5
    private static let k2: UInt64 = 0x4cf5_ad43_2745_937f
    private var state: UInt64 = 0x9e37_79b9_7f4a_7c15
    /// Bytes of a word begun by an earlier `update`, low byte first, and how many there are.
    private var pending: UInt64 = 0
    private var pendingCount = 0
    private var length: UInt64 = 0

    init() {}

    private static func mix(_ state: UInt64, _ word: UInt64) -> UInt64 {
        let x = state ^ (word &* k1)
        return ((x << 31) | (x >> 33)) &* k2
    }

    /// Adds `bytes` to the hashed input.
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var index = 0
        while pendingCount > 0 && index < bytes.count {
            takeByte(bytes[index])
            index += 1
        }
        while index + 8 <= bytes.count {
            state = Self.mix(state, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
            index += 8
        }
        while index < bytes.count {
            takeByte(bytes[index])
            index += 1
        }
    }

    /// Adds `bytes` to the hashed input.
    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    private mutating func takeByte(_ byte: UInt8) {
        pending |= UInt64(byte) << (8 * pendingCount)
        pendingCount += 1
        if pendingCount == 8 {
            state = Self.mix(state, pending)
            pending = 0
            pendingCount = 0
        }
    }

    /// The hash of everything added so far.
    var value: UInt64 {
        var h = pendingCount > 0 ? Self.mix(state, pending) : state
        h ^= length
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h &*= 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }
}

import GGUF
import Kernels
import Testing

/// Corrupt input must end in a thrown `GGUFError` or a successful parse, never a crash. When a
/// corrupt file does parse, everything it exposes is read to make sure it is usable.
@Suite("GGUF reader robustness")
struct GGUFFuzzTests {
    /// Parses `bytes`; when that succeeds, touches every value and every tensor byte.
    /// Returns whether it parsed. (The thrown type is GGUFError by the typed-throws signature.)
    @discardableResult
    func parseAndTouch(_ bytes: [UInt8]) -> Bool {
        let file: GGUFFile
        do {
            file = try GGUFFile(bytes: bytes)
        } catch {
            #expect(!error.message.isEmpty)
            return false
        }
        for key in file.metadataKeys {
            _ = file.value(key)
            _ = file.stringArray(key)
            _ = file.floatArray(key)
            _ = file.integerArray(key)
            _ = file.float(key)
        }
        var sum = 0
        for info in file.tensors {
            #expect(info.byteCount == info.type.byteCount(elements: info.elementCount))
            #expect(file.dataOffset + info.offset + info.byteCount <= bytes.count)
            for byte in file.data(for: info) { sum &+= Int(byte) }
        }
        _ = sum
        return true
    }

    @Test("every truncation of a valid file throws until the tensor data is complete")
    func everyTruncation() throws {
        let bytes = try Fixture.fullWriter().serialize()
        let full = try GGUFFile(bytes: bytes)
        let dataEnd = full.tensors.map { full.dataOffset + $0.offset + $0.byteCount }.max()!
        for length in 0...bytes.count {
            let parsed = parseAndTouch(Array(bytes.prefix(length)))
            #expect(parsed == (length >= dataEnd), "prefix of \(length) bytes")
        }
    }

    @Test("random byte flips in the header throw or parse", arguments: [UInt64(1), 2, 3, 4])
    func byteFlips(seed: UInt64) throws {
        let clean = try Fixture.fullWriter().serialize()
        let headerEnd = try GGUFFile(bytes: clean).dataOffset
        var random = SplitMix64(seed: seed)
        for _ in 0..<1_000 {
            var bytes = clean
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let at = Int.random(in: 0..<headerEnd, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
                case 1: bytes[at] = UInt8.random(in: 0...255, using: &random)
                default: bytes[at] = [0x00, 0xff, 0x7f, 0x80].randomElement(using: &random)!
                }
            }
            parseAndTouch(bytes)
        }
    }

    @Test("random 64-bit fields overwriting counts, lengths, dimensions and offsets throw or parse")
    func randomWideFields() throws {
        let clean = try Fixture.fullWriter().serialize()
        let headerEnd = try GGUFFile(bytes: clean).dataOffset
        var random = SplitMix64(seed: 99)
        let interesting: [UInt64] = [0, 1, 2, 31, 32, 255, 1 << 31, 1 << 32, 1 << 40, 1 << 62, .max, .max - 7]
        for _ in 0..<2_000 {
            var bytes = clean
            let at = Int.random(in: 0..<(headerEnd - 8), using: &random)
            let value = Bool.random(using: &random) ? interesting.randomElement(using: &random)! : random.next()
            bytes.put(value, at: at)
            parseAndTouch(bytes)
        }
    }

    @Test("random bytes after a valid magic and version throw or parse")
    func garbageBody() {
        var random = SplitMix64(seed: 7)
        for round in 0..<500 {
            var bytes = Array("GGUF".utf8) + [3, 0, 0, 0]
            // Small counts make it likely that the parser gets past the header fields.
            bytes += [UInt8(round % 3), 0, 0, 0, 0, 0, 0, 0, UInt8(round % 5), 0, 0, 0, 0, 0, 0, 0]
            bytes += (0..<Int.random(in: 0..<400, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            parseAndTouch(bytes)
        }
    }
}

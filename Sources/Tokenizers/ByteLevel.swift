// GPT-2's reversible byte <-> unicode mapping used by byte-level BPE vocabularies: printable Latin-1
// bytes ('!'...'~', '¡'...'¬', '®'...'ÿ') stand for themselves; the other 68 bytes, in increasing order,
// are given the code points U+0100, U+0101, … (so ' ' is 'Ġ' and '\n' is 'Ċ').

enum ByteLevel {
    /// `scalar[b]`: the code point standing for byte `b`.
    static let scalar: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if isPrintable(b) {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    private static func isPrintable(_ b: Int) -> Bool {
        (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
    }

    /// The byte a code point stands for, or nil when it is not one of the 256 mapped code points.
    static func byte(for scalar: UInt32) -> UInt8? {
        if scalar < 256 {
            return isPrintable(Int(scalar)) ? UInt8(scalar) : nil
        }
        let index = Int(scalar) - 256
        guard index < unprintable.count else { return nil }
        return unprintable[index]
    }

    /// The unprintable bytes in order: `unprintable[i]` is the byte mapped to U+0100 + i.
    private static let unprintable: [UInt8] = (0..<256).filter { !isPrintable($0) }.map { UInt8($0) }

    /// Encodes raw bytes in the mapped form, as UTF-8.
    static func encode<S: Sequence<UInt8>>(_ bytes: S) -> [UInt8] {
        var out: [UInt8] = []
        for b in bytes {
            appendUTF8(scalar[Int(b)], to: &out)
        }
        return out
    }

    /// Decodes a token text in mapped form to the raw bytes it stands for. Code points outside the
    /// mapping (which a well-formed vocabulary does not contain) are kept as their own UTF-8.
    static func decode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for s in text.unicodeScalars {
            if let b = byte(for: s.value) {
                out.append(b)
            } else {
                out.append(contentsOf: Array(String(s).utf8))
            }
        }
        return out
    }
}

@inline(__always)
func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        out.append(UInt8(scalar))
    case 0x80..<0x800:
        out.append(UInt8(0xC0 | (scalar >> 6)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    case 0x800..<0x10000:
        out.append(UInt8(0xE0 | (scalar >> 12)))
        out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    default:
        out.append(UInt8(0xF0 | (scalar >> 18)))
        out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
        out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    }
}

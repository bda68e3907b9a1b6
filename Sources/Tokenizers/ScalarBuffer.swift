// The text a pre-tokenizer works on: Unicode scalars with their character classes and UTF-8 offsets.

/// Character classes as bit flags. A scalar with none of letter/number/whitespace is "other".
enum CharClass {
    /// `\p{L}`: Lu Ll Lt Lm Lo.
    static let letter: UInt16 = 1
    /// `\p{N}`: Nd Nl No.
    static let number: UInt16 = 2
    /// `\s`: Unicode White_Space (what Oniguruma, used by HF tokenizers, matches).
    static let whitespace: UInt16 = 4
    /// CR or LF (also whitespace).
    static let newline: UInt16 = 8
    static let apostrophe: UInt16 = 16
    /// `\p{M}`: Mn Mc Me.
    static let mark: UInt16 = 32
    /// `\p{P}`: Pc Pd Ps Pe Pi Pf Po.
    static let punctuation: UInt16 = 64
    /// `\p{S}`: Sm Sc Sk So.
    static let symbol: UInt16 = 128
    /// Lu and Lt.
    static let upper: UInt16 = 256
    /// Ll.
    static let lower: UInt16 = 512
    /// `\d`: Nd.
    static let decimal: UInt16 = 1024
    /// Pc (part of `\w` with letters, marks and decimal digits).
    static let connector: UInt16 = 2048

    /// Classes of the Basic Multilingual Plane, computed once.
    static let bmp: [UInt16] = {
        var table = [UInt16](repeating: 0, count: 0x10000)
        for v in 0..<0x10000 {
            if let s = Unicode.Scalar(UInt32(v)) {
                table[v] = compute(s)
            }
        }
        return table
    }()

    static func compute(_ s: Unicode.Scalar) -> UInt16 {
        var c: UInt16 = 0
        let properties = s.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .titlecaseLetter: c |= letter | upper
        case .lowercaseLetter: c |= letter | lower
        case .modifierLetter, .otherLetter: c |= letter
        case .decimalNumber: c |= number | decimal
        case .letterNumber, .otherNumber: c |= number
        case .nonspacingMark, .spacingMark, .enclosingMark: c |= mark
        case .connectorPunctuation: c |= punctuation | connector
        case .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
            .otherPunctuation:
            c |= punctuation
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: c |= symbol
        default: break
        }
        if properties.isWhitespace { c |= whitespace }
        if s == "\r" || s == "\n" { c |= newline }
        if s == "'" { c |= apostrophe }
        return c
    }

    @inline(__always)
    static func of(_ v: UInt32, bmp: UnsafeBufferPointer<UInt16>) -> UInt16 {
        if v < 0x10000 { return bmp[Int(v)] }
        return Unicode.Scalar(v).map(compute) ?? 0
    }
}

/// A text decoded into scalars with their classes and UTF-8 offsets, reused between calls.
struct ScalarBuffer {
    var scalars: [UInt32] = []
    var classes: [UInt16] = []
    /// `offsets[i]`: byte offset of scalar i; `offsets[count]` is the byte length.
    var offsets: [Int32] = []

    /// Decodes `bytes`, which must be valid UTF-8 (it comes from a Swift String).
    mutating func load(_ bytes: UnsafeBufferPointer<UInt8>) {
        scalars.removeAll(keepingCapacity: true)
        classes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        scalars.reserveCapacity(bytes.count)
        classes.reserveCapacity(bytes.count)
        offsets.reserveCapacity(bytes.count + 1)
        CharClass.bmp.withUnsafeBufferPointer { bmp in
            var i = 0
            let n = bytes.count
            while i < n {
                let b0 = UInt32(bytes[i])
                var v: UInt32
                var len: Int
                if b0 < 0x80 {
                    v = b0
                    len = 1
                } else if b0 < 0xE0 {
                    v = (b0 & 0x1F) << 6 | (UInt32(bytes[i + 1]) & 0x3F)
                    len = 2
                } else if b0 < 0xF0 {
                    v = (b0 & 0x0F) << 12 | (UInt32(bytes[i + 1]) & 0x3F) << 6 | (UInt32(bytes[i + 2]) & 0x3F)
                    len = 3
                } else {
                    v = (b0 & 0x07) << 18 | (UInt32(bytes[i + 1]) & 0x3F) << 12
                        | (UInt32(bytes[i + 2]) & 0x3F) << 6 | (UInt32(bytes[i + 3]) & 0x3F)
                    len = 4
                }
                scalars.append(v)
                classes.append(CharClass.of(v, bmp: bmp))
                offsets.append(Int32(i))
                i += len
            }
            offsets.append(Int32(n))
        }
    }
}

// Incremental detokenization: text is released only once it is complete UTF-8, so a character whose
// bytes are spread over several tokens (byte-fallback tokens, byte-level BPE pieces) is never cut.

public struct StreamingDecoder: Sendable {
    public let tokenizer: Tokenizer
    public let skipSpecial: Bool
    private var pending: [UInt8] = []

    /// - Parameter skipSpecial: omit control and unknown tokens, as `Tokenizer.decode` does.
    ///
    /// Unlike `Tokenizer.decode`, no leading space is removed: a stream usually continues a prompt.
    public init(tokenizer: Tokenizer, skipSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecial = skipSpecial
    }

    /// Bytes held back because they may be the start of an incomplete character.
    public var pendingByteCount: Int { pending.count }

    /// Adds a token; returns the text that became complete (possibly empty). Bytes that can no longer
    /// form a valid character are returned as U+FFFD right away.
    public mutating func append(_ token: Int32) -> String {
        if skipSpecial && tokenizer.isSpecial(token) { return "" }
        pending.append(contentsOf: tokenizer.piece(token))
        let keep = Self.incompleteSuffixLength(pending)
        if keep == pending.count { return "" }
        let text = String(decoding: pending[..<(pending.count - keep)], as: UTF8.self)
        pending.removeFirst(pending.count - keep)
        return text
    }

    /// Adds several tokens; returns the text that became complete.
    public mutating func append<S: Sequence<Int32>>(contentsOf tokens: S) -> String {
        var text = ""
        for t in tokens { text += append(t) }
        return text
    }

    /// Returns whatever is held back (an incomplete character becomes U+FFFD) and resets.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return pending.isEmpty ? "" : String(decoding: pending, as: UTF8.self)
    }

    /// Length of the longest suffix of `bytes` that is a proper prefix of a valid UTF-8 sequence.
    static func incompleteSuffixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        // A sequence is at most 4 bytes, so an incomplete one starts within the last 3.
        var start = n - 1
        while start >= 0 && start >= n - 3 {
            let b = bytes[start]
            if b & 0xC0 != 0x80 { break }  // not a continuation byte
            start -= 1
        }
        guard start >= 0 && start >= n - 3 else { return 0 }
        let lead = bytes[start]
        let needed: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: needed = 2
        case 0xE0: needed = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: needed = 3
        case 0xED: needed = 3; high = 0x9F
        case 0xF0: needed = 4; low = 0x90
        case 0xF1...0xF3: needed = 4
        case 0xF4: needed = 4; high = 0x8F
        default: return 0  // ASCII or a byte that cannot start a sequence
        }
        let have = n - start
        guard have < needed else { return 0 }  // complete (or over-long, which is invalid anyway)
        // the second byte has a restricted range for some lead bytes
        if have >= 2 && !(low...high).contains(bytes[start + 1]) { return 0 }
        return have
    }
}

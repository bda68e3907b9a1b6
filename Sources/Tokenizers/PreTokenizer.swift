// Pre-tokenizers of byte-level BPE vocabularies, written as hand-made scanners that reproduce the
// matches of the regular expressions used by GPT-2, Llama 3 and Qwen2 (leftmost alternative wins,
// greedy quantifiers with backtracking, the `\s+(?!\S)` lookahead), over Unicode scalars.
//
//   gpt2:   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//   llama3: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*
//           |\s*[\r\n]+|\s+(?!\S)|\s+
//   qwen2:  as llama3 with \p{N} instead of \p{N}{1,3}
//
// `\s` is Unicode White_Space (what Oniguruma, used by HF tokenizers, matches), `\p{L}` the general
// categories Lu Ll Lt Lm Lo and `\p{N}` Nd Nl No.

enum PreTokenizerKind: Sendable {
    case gpt2
    case llama3
    case qwen2

    static let gpt2Names = ["gpt2", "gpt-2", "default", "phi-2", "roberta-bpe", "mpt", "olmo", "jais"]
    static let llama3Names = ["llama3", "llama-v3", "llama-bpe", "falcon3"]
    static let llama3RegexNames = ["dbrx", "smaug-bpe"]
    static let qwen2Names = ["qwen2", "stablelm2", "megrez", "deepseek-r1-qwen"]
    static var supportedNames: [String] { gpt2Names + llama3Names + llama3RegexNames + qwen2Names }

    /// The pre-tokenizer for a `tokenizer.ggml.pre` value; nil means GPT-2's.
    init?(name: String?) {
        guard let name else {
            self = .gpt2
            return
        }
        if Self.gpt2Names.contains(name) {
            self = .gpt2
        } else if Self.llama3Names.contains(name) || Self.llama3RegexNames.contains(name) {
            self = .llama3
        } else if Self.qwen2Names.contains(name) {
            self = .qwen2
        } else {
            return nil
        }
    }
}

/// Character classes as bit flags. A scalar with none of letter/number/whitespace is "other".
enum CharClass {
    static let letter: UInt8 = 1
    static let number: UInt8 = 2
    static let whitespace: UInt8 = 4
    static let newline: UInt8 = 8  // CR or LF (also whitespace)
    static let apostrophe: UInt8 = 16

    /// Classes of the Basic Multilingual Plane, computed once.
    static let bmp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 0x10000)
        for v in 0..<0x10000 {
            if let s = Unicode.Scalar(UInt32(v)) {
                table[v] = compute(s)
            }
        }
        return table
    }()

    static func compute(_ s: Unicode.Scalar) -> UInt8 {
        var c: UInt8 = 0
        let properties = s.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            c |= letter
        case .decimalNumber, .letterNumber, .otherNumber:
            c |= number
        default:
            break
        }
        if properties.isWhitespace { c |= whitespace }
        if s == "\r" || s == "\n" { c |= newline }
        if s == "'" { c |= apostrophe }
        return c
    }

    @inline(__always)
    static func of(_ v: UInt32, bmp: UnsafeBufferPointer<UInt8>) -> UInt8 {
        if v < 0x10000 { return bmp[Int(v)] }
        return Unicode.Scalar(v).map(compute) ?? 0
    }
}

/// A text decoded into scalars with their classes and UTF-8 offsets, reused between calls.
struct ScalarBuffer {
    var scalars: [UInt32] = []
    var classes: [UInt8] = []
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

extension PreTokenizerKind {
    /// Splits the loaded text; appends the end (scalar index, exclusive) of each piece to `ends`.
    func split(_ text: borrowing ScalarBuffer, into ends: inout [Int32]) {
        text.scalars.withUnsafeBufferPointer { scalars in
            text.classes.withUnsafeBufferPointer { classes in
                let n = scalars.count
                var i = 0
                while i < n {
                    let end: Int
                    switch self {
                    case .gpt2: end = Self.matchGPT2(at: i, scalars, classes)
                    case .llama3: end = Self.matchLlama3(at: i, scalars, classes, maxDigits: 3)
                    case .qwen2: end = Self.matchLlama3(at: i, scalars, classes, maxDigits: 1)
                    }
                    ends.append(Int32(end))
                    i = end
                }
            }
        }
    }

    private static let letterNumberWhitespace = CharClass.letter | CharClass.number | CharClass.whitespace

    /// End of a run of scalars whose class intersects `mask`, starting at `i`.
    @inline(__always)
    private static func run(from i: Int, _ classes: UnsafeBufferPointer<UInt8>, _ mask: UInt8) -> Int {
        var j = i
        while j < classes.count && classes[j] & mask != 0 { j += 1 }
        return j
    }

    /// End of a run of "other" scalars (not whitespace, letter or number).
    @inline(__always)
    private static func otherRun(from i: Int, _ classes: UnsafeBufferPointer<UInt8>) -> Int {
        var j = i
        while j < classes.count && classes[j] & letterNumberWhitespace == 0 { j += 1 }
        return j
    }

    /// `\s+(?!\S)|\s+` at a whitespace scalar `i`.
    @inline(__always)
    private static func whitespace(at i: Int, _ classes: UnsafeBufferPointer<UInt8>) -> Int {
        let end = run(from: i, classes, CharClass.whitespace)
        // `\s+(?!\S)` backtracks one scalar when the run is followed by a non-space; a run of one
        // then fails and `\s+` takes it.
        if end < classes.count && end - i >= 2 { return end - 1 }
        return end
    }

    /// Case-sensitive (GPT-2) or case-insensitive (Llama 3) contraction after an apostrophe at `i`;
    /// returns the end or nil.
    @inline(__always)
    private static func contraction(
        at i: Int, _ scalars: UnsafeBufferPointer<UInt32>, ignoreCase: Bool
    ) -> Int? {
        let n = scalars.count
        guard i + 1 < n else { return nil }
        @inline(__always) func lower(_ v: UInt32) -> UInt32 {
            guard ignoreCase else { return v }
            if v >= 0x41 && v <= 0x5A { return v + 0x20 }
            if v == 0x17F { return 0x73 }  // ſ case-folds to s
            return v
        }
        let c1 = lower(scalars[i + 1])
        switch c1 {
        case 0x73, 0x74, 0x6D, 0x64:  // s t m d
            return i + 2
        case 0x72, 0x76:  // r v -> re ve
            if i + 2 < n && lower(scalars[i + 2]) == 0x65 { return i + 3 }
        case 0x6C:  // l -> ll
            if i + 2 < n && lower(scalars[i + 2]) == 0x6C { return i + 3 }
        default:
            break
        }
        return nil
    }

    private static func matchGPT2(
        at i: Int, _ scalars: UnsafeBufferPointer<UInt32>, _ classes: UnsafeBufferPointer<UInt8>
    ) -> Int {
        let n = classes.count
        let c = classes[i]
        // 's|'t|'re|'ve|'m|'ll|'d
        if c & CharClass.apostrophe != 0, let end = contraction(at: i, scalars, ignoreCase: false) {
            return end
        }
        // ` ?` followed by the class of the next scalar
        let spaceThen: UInt8 = (scalars[i] == 0x20 && i + 1 < n) ? classes[i + 1] : 0xFF
        // ` ?\p{L}+`
        if c & CharClass.letter != 0 { return run(from: i, classes, CharClass.letter) }
        if spaceThen != 0xFF && spaceThen & CharClass.letter != 0 {
            return run(from: i + 1, classes, CharClass.letter)
        }
        // ` ?\p{N}+`
        if c & CharClass.number != 0 { return run(from: i, classes, CharClass.number) }
        if spaceThen != 0xFF && spaceThen & CharClass.number != 0 {
            return run(from: i + 1, classes, CharClass.number)
        }
        // ` ?[^\s\p{L}\p{N}]+`
        if c & letterNumberWhitespace == 0 { return otherRun(from: i, classes) }
        if spaceThen != 0xFF && spaceThen & letterNumberWhitespace == 0 {
            return otherRun(from: i + 1, classes)
        }
        // `\s+(?!\S)|\s+`
        if c & CharClass.whitespace != 0 { return whitespace(at: i, classes) }
        return i + 1  // unreachable: every scalar is a letter, number, whitespace or other
    }

    private static func matchLlama3(
        at i: Int, _ scalars: UnsafeBufferPointer<UInt32>, _ classes: UnsafeBufferPointer<UInt8>,
        maxDigits: Int
    ) -> Int {
        let n = classes.count
        let c = classes[i]
        // (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if c & CharClass.apostrophe != 0, let end = contraction(at: i, scalars, ignoreCase: true) {
            return end
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if c & CharClass.letter != 0 { return run(from: i, classes, CharClass.letter) }
        if c & (CharClass.newline | CharClass.number) == 0 && i + 1 < n
            && classes[i + 1] & CharClass.letter != 0
        {
            return run(from: i + 1, classes, CharClass.letter)
        }
        // \p{N}{1,3} or \p{N}
        if c & CharClass.number != 0 {
            var j = i + 1
            while j < n && j - i < maxDigits && classes[j] & CharClass.number != 0 { j += 1 }
            return j
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        var otherStart = -1
        if c & letterNumberWhitespace == 0 {
            otherStart = i
        } else if scalars[i] == 0x20 && i + 1 < n && classes[i + 1] & letterNumberWhitespace == 0 {
            otherStart = i + 1
        }
        if otherStart >= 0 {
            let end = otherRun(from: otherStart, classes)
            return run(from: end, classes, CharClass.newline)
        }
        // Here the scalar is whitespace.
        // `\s*[\r\n]+`: through the last CR/LF of the whitespace run, if it has one.
        let end = run(from: i, classes, CharClass.whitespace)
        var last = end - 1
        while last >= i && classes[last] & CharClass.newline == 0 { last -= 1 }
        if last >= i { return last + 1 }
        // `\s+(?!\S)|\s+`
        if end < n && end - i >= 2 { return end - 1 }
        return end
    }
}

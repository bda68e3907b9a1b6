// Behaviour beyond the fixture ids: special tokens, BOS/EOS, decoding details, streaming, errors.

import Testing
import Tokenizers

@Suite("special tokens")
struct SpecialTokenTests {
    @Test("control tokens are recognised only with parseSpecial", arguments: [
        ("qwen2", "<|im_start|>"), ("llama3", "<|eot_id|>"), ("gpt2", "<|endoftext|>"), ("spm", "<|im_end|>"),
    ])
    func controlOnlyWhenAsked(name: String, special: String) throws {
        let tokenizer = Fixtures.tokenizer(name)
        let id = try #require(tokenizer.tokenID(for: special))
        #expect(tokenizer.tokenType(id) == .control)
        #expect(tokenizer.isSpecial(id))
        let parsed = tokenizer.encode("a\(special)b", addSpecial: false, parseSpecial: true)
        #expect(parsed.contains(id))
        let plain = tokenizer.encode("a\(special)b", addSpecial: false, parseSpecial: false)
        #expect(!plain.contains(id))
        #expect(plain.count > parsed.count)
        #expect(tokenizer.decode(plain) == "a\(special)b")
        // SentencePiece prefixes the fragment after a special token with a space (llama.cpp)
        let separator = tokenizer.kind == .sentencePiece ? " " : ""
        #expect(tokenizer.decode(parsed) == "a\(special)\(separator)b")
    }

    @Test("user-defined tokens are always recognised (as in llama.cpp and HF) and always decode as text")
    func userDefined() throws {
        let tokenizer = Fixtures.tokenizer("qwen2")
        let id = try #require(tokenizer.tokenID(for: "<tool_call>"))
        #expect(tokenizer.tokenType(id) == .userDefined)
        #expect(!tokenizer.isSpecial(id))
        let parsed = tokenizer.encode("<tool_call>{}", addSpecial: false, parseSpecial: true)
        #expect(parsed.first == id)
        #expect(tokenizer.encode("<tool_call>{}", addSpecial: false) == parsed)
        #expect(tokenizer.decode(parsed, skipSpecial: true) == "<tool_call>{}")
        // Control tokens, by contrast, are plain text unless asked for.
        let control = try #require(tokenizer.tokenID(for: "<|im_end|>"))
        #expect(!tokenizer.encode("<|im_end|>", addSpecial: false).contains(control))
        #expect(tokenizer.encode("<|im_end|>", addSpecial: false, parseSpecial: true) == [control])
    }

    @Test("the longest special token wins where several start")
    func longestMatch() throws {
        let base = Fixtures.fixture("gpt2").config.tokens.count
        let configuration = fixtureConfiguration("gpt2") { c in
            c.tokens += ["<|x|>", "<|x|>yz", "yz<|x"]
            c.tokenTypes! += [3, 4, 3]
        }
        let tokenizer = try Tokenizer(configuration)
        let x = Int32(base), xyz = Int32(base + 1)
        #expect(tokenizer.encode("<|x|>yz", addSpecial: false, parseSpecial: true) == [xyz])
        #expect(tokenizer.encode("<|x|>y", addSpecial: false, parseSpecial: true).first == x)
        #expect(tokenizer.encode("<|x|><|x|>yz<|x|>", addSpecial: false, parseSpecial: true) == [x, xyz, x])
        // leftmost match first: "yz<|x" starts before "<|x|>yz" could
        let ids = tokenizer.encode("ayz<|x|>yz", addSpecial: false, parseSpecial: true)
        #expect(ids.contains(Int32(base + 2)))
        #expect(tokenizer.decode(ids) == "ayz<|x|>yz")
    }

    @Test("skipSpecial omits control tokens but keeps user-defined ones")
    func skipSpecial() throws {
        let tokenizer = Fixtures.tokenizer("qwen2")
        let text = "<|im_start|>user\n<tool_call>x</tool_call><|im_end|>"
        let ids = tokenizer.encode(text, parseSpecial: true)
        #expect(tokenizer.decode(ids) == text)
        #expect(tokenizer.decode(ids, skipSpecial: true) == "user\n<tool_call>x</tool_call>")
    }

    @Test("SentencePiece prefixes the text after a special token with a space, as llama.cpp does")
    func spacePrefixAfterSpecial() throws {
        let tokenizer = Fixtures.tokenizer("spm")
        let start = try #require(tokenizer.tokenID(for: "<|im_start|>"))
        let ids = tokenizer.encode("<|im_start|>user", addSpecial: false, parseSpecial: true)
        #expect(ids.first == start)
        #expect(Array(ids.dropFirst()) == tokenizer.encode("user", addSpecial: false))
        #expect(tokenizer.decode(ids) == "<|im_start|> user")
    }
}

@Suite("BOS and EOS")
struct BOSEOSTests {
    @Test("SentencePiece adds BOS by default and only with addSpecial")
    func sentencePieceBOS() {
        let tokenizer = Fixtures.tokenizer("spm")
        #expect(tokenizer.addsBOS && !tokenizer.addsEOS)
        #expect(tokenizer.bosID == 1 && tokenizer.eosID == 2 && tokenizer.unknownID == 0)
        let plain = tokenizer.encode("Hello world", addSpecial: false)
        #expect(tokenizer.encode("Hello world") == [1] + plain)
        #expect(tokenizer.encode("") == [1])
        #expect(tokenizer.encode("", addSpecial: false) == [])
    }

    @Test("EOS is appended when the vocabulary asks for it")
    func eos() throws {
        let tokenizer = try Tokenizer(fixtureConfiguration("spm") { $0.addEOS = true })
        let plain = tokenizer.encode("Hi", addSpecial: false)
        #expect(tokenizer.encode("Hi") == [1] + plain + [2])
        #expect(tokenizer.encode("") == [1, 2])
    }

    @Test("byte-level vocabularies add BOS only when configured")
    func byteLevelBOS() throws {
        let llama3 = Fixtures.tokenizer("llama3")
        let bos = try #require(llama3.bosID)
        #expect(llama3.tokenText(bos) == "<|begin_of_text|>")
        #expect(llama3.encode("Hi").first == bos)
        let qwen2 = Fixtures.tokenizer("qwen2")
        #expect(qwen2.bosID == nil && !qwen2.addsBOS)
        #expect(qwen2.encode("Hi") == qwen2.encode("Hi", addSpecial: false))
    }

    @Test("configuration defaults follow llama.cpp")
    func defaults() {
        let spm = TokenizerConfiguration(model: "llama", tokens: ["a"])
        #expect(spm.addBOS && !spm.addEOS && spm.addSpacePrefix)
        let llama3 = TokenizerConfiguration(model: "gpt2", pre: "llama-bpe", tokens: ["a"])
        #expect(llama3.addBOS && !llama3.addSpacePrefix)
        let qwen2 = TokenizerConfiguration(model: "gpt2", pre: "qwen2", tokens: ["a"])
        #expect(!qwen2.addBOS && !qwen2.addSpacePrefix)
    }

    @Test("SentencePiece decoding strips the prefix space from the first token only")
    func sentencePieceLeadingSpace() {
        let tokenizer = Fixtures.tokenizer("spm")
        let ids = tokenizer.encode("Hello world", addSpecial: false)
        #expect(tokenizer.decode(ids) == "Hello world")
        // llama.cpp: a BOS in front consumes the strip, whether or not it is rendered
        #expect(tokenizer.decode([1] + ids, skipSpecial: true) == " Hello world")
        #expect(tokenizer.decode([1] + ids) == "<s> Hello world")
        #expect(tokenizer.decode(tokenizer.encode("  two")) == "<s>   two")
        #expect(tokenizer.decode(tokenizer.encode("  two", addSpecial: false)) == "  two")
    }
}

@Suite("decoding")
struct DecodingTests {
    static let hardStrings = [
        "\u{0301}", "\u{0301}\u{0301}x", "👨‍👩‍👧‍👦 👍🏽", "🏳️‍🌈", "中文 日本語 한국어", "a\u{0000}b\u{0000}", "\u{0000}",
        "\r\n\r\n\t \u{00A0}\u{3000}", "\u{FEFF}\u{200B}\u{200D}", "e\u{0301}\u{0308}\u{0323}", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛",
        "\u{10FFFF}\u{E000}\u{FFFD}", "'S 'T 'RE 'Ve 'M 'Ll 'D '' 's's", "   trailing   ", "￼", "\u{1F600}",
    ]

    @Test("byte-level decode(encode(x)) == x for unusual strings", arguments: Fixtures.byteLevelNames)
    func byteLevelHardStrings(name: String) {
        let tokenizer = Fixtures.tokenizer(name)
        for s in Self.hardStrings {
            #expect(tokenizer.decode(tokenizer.encode(s, addSpecial: false)) == s, "\(String(reflecting: s))")
            #expect(tokenizer.preTokenize(s).joined() == s)
        }
    }

    @Test("byte-level decode(encode(x)) == x for random strings", arguments: Fixtures.byteLevelNames)
    func byteLevelRandom(name: String) {
        let tokenizer = Fixtures.tokenizer(name)
        var random = SplitMix(seed: 7)
        for _ in 0..<200 {
            let s = random.string(length: Int(random.next() % 80))
            #expect(tokenizer.decode(tokenizer.encode(s, addSpecial: false)) == s, "\(String(reflecting: s))")
        }
    }

    @Test("SentencePiece decode(encode(x)) == x through byte fallback")
    func sentencePieceHardStrings() {
        let tokenizer = Fixtures.tokenizer("spm")
        for s in Self.hardStrings {
            #expect(tokenizer.decode(tokenizer.encode(s, addSpecial: false)) == s, "\(String(reflecting: s))")
        }
        var random = SplitMix(seed: 11)
        for _ in 0..<200 {
            let s = random.string(length: Int(random.next() % 80))
            #expect(tokenizer.decode(tokenizer.encode(s, addSpecial: false)) == s, "\(String(reflecting: s))")
        }
    }

    @Test("pieces are the raw bytes of tokens")
    func pieces() throws {
        let spm = Fixtures.tokenizer("spm")
        let byteF0 = try #require(spm.tokenID(for: "<0xF0>"))
        #expect(spm.piece(byteF0) == [0xF0])
        #expect(spm.tokenType(byteF0) == .byte)
        let space = try #require(spm.tokenID(for: "▁"))
        #expect(spm.piece(space) == [0x20])
        #expect(spm.piece(1) == Array("<s>".utf8))
        #expect(spm.piece(-1) == [] && spm.piece(Int32(spm.vocabularySize)) == [])

        let gpt2 = Fixtures.tokenizer("gpt2")
        let newline = try #require(gpt2.tokenID(for: "Ċ"))
        #expect(gpt2.piece(newline) == [0x0A])
        let spaceToken = try #require(gpt2.tokenID(for: "Ġ"))
        #expect(gpt2.piece(spaceToken) == [0x20])
    }

    @Test("a token sequence that cuts a character decodes with U+FFFD; unknown ids are ignored")
    func invalidUTF8() throws {
        let spm = Fixtures.tokenizer("spm")
        let f0 = try #require(spm.tokenID(for: "<0xF0>"))
        let x9f = try #require(spm.tokenID(for: "<0x9F>"))
        let a = try #require(spm.tokenID(for: "a"))
        #expect(spm.decode([a, f0, x9f, a]) == "a\u{FFFD}a")
        #expect(spm.decode([a, -5, 1_000_000, a]) == "aa")
    }
}

@Suite("streaming decoder")
struct StreamingDecoderTests {
    @Test("an emoji spelled in byte-fallback tokens is held back until complete")
    func byteFallbackEmoji() {
        let tokenizer = Fixtures.tokenizer("spm")
        let ids = tokenizer.encode("👍", addSpecial: false)
        #expect(ids.map { tokenizer.tokenText($0)! } == ["▁", "<0xF0>", "<0x9F>", "<0x91>", "<0x8D>"])
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        let outputs = ids.map { decoder.append($0) }
        #expect(outputs == [" ", "", "", "", "👍"])
        #expect(decoder.pendingByteCount == 0)
        #expect(decoder.finish() == "")
    }

    @Test("byte-level tokens that straddle characters are joined correctly")
    func straddlingTokens() {
        let tokenizer = Fixtures.tokenizer("gpt2")
        let text = "👍🏽👍🏿 ok"
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        var outputs: [String] = []
        for id in tokenizer.encode(text, addSpecial: false) { outputs.append(decoder.append(id)) }
        outputs.append(decoder.finish())
        #expect(outputs.joined() == text)
        // every chunk is whole characters: no replacement characters anywhere
        #expect(!outputs.contains { $0.unicodeScalars.contains("\u{FFFD}") })
        #expect(outputs.filter { !$0.isEmpty }.count > 1)
    }

    @Test("an incomplete tail is flushed as U+FFFD by finish()")
    func incompleteTail() throws {
        let tokenizer = Fixtures.tokenizer("spm")
        let f0 = try #require(tokenizer.tokenID(for: "<0xF0>"))
        let x9f = try #require(tokenizer.tokenID(for: "<0x9F>"))
        let a = try #require(tokenizer.tokenID(for: "a"))
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        #expect(decoder.append(a) == "a")
        #expect(decoder.append(f0) == "")
        #expect(decoder.append(x9f) == "")
        #expect(decoder.pendingByteCount == 2)
        #expect(decoder.finish() == "\u{FFFD}")
        #expect(decoder.pendingByteCount == 0)
    }

    @Test("bytes that can never complete are replaced immediately")
    func invalidBytes() throws {
        let tokenizer = Fixtures.tokenizer("spm")
        let ff = try #require(tokenizer.tokenID(for: "<0xFF>"))
        let f0 = try #require(tokenizer.tokenID(for: "<0xF0>"))
        let a = try #require(tokenizer.tokenID(for: "a"))
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        #expect(decoder.append(ff) == "\u{FFFD}")
        #expect(decoder.append(f0) == "")
        // "a" cannot continue F0: the lead byte is replaced and "a" released
        #expect(decoder.append(a) == "\u{FFFD}a")
    }

    @Test("skipSpecial omits control tokens from the stream")
    func skipSpecial() {
        let tokenizer = Fixtures.tokenizer("qwen2")
        let ids = tokenizer.encode("<|im_start|>hi<|im_end|>", parseSpecial: true)
        var keep = StreamingDecoder(tokenizer: tokenizer)
        var skip = StreamingDecoder(tokenizer: tokenizer, skipSpecial: true)
        #expect(keep.append(contentsOf: ids) + keep.finish() == "<|im_start|>hi<|im_end|>")
        #expect(skip.append(contentsOf: ids) + skip.finish() == "hi")
    }
}

@Suite("configuration errors")
struct ConfigurationErrorTests {
    @Test("an unknown model is named in the error")
    func unknownModel() {
        let configuration = TokenizerConfiguration(model: "t5", tokens: ["a"])
        #expect(throws: TokenizerError.unsupportedModel("t5")) { try Tokenizer(configuration) }
        #expect(TokenizerError.unsupportedModel("t5").description.contains("'t5'"))
    }

    @Test("an unknown pre-tokenizer is named, with the known ones")
    func unknownPreTokenizer() {
        let configuration = fixtureConfiguration("gpt2") { $0.pre = "tekken-9" }
        do {
            _ = try Tokenizer(configuration)
            Issue.record("expected an error")
        } catch {
            guard case .unsupportedPreTokenizer(let name, let supported) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(name == "tekken-9")
            #expect(supported.contains("llama-bpe") && supported.contains("qwen2") && supported.contains("tekken"))
            #expect(error.description.contains("tekken-9") && error.description.contains("llama-bpe"))
        }
    }

    @Test("invalid configurations are rejected", arguments: [
        ("empty vocabulary", TokenizerConfiguration(model: "gpt2", tokens: [], merges: []), TokenizerError.emptyVocabulary),
        ("scores count", TokenizerConfiguration(model: "llama", tokens: ["a", "b"], scores: [0]),
         .countMismatch(field: "scores", expected: 2, actual: 1)),
        ("token types count", TokenizerConfiguration(model: "llama", tokens: ["a", "b"], scores: [0, 0], tokenTypes: [1]),
         .countMismatch(field: "token types", expected: 2, actual: 1)),
        ("token type value", TokenizerConfiguration(model: "llama", tokens: ["a", "b"], scores: [0, 0], tokenTypes: [1, 9]),
         .invalidTokenType(index: 1, value: 9)),
        ("BOS out of range", TokenizerConfiguration(model: "llama", tokens: ["a"], scores: [0], bosID: 1),
         .tokenIDOutOfRange(field: "BOS id", id: 1, vocabularySize: 1)),
        ("EOS negative", TokenizerConfiguration(model: "gpt2", tokens: ["a"], merges: [], eosID: -1),
         .tokenIDOutOfRange(field: "EOS id", id: -1, vocabularySize: 1)),
        ("BOS required", TokenizerConfiguration(model: "llama", tokens: ["a"], scores: [0]),
         .missingSpecialToken("BOS")),
        ("EOS required", TokenizerConfiguration(model: "gpt2", tokens: ["a"], merges: [], addEOS: true),
         .missingSpecialToken("EOS")),
        ("merges required", TokenizerConfiguration(model: "gpt2", tokens: ["a"]),
         .missingField("merges (tokenizer.ggml.merges)")),
        ("scores required", TokenizerConfiguration(model: "llama", tokens: ["a"], bosID: 0),
         .missingField("scores (tokenizer.ggml.scores)")),
        ("merge without separator", TokenizerConfiguration(model: "gpt2", tokens: ["a", "b", "ab"], merges: ["a b", "ab"]),
         .invalidMerge(index: 1, "ab")),
        ("merge with an empty side", TokenizerConfiguration(model: "gpt2", tokens: ["a"], merges: ["a "]),
         .invalidMerge(index: 0, "a ")),
    ])
    func rejected(label: String, configuration: TokenizerConfiguration, expected: TokenizerError) {
        #expect(throws: expected, "\(label)") { try Tokenizer(configuration) }
    }

    @Test("merges whose tokens are missing are ignored")
    func unusableMerges() throws {
        let tokenizer = try Tokenizer(
            TokenizerConfiguration(model: "gpt2", tokens: ["a", "b", "ab"], merges: ["a b", "x y", "ab c"]))
        #expect(tokenizer.encode("abab", addSpecial: false) == [2, 2])
        // bytes without a token are dropped, as in llama.cpp
        #expect(tokenizer.encode("ac", addSpecial: false) == [0])
    }
}

/// Deterministic pseudo-random strings mixing scripts, emoji, combining marks and whitespace.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static let ranges: [ClosedRange<UInt32>] = [
        0x20...0x7E, 0x20...0x7E, 0x20...0x7E, 0x09...0x0D, 0xA0...0x17F, 0x300...0x36F, 0x391...0x3C9,
        0x410...0x44F, 0x5D0...0x5EA, 0x620...0x64A, 0x900...0x97F, 0x2000...0x206F, 0x3000...0x303F,
        0x4E00...0x4FFF, 0xAC00...0xAD00, 0x1F300...0x1F64F, 0x1F3FB...0x1F3FF, 0x200D...0x200D, 0x0...0x1F,
    ]

    mutating func string(length: Int) -> String {
        var s = String.UnicodeScalarView()
        while s.count < length {
            let range = Self.ranges[Int(next() % UInt64(Self.ranges.count))]
            let v = range.lowerBound + UInt32(next() % UInt64(range.upperBound - range.lowerBound + 1))
            if let scalar = Unicode.Scalar(v) { s.append(scalar) }
        }
        return String(s)
    }
}

@Suite("merging")
struct MergingTests {
    /// Byte-level vocabulary of "a", "b", "c" and merges under which "abc" is not reachable from "a b c".
    static func unreachableWord(pre: String) -> TokenizerConfiguration {
        TokenizerConfiguration(
            model: "gpt2", pre: pre, tokens: ["a", "b", "c", "bc", "ab", "abc"], merges: ["b c", "a b", "ab c"],
            bosID: 0)
    }

    @Test("Llama 3 takes a piece that is a token as a whole (ignore_merges)")
    func ignoreMerges() throws {
        let llama3 = try Tokenizer(Self.unreachableWord(pre: "llama-bpe"))
        #expect(llama3.encode("abc", addSpecial: false) == [5])
        // same regex without ignore_merges: "b c" merges first, and "a bc" is not a merge
        let dbrx = try Tokenizer(Self.unreachableWord(pre: "dbrx"))
        #expect(dbrx.encode("abc", addSpecial: false) == [0, 3])
        #expect(dbrx.encode("ab", addSpecial: false) == [4])
    }

    @Test("merges apply by rank, leftmost first on ties, in short and long pieces")
    func rankOrder() throws {
        let tokenizer = try Tokenizer(TokenizerConfiguration(
            model: "gpt2", tokens: ["a", "aa", "aaaa"], merges: ["a a", "aa aa"]))
        #expect(tokenizer.encode("aaa", addSpecial: false) == [1, 0])
        #expect(tokenizer.encode("aaaaa", addSpecial: false) == [2, 0])
        // 203 letters: the heap-based path; 50 x "aaaa" then "aaa" -> "aa", "a"
        #expect(tokenizer.encode(String(repeating: "a", count: 203), addSpecial: false)
            == [Int32](repeating: 2, count: 50) + [1, 0])
    }

    @Test("SentencePiece gives the same ids when words cannot be merged separately")
    func sentencePieceWithoutWordSplitting() throws {
        // a piece with "▁" after another character makes the tokenizer merge whole fragments at once
        let tokenizer = try Tokenizer(fixtureConfiguration("spm") { c in
            c.tokens += ["ǂ▁ǂ", "ǂ▁"]
            c.scores! += [-1e9, -1e9]
            c.tokenTypes! += [1, 1]
        })
        for c in Fixtures.fixture("spm").cases {
            let ids = tokenizer.encode(c.text, addSpecial: false)
            if let difference = firstDifference(ids, c.ids, tokenizer: tokenizer) {
                Issue.record("\(String(reflecting: c.text)): \(difference)")
            }
            #expect(tokenizer.encode(c.text, addSpecial: false, parseSpecial: true) == c.idsWithSpecialParsing)
        }
        let extra = Int32(Fixtures.fixture("spm").config.tokens.count)
        #expect(tokenizer.encode("ǂ ǂ", addSpecial: false) == [tokenizer.tokenID(for: "▁")!, extra])
    }
}

@Suite("concurrency")
struct ConcurrencyTests {
    @Test("one tokenizer encodes from many tasks at once", arguments: Fixtures.names)
    func concurrentEncodes(name: String) async {
        let tokenizer = Fixtures.tokenizer(name)
        let cases = Fixtures.fixture(name).cases
        let failures = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var failures = 0
                    for (i, c) in cases.enumerated() where i % 8 == task {
                        if tokenizer.encode(c.text, addSpecial: false) != c.ids { failures += 1 }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }
}

// Pre-tokenizers of byte-level BPE vocabularies: every `tokenizer.ggml.pre` value that llama.cpp's
// vocabulary loader (src/llama-vocab.cpp, llama_cpp_python 0.3.36) accepts, mapped to the rule its
// tokenizer uses. A rule is a list of regexes applied in sequence, each splitting the pieces the
// previous one produced (llama.cpp's `unicode_regex_split`); each regex is a hand-written matcher
// (SplitPattern). The regexes follow the models' tokenizer.json (Hugging Face semantics), where
// llama.cpp adapted them; docs/pretokenizers.md lists every name, rule and regex and the differences.

/// The distinct splitting rules, named after the llama.cpp pre-tokenizer type that introduced them.
enum PreTokenizerRule: String, Sendable, CaseIterable {
    /// llama.cpp's `LLAMA_VOCAB_PRE_TYPE_DEFAULT` (no or "default" `tokenizer.ggml.pre`).
    case `default`
    case gpt2
    case llama3
    case jais2
    case qwen2
    case qwen35
    case seedCoder = "seed-coder"
    case ufakzeka
    case minicpm5
    case laguna
    case deepseekLLM = "deepseek-llm"
    case deepseekCoder = "deepseek-coder"
    case deepseekV3 = "deepseek-v3"
    case spark25 = "spark2_5"
    case afmoe
    case youtu
    case falcon
    case starcoder
    case bloom
    case viking
    case tekken
    case chameleon
    case gpt4o = "gpt-4o"
    case tinyAya = "tiny_aya"
    case kimiK2 = "kimi-k2"
    case superbpe
    case exaoneMoE = "exaone-moe"

    /// Every accepted `tokenizer.ggml.pre` value and its rule, in llama.cpp's order.
    static let names: [(name: String, rule: PreTokenizerRule)] = [
        ("default", .default),
        ("minicpm5", .minicpm5),
        ("llama3", .llama3), ("llama-v3", .llama3), ("llama-bpe", .llama3), ("falcon3", .llama3),
        ("falcon-h1", .llama3), ("pixtral", .llama3), ("midm-2.0", .llama3), ("lfm2", .llama3),
        ("jina-v5-nano", .llama3),
        ("deepseek-llm", .deepseekLLM),
        ("deepseek-coder", .deepseekCoder),
        ("deepseek-v3", .deepseekV3),
        ("spark2_5", .spark25),
        ("youtu", .youtu),
        ("falcon", .falcon),
        ("mpt", .gpt2),
        ("starcoder", .starcoder),
        ("gpt-2", .gpt2), ("phi-2", .gpt2), ("jina-es", .gpt2), ("jina-de", .gpt2), ("gigachat", .gpt2),
        ("jina-v2-es", .gpt2), ("jina-v2-de", .gpt2), ("a.x-4.0", .gpt2), ("mellum", .gpt2), ("modern-bert", .gpt2),
        ("jais-2", .jais2),
        ("jina-v1-en", .gpt2), ("jina-v2-code", .gpt2), ("roberta-bpe", .gpt2),
        ("refact", .starcoder),
        ("command-r", .starcoder),
        ("qwen2", .qwen2), ("deepseek-r1-qwen", .qwen2), ("kormo", .qwen2), ("f2llmv2", .qwen2),
        ("qwen35", .qwen35),
        ("stablelm2", .qwen2),
        ("olmo", .gpt2),
        ("dbrx", .llama3),
        ("smaug-bpe", .llama3),
        ("poro-chat", .bloom),
        ("chatglm-bpe", .llama3), ("glm4", .llama3), ("glm5", .llama3),
        ("viking", .viking),
        ("jais", .gpt2),
        ("tekken", .tekken),
        ("smollm", .starcoder),
        ("codeshell", .starcoder),
        ("bloom", .bloom),
        ("gpt3-finnish", .bloom),
        ("exaone", .starcoder),
        ("exaone4", .gpt2),
        ("exaone-moe", .exaoneMoE),
        ("chameleon", .chameleon),
        ("minerva-7b", .starcoder),
        ("megrez", .qwen2),
        ("gpt-4o", .gpt4o), ("llama4", .gpt4o), ("kanana2", .gpt4o), ("talkie", .gpt4o),
        ("granite-embed-multi-97m", .gpt4o),
        ("tiny_aya", .tinyAya), ("cohere2moe", .tinyAya),
        ("superbpe", .superbpe),
        ("trillion", .gpt2),
        ("granite-docling", .gpt2),
        ("bailingmoe", .qwen2), ("bailingmoe2", .qwen2), ("llada-moe", .qwen2),
        ("seed-coder", .seedCoder),
        ("hunyuan", .qwen2),
        ("hunyuan-dense", .deepseekV3),
        ("hy_v4", .deepseekV3),
        ("joyai-llm", .deepseekV3),
        ("kimi-k2", .kimiK2),
        ("ufakzeka", .ufakzeka),
        ("grok-2", .qwen2),
        ("afmoe", .afmoe),
        ("laguna", .laguna),
        ("minimax-m2", .gpt4o),
        ("solar-open", .qwen2),
        ("mellum2", .starcoder),
        // Not a llama.cpp name; kept because earlier Minos fixtures and files use it.
        ("gpt2", .gpt2),
    ]

    /// Names llama.cpp accepts that Minos refuses, with the reason.
    static let refused: [String: String] = {
        let spmStyle = "SentencePiece-style BPE over raw UTF-8 with spaces escaped as U+2581 (llama.cpp's "
            + "byte_encode = false); Minos' byte-level BPE does not implement that vocabulary layout"
        return [
            "gemma4": spmStyle, "granite-embed-multi-311m": spmStyle, "sarvam-moe": spmStyle,
            "whitespace": "whitespace-split BPE over raw UTF-8 (llama.cpp's byte_encode = false, jina-embeddings-v2-base-zh); "
                + "Minos' byte-level BPE does not implement that vocabulary layout",
        ]
    }()

    private static let byName: [String: PreTokenizerRule] = {
        var table: [String: PreTokenizerRule] = [:]
        for (name, rule) in names where table[name] == nil { table[name] = rule }
        return table
    }()

    /// Every accepted name, in llama.cpp's order.
    static var supportedNames: [String] { names.map(\.name) }

    /// The rule of a `tokenizer.ggml.pre` value; nil for an unknown or refused name.
    init?(name: String) {
        guard let rule = Self.byName[name] else { return nil }
        self = rule
    }

    /// Names for which llama.cpp sets `ignore_merges` (a piece that is a token is taken whole).
    static let ignoreMergesNames: Set<String> = [
        "minicpm5", "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
        "jina-v5-nano", "youtu", "glm4", "glm5", "tekken", "granite-embed-multi-97m",
    ]

    /// Names for which llama.cpp adds BOS by default.
    static let addBOSNames: Set<String> = [
        "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano",
        "tekken", "chameleon",
    ]

    /// The regexes of the rule, applied in sequence.
    var patterns: [SplitPattern] {
        let number = ScalarSet(classes: CharClass.number)
        let cjk = ScalarSet(body: "一-龥ࠀ-一가-퟿")
        let cjkKana = ScalarSet(body: "一-龥぀-ゟ゠-ヿ")
        let bloom = SplitPattern.run(
            ScalarSet(classes: CharClass.whitespace, body: "(|.,!?…。，、।۔،)", negated: true), prefix: .space,
            single: false)
        switch self {
        case .default:
            return [
                .run(ScalarSet(classes: CharClass.punctuation, body: "$+<=>^~|"), prefix: .none, single: false),
                .gpt2, .digits(max: Int.max), .asciiDigitTriples,
            ]
        case .gpt2: return [.gpt2]
        case .llama3: return [.words(WordOptions(maxDigits: 3))]
        case .jais2: return [.words(WordOptions(maxDigits: 3, whitespaceCascade: true))]
        case .qwen2: return [.words(WordOptions(maxDigits: 1))]
        case .qwen35: return [.words(WordOptions(maxDigits: 1, marksAreLetters: true))]
        case .seedCoder: return [.words(WordOptions(maxDigits: 1, newlinesAfterPunctuation: false))]
        case .ufakzeka: return [.words(WordOptions(maxDigits: 1, contractions: false))]
        case .minicpm5: return [.digits(max: 3), .words(WordOptions(maxDigits: Int.max))]
        case .laguna: return [.newlineRuns, .words(WordOptions(maxDigits: 1))]
        case .deepseekLLM:
            return [
                .run(ScalarSet(body: "\r\n"), prefix: .none, single: true),
                .run(ScalarSet(body: Self.deepseekLetters), prefix: .whitespace, single: false),
                .run(ScalarSet(body: "!-/:-~！-／：-～‘-‟　-。"), prefix: .whitespace, single: false),
                .trailingWhitespace,
                .run(cjk, prefix: .none, single: false),
                .digits(max: Int.max),
            ]
        case .deepseekCoder:
            return [
                .run(ScalarSet(body: "\r\n"), prefix: .none, single: true),
                .run(ScalarSet(classes: CharClass.letter), prefix: .whitespace, single: false),
                .run(ScalarSet(classes: CharClass.punctuation), prefix: .whitespace, single: false),
                .run(cjk, prefix: .none, single: false),
                .digits(max: 1),
            ]
        case .deepseekV3:
            return [.digits(max: 3), .run(cjkKana, prefix: .none, single: false), .punctuationWords(spark: false)]
        case .spark25:
            return [
                .digits(max: 3), .run(cjkKana, prefix: .none, single: false), .punctuationWords(spark: true),
                .digits(max: 1),
            ]
        case .afmoe:
            return [
                .digitsFromRight(wordBoundary: false),
                .run(ScalarSet(body: "一-鿿㐀-䶿豈-﫿぀-ゟ゠-ヿ･-ﾟ⼀-⿟เ-๿຀-໿ក-៿က-႟ꩠ-ꩿꧠ-꧿가-힯ᄀ-ᇿ"), prefix: .none, single: false),
                .punctuationWords(spark: false),
            ]
        case .youtu:
            return [
                .runs([
                    ScalarSet(body: "가-힣ㄱ-ㆎ"), ScalarSet(body: "！…“”‘’—：；，、-〿︰-﹏"), ScalarSet(body: "ㄅ-ㄯ"), cjkKana,
                ]),
                .casedWords(CasedWordOptions(maxDigits: 1, contractions: true)),
            ]
        case .falcon:
            return [
                .run(ScalarSet(classes: CharClass.punctuation, body: "$+<=>^~|`"), prefix: .none, single: false),
                .gpt2, .asciiDigitTriples,
            ]
        case .starcoder: return [.digits(max: 1), .gpt2]
        case .bloom: return [bloom]
        case .viking: return [bloom, .digits(max: 1)]
        case .tekken: return [.casedWords(CasedWordOptions(maxDigits: 1, contractions: false))]
        case .chameleon:
            return [
                .chameleonSentinel, .chameleonImage, .chameleonSpaces, .digits(max: 1),
                .run(ScalarSet(classes: CharClass.punctuation, body: "!-/:-@[-`{-~"), prefix: .none, single: true),
                .gpt2,
            ]
        case .gpt4o: return [.casedWords(CasedWordOptions(maxDigits: 3, contractions: true))]
        case .tinyAya:
            return [
                .digitsFromRight(wordBoundary: true), .casedWords(CasedWordOptions(maxDigits: 3, contractions: true)),
            ]
        case .kimiK2:
            return [
                .casedWords(CasedWordOptions(maxDigits: 3, contractions: true, slashAfterPunctuation: false, hanFirst: true))
            ]
        case .superbpe: return [.run(number, prefix: .none, single: false), .digitsFromRight(wordBoundary: false)]
        case .exaoneMoE: return [.exaoneMoE]
        }
    }

    /// DeepSeek LLM's letter class, escaped because some of its letters (K, Ω, …) change under
    /// Unicode normalization (cased letters of the Latin, Greek, Cyrillic, Armenian, Georgian,
    /// Cherokee, Glagolitic, Coptic, Deseret, Osage, Old Hungarian, Warang Citi and Adlam scripts).
    static let deepseekLetters =
        "A-Za-z\u{B5}\u{C0}-\u{D6}\u{D8}-\u{F6}\u{F8}-\u{1BA}\u{1BC}-\u{1BF}\u{1C4}-\u{293}\u{295}-"
        + "\u{2AF}\u{370}-\u{373}\u{376}\u{377}\u{37B}-\u{37D}\u{37F}\u{386}\u{388}-\u{38A}\u{38C}\u{38E}-"
        + "\u{3A1}\u{3A3}-\u{3F5}\u{3F7}-\u{481}\u{48A}-\u{52F}\u{531}-\u{556}\u{10A0}-\u{10C5}\u{13A0}-"
        + "\u{13F5}\u{13F8}-\u{13FD}\u{1C90}-\u{1CBA}\u{1CBD}-\u{1CBF}\u{1D00}-\u{1D2B}\u{1D6B}-\u{1D77}"
        + "\u{1D79}-\u{1D9A}\u{1E00}-\u{1F15}\u{1F18}-\u{1F1D}\u{1F20}-\u{1F45}\u{1F48}-\u{1F4D}\u{1F50}-"
        + "\u{1F57}\u{1F59}\u{1F5B}\u{1F5D}\u{1F5F}-\u{1F7D}\u{1F80}-\u{1FB4}\u{1FB6}-\u{1FBC}\u{1FBE}"
        + "\u{1FC2}-\u{1FC4}\u{1FC6}-\u{1FCC}\u{1FD0}-\u{1FD3}\u{1FD6}-\u{1FDB}\u{1FE0}-\u{1FEC}\u{1FF2}-"
        + "\u{1FF4}\u{1FF6}-\u{1FFC}\u{2102}\u{2107}\u{210A}-\u{2113}\u{2115}\u{2119}-\u{211D}\u{2124}"
        + "\u{2126}\u{2128}\u{212A}-\u{212D}\u{212F}-\u{2134}\u{2139}\u{213C}-\u{213F}\u{2145}-\u{2149}"
        + "\u{214E}\u{2183}\u{2184}\u{2C00}-\u{2C7B}\u{2C7E}-\u{2CE4}\u{2CEB}-\u{2CEE}\u{2CF2}\u{2CF3}"
        + "\u{A640}-\u{A66D}\u{A680}-\u{A69B}\u{A722}-\u{A76F}\u{A771}-\u{A787}\u{A78B}-\u{A78E}\u{AB70}-"
        + "\u{ABBF}\u{FB00}-\u{FB06}\u{FB13}-\u{FB17}\u{FF21}-\u{FF3A}\u{FF41}-\u{FF5A}\u{10400}-\u{1044F}"
        + "\u{104B0}-\u{104D3}\u{104D8}-\u{104FB}\u{10C80}-\u{10CB2}\u{10CC0}-\u{10CF2}\u{118A0}-\u{118DF}"
        + "\u{1E900}-\u{1E943}"
}

/// A pre-tokenizer: the regexes of one rule, ready to split text.
struct PreTokenizer: Sendable {
    let rule: PreTokenizerRule
    let patterns: [SplitPattern]

    init(_ rule: PreTokenizerRule) {
        self.rule = rule
        self.patterns = rule.patterns
    }

    /// Splits the loaded text; appends the end (scalar index, exclusive) of each piece to `ends`.
    func split(_ text: borrowing ScalarBuffer, into ends: inout [Int32]) {
        let n = text.scalars.count
        guard n > 0 else { return }
        text.scalars.withUnsafeBufferPointer { scalars in
            text.classes.withUnsafeBufferPointer { classes in
                if patterns.count == 1 {
                    patterns[0].split(scalars, classes, from: 0, to: n, into: &ends)
                    return
                }
                var pieces: [Int32] = [Int32(n)]
                var next: [Int32] = []
                for (k, pattern) in patterns.enumerated() {
                    let last = k == patterns.count - 1
                    var start = 0
                    for end in pieces {
                        if last {
                            pattern.split(scalars, classes, from: start, to: Int(end), into: &ends)
                        } else {
                            pattern.split(scalars, classes, from: start, to: Int(end), into: &next)
                        }
                        start = Int(end)
                    }
                    swap(&pieces, &next)
                    next.removeAll(keepingCapacity: true)
                }
            }
        }
    }
}

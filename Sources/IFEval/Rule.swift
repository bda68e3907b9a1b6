extension IFEval {
    /// The 25 instruction ids, with the keyword arguments each accepts.
    enum RuleID: String, CaseIterable, Sendable {
        case keywordsExistence = "keywords:existence"
        case keywordsFrequency = "keywords:frequency"
        case keywordsForbiddenWords = "keywords:forbidden_words"
        case keywordsLetterFrequency = "keywords:letter_frequency"
        case responseLanguage = "language:response_language"
        case numberSentences = "length_constraints:number_sentences"
        case numberParagraphs = "length_constraints:number_paragraphs"
        case numberWords = "length_constraints:number_words"
        case nthParagraphFirstWord = "length_constraints:nth_paragraph_first_word"
        case numberPlaceholders = "detectable_content:number_placeholders"
        case postscript = "detectable_content:postscript"
        case numberBulletLists = "detectable_format:number_bullet_lists"
        case constrainedResponse = "detectable_format:constrained_response"
        case numberHighlightedSections = "detectable_format:number_highlighted_sections"
        case multipleSections = "detectable_format:multiple_sections"
        case jsonFormat = "detectable_format:json_format"
        case title = "detectable_format:title"
        case twoResponses = "combination:two_responses"
        case repeatPrompt = "combination:repeat_prompt"
        case endChecker = "startend:end_checker"
        case capitalWordFrequency = "change_case:capital_word_frequency"
        case englishCapital = "change_case:english_capital"
        case englishLowercase = "change_case:english_lowercase"
        case noComma = "punctuation:no_comma"
        case quotation = "startend:quotation"

        /// The keyword arguments this instruction takes (all of them required).
        var argumentNames: [String] {
            switch self {
            case .keywordsExistence: return ["keywords"]
            case .keywordsFrequency: return ["keyword", "frequency", "relation"]
            case .keywordsForbiddenWords: return ["forbidden_words"]
            case .keywordsLetterFrequency: return ["letter", "let_frequency", "let_relation"]
            case .responseLanguage: return ["language"]
            case .numberSentences: return ["num_sentences", "relation"]
            case .numberParagraphs: return ["num_paragraphs"]
            case .numberWords: return ["num_words", "relation"]
            case .nthParagraphFirstWord: return ["num_paragraphs", "nth_paragraph", "first_word"]
            case .numberPlaceholders: return ["num_placeholders"]
            case .postscript: return ["postscript_marker"]
            case .numberBulletLists: return ["num_bullets"]
            case .numberHighlightedSections: return ["num_highlights"]
            case .multipleSections: return ["section_spliter", "num_sections"]
            case .repeatPrompt: return ["prompt_to_repeat"]
            case .endChecker: return ["end_phrase"]
            case .capitalWordFrequency: return ["capital_frequency", "capital_relation"]
            case .constrainedResponse, .jsonFormat, .title, .twoResponses, .englishCapital, .englishLowercase,
                .noComma, .quotation:
                return []
            }
        }
    }

    /// A literal searched for in responses: the text as given and its lowercased UTF-8 bytes.
    struct Needle: Sendable {
        let text: String
        let bytes: [UInt8]
        let lower: [UInt8]

        init(_ text: String) {
            self.text = text
            bytes = Array(text.utf8)
            lower = Scan.lowercased(text)
        }
    }

    /// A validated instruction with its arguments in the form its checker uses.
    enum Rule: Sendable {
        case keywordsExistence([Needle])
        case keywordFrequency(Needle, frequency: Int, relation: Relation)
        case forbiddenWords([Needle])
        case letterFrequency(letter: UInt32, display: String, frequency: Int, relation: Relation)
        case responseLanguage(code: String)
        case numberSentences(Int, Relation)
        case numberParagraphs(Int)
        case numberWords(Int, Relation)
        case nthParagraphFirstWord(paragraphs: Int, nth: Int, firstWord: Needle)
        case numberPlaceholders(Int)
        case postscript(PostscriptMarker)
        case numberBulletLists(Int)
        case constrainedResponse
        case numberHighlightedSections(Int)
        case multipleSections(splitter: Needle, count: Int)
        case jsonFormat
        case title
        case twoResponses
        case repeatPrompt(Needle)
        case endChecker(Needle)
        case capitalWordFrequency(Int, Relation)
        case englishCapital
        case englishLowercase
        case noComma
        case quotation

        static func make(_ id: RuleID, _ r: inout KwargReader) throws(InstructionError) -> Rule {
            switch id {
            case .keywordsExistence:
                return .keywordsExistence(try r.stringList("keywords").sorted().map(Needle.init))
            case .keywordsFrequency:
                return .keywordFrequency(
                    Needle(try r.string("keyword", strip: true)), frequency: try r.int("frequency"),
                    relation: try r.relation("relation"))
            case .keywordsForbiddenWords:
                return .forbiddenWords(Set(try r.stringList("forbidden_words")).sorted().map(Needle.init))
            case .keywordsLetterFrequency:
                let letter = try r.string("letter", strip: false)
                let scalars = Array(letter.unicodeScalars)
                guard scalars.count == 1, !Scan.isSpace(scalars[0].value) else {
                    throw r.fail("letter", "must be a single non-whitespace character, got \"\(letter)\"")
                }
                return .letterFrequency(
                    letter: Scan.lower(scalars[0].value), display: letter.lowercased(),
                    frequency: try r.int("let_frequency"), relation: try r.relation("let_relation"))
            case .responseLanguage:
                let given = try r.string("language", strip: true)
                guard let code = LanguageDetector.normalizedCode(given) else {
                    throw r.fail("language", "must be an ISO 639-1 code Minos can identify, got \"\(given)\"")
                }
                return .responseLanguage(code: code)
            case .numberSentences:
                return .numberSentences(try r.int("num_sentences"), try r.relation("relation"))
            case .numberParagraphs:
                return .numberParagraphs(try r.int("num_paragraphs"))
            case .numberWords:
                return .numberWords(try r.int("num_words"), try r.relation("relation"))
            case .nthParagraphFirstWord:
                let paragraphs = try r.int("num_paragraphs")
                let nth = try r.int("nth_paragraph", minimum: 1)
                if nth > paragraphs {
                    throw r.fail("nth_paragraph", "must be between 1 and num_paragraphs (\(paragraphs)), got \(nth)")
                }
                let word = try r.string("first_word", strip: false)
                return .nthParagraphFirstWord(paragraphs: paragraphs, nth: nth, firstWord: Needle(word.lowercased()))
            case .numberPlaceholders:
                return .numberPlaceholders(try r.int("num_placeholders"))
            case .postscript:
                return .postscript(PostscriptMarker(try r.string("postscript_marker", strip: true)))
            case .numberBulletLists:
                return .numberBulletLists(try r.int("num_bullets"))
            case .constrainedResponse: return .constrainedResponse
            case .numberHighlightedSections:
                return .numberHighlightedSections(try r.int("num_highlights"))
            case .multipleSections:
                return .multipleSections(
                    splitter: Needle(try r.string("section_spliter", strip: true)), count: try r.int("num_sections"))
            case .jsonFormat: return .jsonFormat
            case .title: return .title
            case .twoResponses: return .twoResponses
            case .repeatPrompt:
                return .repeatPrompt(Needle(try r.string("prompt_to_repeat", strip: true)))
            case .endChecker:
                return .endChecker(Needle(try r.string("end_phrase", strip: true)))
            case .capitalWordFrequency:
                return .capitalWordFrequency(
                    try r.int("capital_frequency", minimum: nil), try r.relation("capital_relation"))
            case .englishCapital: return .englishCapital
            case .englishLowercase: return .englishLowercase
            case .noComma: return .noComma
            case .quotation: return .quotation
            }
        }

        /// Applies the rule to one text (the response or one loose variant of it).
        func evaluate(_ b: Bytes, explain: Bool) -> Verdict {
            switch self {
            case .keywordsExistence(let keywords): return KeywordChecks.existence(b, keywords, explain)
            case .keywordFrequency(let k, let f, let rel): return KeywordChecks.frequency(b, k, f, rel, explain)
            case .forbiddenWords(let words): return KeywordChecks.forbidden(b, words, explain)
            case .letterFrequency(let l, let d, let f, let rel):
                return KeywordChecks.letterFrequency(b, l, d, f, rel, explain)
            case .responseLanguage(let code): return CaseChecks.language(b, code, explain)
            case .numberSentences(let n, let rel): return LengthChecks.sentences(b, n, rel, explain)
            case .numberParagraphs(let n): return LengthChecks.paragraphs(b, n, explain)
            case .numberWords(let n, let rel): return LengthChecks.words(b, n, rel, explain)
            case .nthParagraphFirstWord(let n, let nth, let w): return LengthChecks.nthParagraph(b, n, nth, w, explain)
            case .numberPlaceholders(let n): return ContentChecks.placeholders(b, n, explain)
            case .postscript(let m): return ContentChecks.postscript(b, m, explain)
            case .numberBulletLists(let n): return FormatChecks.bullets(b, n, explain)
            case .constrainedResponse: return FormatChecks.constrained(b, explain)
            case .numberHighlightedSections(let n): return FormatChecks.highlights(b, n, explain)
            case .multipleSections(let s, let n): return FormatChecks.sections(b, s, n, explain)
            case .jsonFormat: return FormatChecks.json(b, explain)
            case .title: return FormatChecks.title(b, explain)
            case .twoResponses: return ContentChecks.twoResponses(b, explain)
            case .repeatPrompt(let p): return ContentChecks.repeatPrompt(b, p, explain)
            case .endChecker(let p): return ContentChecks.endsWith(b, p, explain)
            case .capitalWordFrequency(let n, let rel): return CaseChecks.capitalWords(b, n, rel, explain)
            case .englishCapital: return CaseChecks.english(b, upper: true, explain)
            case .englishLowercase: return CaseChecks.english(b, upper: false, explain)
            case .noComma: return ContentChecks.noComma(b, explain)
            case .quotation: return ContentChecks.quotation(b, explain)
            }
        }
    }
}

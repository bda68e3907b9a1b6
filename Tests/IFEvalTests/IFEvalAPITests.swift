import JSON
import Testing

@testable import IFEval

/// The public surface: ids, argument validation and its errors, and how modes report outcomes.
@Suite("IFEval API")
struct IFEvalAPITests {
    /// A valid argument set for every instruction id.
    static let validKwargs: [String: [String: JSONValue]] = [
        "keywords:existence": ["keywords": ["apple"]],
        "keywords:frequency": ["keyword": "apple", "frequency": 2, "relation": "at least"],
        "keywords:forbidden_words": ["forbidden_words": ["apple"]],
        "keywords:letter_frequency": ["letter": "a", "let_frequency": 2, "let_relation": "less than"],
        "language:response_language": ["language": "en"],
        "length_constraints:number_sentences": ["num_sentences": 2, "relation": "at least"],
        "length_constraints:number_paragraphs": ["num_paragraphs": 2],
        "length_constraints:number_words": ["num_words": 10, "relation": "less than"],
        "length_constraints:nth_paragraph_first_word": ["num_paragraphs": 2, "nth_paragraph": 1, "first_word": "so"],
        "detectable_content:number_placeholders": ["num_placeholders": 1],
        "detectable_content:postscript": ["postscript_marker": "P.S."],
        "detectable_format:number_bullet_lists": ["num_bullets": 3],
        "detectable_format:constrained_response": [:],
        "detectable_format:number_highlighted_sections": ["num_highlights": 1],
        "detectable_format:multiple_sections": ["section_spliter": "Section", "num_sections": 2],
        "detectable_format:json_format": [:],
        "detectable_format:title": [:],
        "combination:two_responses": [:],
        "combination:repeat_prompt": ["prompt_to_repeat": "Say hi."],
        "startend:end_checker": ["end_phrase": "Bye."],
        "change_case:capital_word_frequency": ["capital_frequency": 3, "capital_relation": "at least"],
        "change_case:english_capital": [:],
        "change_case:english_lowercase": [:],
        "punctuation:no_comma": [:],
        "startend:quotation": [:],
    ]

    @Test("all 25 ids, sorted, each with a valid argument set")
    func ids() {
        #expect(IFEval.instructionIDs.count == 25)
        #expect(IFEval.instructionIDs == IFEval.instructionIDs.sorted())
        #expect(Set(IFEval.instructionIDs) == Set(Self.validKwargs.keys))
    }

    @Test("every id prepares and checks", arguments: IFEval.instructionIDs)
    func prepares(_ id: String) throws {
        let prepared = try IFEval.prepare(id: id, kwargs: Self.validKwargs[id]!)
        #expect(prepared.id == id)
        for mode in [InstructionMode.strict, .loose] {
            let outcome = IFEval.check(prepared, response: "A short reply.", prompt: "Say hi.", mode: mode)
            #expect(outcome.id == id)
            #expect(!outcome.detail.isEmpty)
        }
    }

    @Test("every id rejects an argument it does not take", arguments: IFEval.instructionIDs)
    func rejectsUnknownArgument(_ id: String) {
        var kwargs = Self.validKwargs[id]!
        kwargs["colour"] = "blue"
        let error = #expect(throws: InstructionError.self) { try IFEval.prepare(id: id, kwargs: kwargs) }
        #expect(error?.argument == "colour")
        #expect(error?.instructionID == id)
        #expect(error?.message.contains(id) == true)
    }

    @Test("unknown id")
    func unknownID() {
        let error = #expect(throws: InstructionError.self) {
            try IFEval.prepare(id: "keywords:rhymes", kwargs: [:])
        }
        #expect(error?.instructionID == "keywords:rhymes")
        #expect(error?.argument == nil)
        #expect(error?.description.contains("keywords:rhymes") == true)
    }

    static let badArguments: [(String, [String: JSONValue], String)] = [
        ("length_constraints:number_words", ["relation": "at least"], "num_words"),
        ("length_constraints:number_words", ["num_words": 10], "relation"),
        ("length_constraints:number_words", ["num_words": "10", "relation": "at least"], "num_words"),
        ("length_constraints:number_words", ["num_words": 2.5, "relation": "at least"], "num_words"),
        ("length_constraints:number_words", ["num_words": -1, "relation": "at least"], "num_words"),
        ("length_constraints:number_words", ["num_words": 10, "relation": "at most"], "relation"),
        ("keywords:existence", ["keywords": "apple"], "keywords"),
        ("keywords:existence", ["keywords": [1, 2]], "keywords"),
        ("keywords:existence", ["keywords": []], "keywords"),
        ("keywords:frequency", ["keyword": "  ", "frequency": 1, "relation": "at least"], "keyword"),
        ("keywords:letter_frequency", ["letter": "ab", "let_frequency": 1, "let_relation": "at least"], "letter"),
        ("keywords:letter_frequency", ["letter": "a", "let_frequency": true, "let_relation": "at least"], "let_frequency"),
        ("language:response_language", ["language": "xx"], "language"),
        ("language:response_language", [:], "language"),
        ("length_constraints:nth_paragraph_first_word", ["num_paragraphs": 2, "nth_paragraph": 3, "first_word": "a"],
         "nth_paragraph"),
        ("length_constraints:nth_paragraph_first_word", ["num_paragraphs": 2, "nth_paragraph": 0, "first_word": "a"],
         "nth_paragraph"),
        ("detectable_format:multiple_sections", ["num_sections": 2], "section_spliter"),
        ("combination:repeat_prompt", [:], "prompt_to_repeat"),
        ("startend:end_checker", ["end_phrase": ["Bye."]], "end_phrase"),
        ("change_case:capital_word_frequency", ["capital_frequency": 2, "capital_relation": "at  least"],
         "capital_relation"),
    ]

    @Test("bad or missing arguments name the id and the argument", arguments: Self.badArguments)
    func badArgument(_ id: String, _ kwargs: [String: JSONValue], _ argument: String) {
        let error = #expect(throws: InstructionError.self) { try IFEval.prepare(id: id, kwargs: kwargs) }
        #expect(error?.instructionID == id)
        #expect(error?.argument == argument)
        #expect(error?.message.contains(id) == true)
        #expect(error?.message.contains(argument) == true)
    }

    @Test("null arguments count as absent; integral numbers are accepted")
    func nullsAndNumbers() throws {
        let kwargs: [String: JSONValue] = [
            "num_words": 3.0, "relation": "less than", "keywords": nil, "num_highlights": nil, "language": nil,
        ]
        let prepared = try IFEval.prepare(id: "length_constraints:number_words", kwargs: kwargs)
        #expect(IFEval.check(prepared, response: "Two words", mode: .strict).followed)
        #expect(throws: InstructionError.self) {
            try IFEval.prepare(id: "length_constraints:number_words", kwargs: ["num_words": nil, "relation": "less than"])
        }
    }

    @Test("an empty or blank response never follows", arguments: ["", "  \n\t "])
    func emptyResponse(_ response: String) throws {
        let prepared = try IFEval.prepare(id: "punctuation:no_comma", kwargs: [:])
        for mode in [InstructionMode.strict, .loose] {
            let outcome = IFEval.check(prepared, response: response, mode: mode)
            #expect(!outcome.followed)
            #expect(outcome.detail == "response is empty")
        }
    }

    @Test("details explain the measurement and the loose variant that passed")
    func details() throws {
        let sentences = try IFEval.prepare(
            id: "length_constraints:number_sentences", kwargs: ["num_sentences": 3, "relation": "less than"])
        let strict = IFEval.check(sentences, response: "One. Two. Three.", mode: .strict)
        #expect(strict == InstructionOutcome(
            id: "length_constraints:number_sentences", followed: false,
            detail: "found 3 sentence(s); required less than 3"))
        let loose = IFEval.check(sentences, response: "Sure. Here:\nOne. Two.", mode: .loose)
        #expect(loose.followed)
        #expect(loose.detail.contains("first line removed"))
        let failed = IFEval.check(sentences, response: "One. Two. Three. Four.", mode: .loose)
        #expect(!failed.followed)
        #expect(failed.detail.contains("no variant passed"))
    }

    @Test("repeat_prompt reads its kwarg, not the prompt parameter")
    func repeatPromptUsesKwarg() throws {
        let prepared = try IFEval.prepare(id: "combination:repeat_prompt", kwargs: ["prompt_to_repeat": "Name a fruit."])
        #expect(IFEval.check(prepared, response: "Name a fruit. Apple.", prompt: "Something else", mode: .strict).followed)
        #expect(!IFEval.check(prepared, response: "Apple.", prompt: "Apple.", mode: .strict).followed)
    }

    @Test("prepared instructions are shared across tasks")
    func concurrentUse() async throws {
        let prepared = try IFEval.prepare(id: "keywords:existence", kwargs: ["keywords": ["tea"]])
        let results = await withTaskGroup(of: Bool.self) { group in
            for k in 0..<16 {
                group.addTask { IFEval.check(prepared, response: "Tea number \(k).", mode: .loose).followed }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 16 && results.allSatisfy { $0 })
    }
}

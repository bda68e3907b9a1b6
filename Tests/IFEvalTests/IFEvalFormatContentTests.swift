import JSON
import Testing

@testable import IFEval

/// `detectable_format:*`, `detectable_content:*`, `combination:*`, `startend:*` and `punctuation:*`,
/// each in both outcomes and both modes. Expected outcomes were derived from the reference checker's
/// semantics.
@Suite("IFEval format and content instructions")
struct IFEvalFormatContentTests {
    @Test("checks match the reference", arguments: Self.formatAndContent)
    func check(_ c: IFEvalCase) throws { try c.verify() }

    static let formatAndContent: [IFEvalCase] = [
        IFEvalCase(
            "detectable_content:number_placeholders", ["num_placeholders": 2],
            "Dear [name], see you at [place].",
            strict: true, loose: true, "two placeholders"),
        IFEvalCase(
            "detectable_content:number_placeholders", ["num_placeholders": 2],
            "Dear [name], see you soon.",
            strict: false, loose: false, "one placeholder"),
        IFEvalCase(
            "detectable_content:number_placeholders", ["num_placeholders": 1],
            "Dear [name\n], hello.",
            strict: false, loose: false, "brackets on different lines do not count"),
        IFEvalCase(
            "detectable_content:postscript", ["postscript_marker": "P.S."],
            "Thanks!\n\np.s. See you soon.",
            strict: true, loose: true, "case-insensitive"),
        IFEvalCase(
            "detectable_content:postscript", ["postscript_marker": "P.P.S"],
            "Thanks!\nP.S. one more thing.",
            strict: false, loose: false, "P.S. is not P.P.S"),
        IFEvalCase(
            "detectable_content:postscript", ["postscript_marker": "P.S."],
            "Thanks!\n**P.**S. bring snacks.",
            strict: false, loose: true, "markdown inside the marker"),
        IFEvalCase(
            "detectable_format:number_bullet_lists", ["num_bullets": 2],
            "* apples\n* pears",
            strict: true, loose: true, "two star bullets"),
        IFEvalCase(
            "detectable_format:number_bullet_lists", ["num_bullets": 1],
            "- apples\n- pears\n- plums\n- figs",
            strict: false, loose: false, "four bullets"),
        IFEvalCase(
            "detectable_format:number_bullet_lists", ["num_bullets": 2],
            "- Here is the list:\n* apples\n* pears",
            strict: false, loose: true, "a dash preamble line counts as a bullet"),
        IFEvalCase(
            "detectable_format:number_bullet_lists", ["num_bullets": 1],
            "**Bold** line\n* item",
            strict: true, loose: true, "a ** line is not a bullet"),
        IFEvalCase(
            "detectable_format:constrained_response", [:],
            "My answer is yes.",
            strict: true, loose: true, "exact option"),
        IFEvalCase(
            "detectable_format:constrained_response", [:],
            "Yes.",
            strict: false, loose: false, "no option"),
        IFEvalCase(
            "detectable_format:constrained_response", [:],
            "My answer is **yes**.",
            strict: false, loose: true, "bold option"),
        IFEvalCase(
            "detectable_format:number_highlighted_sections", ["num_highlights": 2],
            "*first* and **second**",
            strict: true, loose: true, "single and double"),
        IFEvalCase(
            "detectable_format:number_highlighted_sections", ["num_highlights": 2],
            "*first* and * *",
            strict: false, loose: false, "blank highlight does not count"),
        IFEvalCase(
            "detectable_format:number_highlighted_sections", ["num_highlights": 3],
            "*a*\n*b*",
            strict: false, loose: false, "only two"),
        IFEvalCase(
            "detectable_format:multiple_sections", ["section_spliter": "Section", "num_sections": 2],
            "Section 1\nIntro\nSection 2\nBody",
            strict: true, loose: true, "two sections"),
        IFEvalCase(
            "detectable_format:multiple_sections", ["section_spliter": "Section", "num_sections": 2],
            "SECTION 1\nIntro\nSECTION 2\nBody",
            strict: false, loose: false, "case-sensitive"),
        IFEvalCase(
            "detectable_format:multiple_sections", ["section_spliter": "Section", "num_sections": 2],
            "Section *1*\nIntro\nSection *2*\nBody",
            strict: false, loose: true, "numbers in italics"),
        IFEvalCase(
            "detectable_format:json_format", [:],
            "```json\n{\"a\": [1, 2.5, null]}\n```",
            strict: true, loose: true, "fenced JSON"),
        IFEvalCase(
            "detectable_format:json_format", [:],
            "{\"a\": 1,}",
            strict: false, loose: false, "trailing comma"),
        IFEvalCase(
            "detectable_format:json_format", [:],
            "Here is the JSON:\n{\"a\": 1}",
            strict: false, loose: true, "preamble line"),
        IFEvalCase(
            "detectable_format:json_format", [:],
            "NaN",
            strict: true, loose: true, "Python's json accepts NaN"),
        IFEvalCase(
            "detectable_format:title", [:],
            "<<The Long Road>>\nOnce upon a time.",
            strict: true, loose: true, "title present"),
        IFEvalCase(
            "detectable_format:title", [:],
            "<< >> no title",
            strict: false, loose: false, "blank title"),
        IFEvalCase(
            "detectable_format:title", [:],
            "<*<Road>*>",
            strict: false, loose: true, "asterisks inside the brackets"),
        IFEvalCase(
            "combination:two_responses", [:],
            "Answer one.\n******\nAnswer two.",
            strict: true, loose: true, "two different responses"),
        IFEvalCase(
            "combination:two_responses", [:],
            "Same.\n******\nSame.",
            strict: false, loose: false, "identical responses"),
        IFEvalCase(
            "combination:two_responses", [:],
            "One\n******\nTwo\n******\nThree",
            strict: false, loose: true, "last line holds a third response"),
        IFEvalCase(
            "combination:repeat_prompt", ["prompt_to_repeat": "Write a poem about cats."],
            "write a poem about cats. Cats purr.",
            strict: true, loose: true, "case-insensitive prefix"),
        IFEvalCase(
            "combination:repeat_prompt", ["prompt_to_repeat": "Write a poem about cats."],
            "Cats purr.",
            strict: false, loose: false, "prompt not repeated"),
        IFEvalCase(
            "combination:repeat_prompt", ["prompt_to_repeat": "Write a poem about cats."],
            "Sure!\nWrite a poem about cats. Cats purr.",
            strict: false, loose: true, "preamble line"),
        IFEvalCase(
            "startend:end_checker", ["end_phrase": "Any other questions?"],
            "Here you go. Any other questions?\"",
            strict: true, loose: true, "closing quote ignored"),
        IFEvalCase(
            "startend:end_checker", ["end_phrase": "Any other questions?"],
            "Here you go.",
            strict: false, loose: false, "phrase missing"),
        IFEvalCase(
            "startend:end_checker", ["end_phrase": "Any other questions?"],
            "Here you go. Any other questions?\n(generated)",
            strict: false, loose: true, "trailing line"),
        IFEvalCase(
            "punctuation:no_comma", [:],
            "No commas here at all.",
            strict: true, loose: true, "no comma"),
        IFEvalCase(
            "punctuation:no_comma", [:],
            "Well, there is one.",
            strict: false, loose: false, "comma"),
        IFEvalCase(
            "punctuation:no_comma", [:],
            "Sure, here it is:\nNo commas below.",
            strict: false, loose: true, "comma only in the first line"),
        IFEvalCase(
            "startend:quotation", [:],
            "  \"Wrapped in quotes.\"  ",
            strict: true, loose: true, "surrounding whitespace ignored"),
        IFEvalCase(
            "startend:quotation", [:],
            "\"Not closed.",
            strict: false, loose: false, "no closing quote"),
        IFEvalCase(
            "startend:quotation", [:],
            "Here it is:\n\"Wrapped in quotes.\"",
            strict: false, loose: true, "preamble line"),
        IFEvalCase(
            "startend:quotation", [:],
            "\"",
            strict: false, loose: false, "a single quote character is too short"),
    ]
}

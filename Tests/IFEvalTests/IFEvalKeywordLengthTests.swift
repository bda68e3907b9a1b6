import JSON
import Testing

@testable import IFEval

/// `keywords:*` and `length_constraints:*`, each in both outcomes and both modes. Expected outcomes
/// were derived from the reference checker's semantics.
@Suite("IFEval keyword and length instructions")
struct IFEvalKeywordLengthTests {
    @Test("checks match the reference", arguments: Self.keywordsAndLength)
    func check(_ c: IFEvalCase) throws { try c.verify() }

    static let keywordsAndLength: [IFEvalCase] = [
        IFEvalCase(
            "keywords:existence", ["keywords": ["apple", "River"]],
            "An Apple a day, by the river.",
            strict: true, loose: true, "both present, any case"),
        IFEvalCase(
            "keywords:existence", ["keywords": ["apple", "river"]],
            "An apple a day.",
            strict: false, loose: false, "one missing"),
        IFEvalCase(
            "keywords:existence", ["keywords": ["pineapple"]],
            "I like pine*apple* juice.",
            strict: false, loose: true, "asterisks split the word"),
        IFEvalCase(
            "keywords:frequency", ["keyword": "data", "frequency": 3, "relation": "at least"],
            "Data beats opinions. More data, better data.",
            strict: true, loose: true, "3 occurrences"),
        IFEvalCase(
            "keywords:frequency", ["keyword": "data", "frequency": 3, "relation": "at least"],
            "Data beats opinions.",
            strict: false, loose: false, "1 occurrence"),
        IFEvalCase(
            "keywords:frequency", ["keyword": "sure", "frequency": 1, "relation": "less than"],
            "Sure, here you go.\nThe plan is ready.",
            strict: false, loose: true, "first line holds the keyword"),
        IFEvalCase(
            "keywords:frequency", ["keyword": "aa", "frequency": 2, "relation": "at least"],
            "aaa",
            strict: false, loose: false, "non-overlapping count"),
        IFEvalCase(
            "keywords:forbidden_words", ["forbidden_words": ["bad", "awful"]],
            "It was a badge of honour.",
            strict: true, loose: true, "substring of a longer word is fine"),
        IFEvalCase(
            "keywords:forbidden_words", ["forbidden_words": ["bad", "awful"]],
            "That was BAD.",
            strict: false, loose: false, "whole word, any case"),
        IFEvalCase(
            "keywords:forbidden_words", ["forbidden_words": ["certainly"]],
            "Certainly! Here it is.\nThe answer is four.",
            strict: false, loose: true, "only in the first line"),
        IFEvalCase(
            "keywords:letter_frequency", ["letter": "z", "let_frequency": 2, "let_relation": "at least"],
            "Zebras zigzag.",
            strict: true, loose: true, "three z"),
        IFEvalCase(
            "keywords:letter_frequency", ["letter": "z", "let_frequency": 2, "let_relation": "at least"],
            "Zebras run.",
            strict: false, loose: false, "one z"),
        IFEvalCase(
            "keywords:letter_frequency", ["letter": "e", "let_frequency": 3, "let_relation": "less than"],
            "Here we see.\nOk now.",
            strict: false, loose: true, "the e's are in the first line"),
        IFEvalCase(
            "keywords:letter_frequency", ["letter": "Q", "let_frequency": 1, "let_relation": "at least"],
            "quiet",
            strict: true, loose: true, "letter is lowercased"),
        IFEvalCase(
            "length_constraints:number_sentences", ["num_sentences": 3, "relation": "less than"],
            "One. Two.",
            strict: true, loose: true, "2 sentences"),
        IFEvalCase(
            "length_constraints:number_sentences", ["num_sentences": 3, "relation": "less than"],
            "One. Two. Three. Four.",
            strict: false, loose: false, "4 sentences"),
        IFEvalCase(
            "length_constraints:number_sentences", ["num_sentences": 2, "relation": "less than"],
            "Sure. Here it is.\nThe answer is yes.",
            strict: false, loose: true, "first line has 2 sentences"),
        IFEvalCase(
            "length_constraints:number_sentences", ["num_sentences": 2, "relation": "at least"],
            "Mr. Smith met Dr. Jones at 5 p.m. today. They talked.",
            strict: true, loose: true, "abbreviations do not end sentences"),
        IFEvalCase(
            "length_constraints:number_paragraphs", ["num_paragraphs": 2],
            "First part.\n***\nSecond part.",
            strict: true, loose: true, "one divider"),
        IFEvalCase(
            "length_constraints:number_paragraphs", ["num_paragraphs": 2],
            "Only one paragraph.",
            strict: false, loose: false, "no divider"),
        IFEvalCase(
            "length_constraints:number_paragraphs", ["num_paragraphs": 2],
            "Here you go:\n***\nFirst.\n***\nSecond.",
            strict: false, loose: true, "preamble before the first divider"),
        IFEvalCase(
            "length_constraints:number_paragraphs", ["num_paragraphs": 2],
            "A\n***\n***\nB",
            strict: false, loose: false, "empty paragraph between dividers"),
        IFEvalCase(
            "length_constraints:number_words", ["num_words": 5, "relation": "at least"],
            "This sentence has exactly six words.",
            strict: true, loose: true, "6 words"),
        IFEvalCase(
            "length_constraints:number_words", ["num_words": 5, "relation": "less than"],
            "This sentence has exactly six words.",
            strict: false, loose: false, "6 words"),
        IFEvalCase(
            "length_constraints:number_words", ["num_words": 5, "relation": "less than"],
            "Sure, here is my short answer.\nNo thanks.",
            strict: false, loose: true, "first line holds most words"),
        IFEvalCase(
            "length_constraints:number_words", ["num_words": 4, "relation": "at least"],
            "don't stop-now",
            strict: true, loose: true, "punctuation splits words: don, t, stop, now"),
        IFEvalCase(
            "length_constraints:nth_paragraph_first_word", ["num_paragraphs": 2, "nth_paragraph": 2, "first_word": "Then"],
            "First we plan.\n\n\"Then, we act.\"",
            strict: true, loose: true, "quote and comma stripped"),
        IFEvalCase(
            "length_constraints:nth_paragraph_first_word", ["num_paragraphs": 2, "nth_paragraph": 2, "first_word": "then"],
            "First we plan.\n\nNext we act.",
            strict: false, loose: false, "wrong first word"),
        IFEvalCase(
            "length_constraints:nth_paragraph_first_word", ["num_paragraphs": 2, "nth_paragraph": 1, "first_word": "alpha"],
            "Sure, here it is.\n\nAlpha one.\n\nBeta two.",
            strict: false, loose: true, "preamble paragraph"),
    ]
}

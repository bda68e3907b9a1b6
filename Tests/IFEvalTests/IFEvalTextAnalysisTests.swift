import Testing

@testable import IFEval

/// Sentence splitting, word counting and all-capital word counting on ordinary English and other
/// languages. Expected values follow NLTK's Punkt sentence tokenizer, `RegexpTokenizer(r"\w+")` and
/// `word_tokenize` as the reference uses them.
@Suite("IFEval text analysis")
struct IFEvalTextAnalysisTests {
    static let sentences: [(String, [String])] = [
        ("Hello world. How are you? I'm fine!", ["Hello world.", "How are you?", "I'm fine!"]),
        ("Mr. Smith arrived at 5 p.m. on Friday. He left early.",
         ["Mr. Smith arrived at 5 p.m. on Friday.", "He left early."]),
        ("I paid $3.50 for coffee. It was cold.", ["I paid $3.50 for coffee.", "It was cold."]),
        ("See e.g. the appendix. Then continue.", ["See e.g. the appendix.", "Then continue."]),
        ("Use the U.S. Postal Service. It is slow.", ["Use the U.S. Postal Service.", "It is slow."]),
        ("J. R. R. Tolkien wrote books. They are long.", ["J. R. R. Tolkien wrote books.", "They are long."]),
        ("Wait... What happened?", ["Wait...", "What happened?"]),
        ("He said \"Stop.\" Then he left.", ["He said \"Stop.\"", "Then he left."]),
        ("(This is inside.) This is outside.", ["(This is inside.)", "This is outside."]),
        ("Really?! Yes.", ["Really?!", "Yes."]),
        ("It costs 5 dollars. the next one is lowercase.", ["It costs 5 dollars.", "the next one is lowercase."]),
        ("Visit example.com today. Thanks.", ["Visit example.com today.", "Thanks."]),
        ("Lists:\n1. First item\n2. Second item", ["Lists:\n1.", "First item\n2.", "Second item"]),
        ("**Title.**\n\nBody text here. More text.", ["**Title.", "**\n\nBody text here.", "More text."]),
        ("no punctuation at all", ["no punctuation at all"]),
        ("The end.   ", ["The end."]),
        ("", []),
        ("Hola. ¿Cómo estás? Muy bien.", ["Hola.", "¿Cómo estás?", "Muy bien."]),
        ("Guten Tag! Wie geht's? Gut.", ["Guten Tag!", "Wie geht's?", "Gut."]),
        ("Ceci est une phrase. En voici une autre ! Et une troisième ?",
         ["Ceci est une phrase.", "En voici une autre !", "Et une troisième ?"]),
        ("Привет. Как дела? Хорошо!", ["Привет.", "Как дела?", "Хорошо!"]),
        ("这是第一句。这是第二句。", ["这是第一句。这是第二句。"]),
    ]

    @Test("sentence splitting", arguments: Self.sentences)
    func sentenceSplitting(_ text: String, _ expected: [String]) {
        #expect(IFEval.SentenceSplitter.split(text) == expected)
        #expect(withTestBytes(text) { IFEval.SentenceSplitter.count($0) } == expected.count)
    }

    static let words: [(String, Int)] = [
        ("Hello, world!", 2),
        ("I have 2 cats and 10 dogs.", 7),
        ("don't", 2),
        ("state-of-the-art", 4),
        ("3.14 is pi", 4),
        ("snake_case_name", 1),
        ("   ", 0),
        ("Ünïcödé wörds", 2),
        ("Café—crème; naïve?", 3),
        ("Привет, мир", 2),
        ("नमस्ते दुनिया", 2),
        ("日本語のテキスト", 1),
        ("e\u{301}te\u{301}", 1),
        ("x² + y²", 2),
    ]

    @Test("word counting", arguments: Self.words)
    func wordCounting(_ text: String, _ expected: Int) {
        #expect(withTestBytes(text) { IFEval.WordCounter.count($0) } == expected)
    }

    static let capitalWords: [(String, Int)] = [
        ("I DON'T KNOW", 4),
        ("I'M HERE", 3),
        ("It's OK", 1),
        ("NASA and the U.S. ARMY", 3),
        ("WELL-KNOWN fact", 1),
        ("**BOLD** text", 1),
        ("CANNOT", 2),
        ("HELLO, WORLD!", 2),
        ("ÉCOLE française", 1),
        ("nothing here", 0),
    ]

    @Test("all-capital word counting", arguments: Self.capitalWords)
    func capitalWordCounting(_ text: String, _ expected: Int) {
        #expect(withTestBytes(text) { IFEval.CapitalWords.count($0) } == expected)
    }

    static let json: [(String, Bool)] = [
        ("{\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\"]}", true),
        ("[]", true),
        ("42", true),
        ("-Infinity", true),
        ("\"text\"", true),
        ("{\"a\": 1,}", false),
        ("{'a': 1}", false),
        ("01", false),
        ("1.", false),
        ("\"tab\there\"", false),
        ("{\"a\": 1} {\"b\": 2}", false),
        ("", false),
    ]

    @Test("JSON syntax as Python's json.loads accepts it", arguments: Self.json)
    func jsonSyntax(_ text: String, _ valid: Bool) {
        #expect(withTestBytes(text) { IFEval.JSONSyntax.isValid($0, 0..<$0.count) } == valid)
    }
}

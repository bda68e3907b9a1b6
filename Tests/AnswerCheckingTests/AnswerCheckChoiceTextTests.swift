import Testing

@testable import AnswerChecking

/// Multiple-choice letters, plain text, and the choice of rules by `kind`.
@Suite("AnswerCheck choices and text")
struct AnswerCheckChoiceTextTests {
    static let choices: [AnswerPair] = [
        AnswerPair("(B)", "B", true),
        AnswerPair("B)", "B", true),
        AnswerPair(#"\text{(B)}"#, "B", true),
        AnswerPair(#"\textbf{(B)}"#, "(B)", true),
        AnswerPair("B", "B", true),
        AnswerPair("B.", "B", true),
        AnswerPair("B", "C", false),
        AnswerPair("(C)", #"\text{(B)}"#, false),
        AnswerPair(#"\text{C}"#, "C", true),
        AnswerPair("(a)", "A", true),
        AnswerPair("(B) 42", "B", true),
        AnswerPair("B) 42", "B", true),
        AnswerPair("(D) 42", "B", false),
        AnswerPair("42", "B", false),
        AnswerPair("answer: b", "B", true, kind: .choice),
        AnswerPair("Option C", "C", true, kind: .choice),
        AnswerPair("c", "C", true, kind: .choice),
        AnswerPair("C", "A", false, kind: .choice),
        AnswerPair("banana", "B", false, kind: .choice),
    ]

    @Test("choice letters", arguments: Self.choices)
    func choice(_ p: AnswerPair) {
        let v = AnswerChecker.check(answer: p.answer, reference: p.reference, kind: p.kind)
        #expect(v.equivalent == p.equivalent, "\(v.reason)")
    }

    static let texts: [AnswerPair] = [
        AnswerPair("Yes.", "yes", true),
        AnswerPair("Yes", "No", false),
        AnswerPair(#"\text{No solution}"#, "no solution", true),
        AnswerPair(#"\text{Evelyn}"#, "Evelyn", true),
        AnswerPair(#"\text{Monday}"#, #"\text{Tuesday}"#, false),
        AnswerPair("The Monday", "monday", true),
        AnswerPair("five", "5", false),
        AnswerPair("  hello,   WORLD!  ", "hello world", true),
        AnswerPair("don't know", "dont know", true),
        AnswerPair("x - 1", "x-1", true, kind: .text),
        AnswerPair("x - 1", "x+1", false, kind: .text),
        AnswerPair("1/2", "0.5", false, kind: .text),
        AnswerPair("Paris", "paris", true, kind: .text),
    ]

    @Test("plain text", arguments: Self.texts)
    func text(_ p: AnswerPair) { p.verify() }

    @Test("auto treats a lone capital reference as a choice, a lowercase one as a variable")
    func autoChoice() {
        #expect(AnswerChecker.check(answer: "(A)", reference: "A", kind: .auto).normalizedReference == "choice A")
        #expect(!AnswerChecker.check(answer: "A", reference: "a", kind: .auto).equivalent)
        #expect(AnswerChecker.check(answer: "a", reference: "a", kind: .auto).equivalent)
    }

    @Test("empty inputs are never equivalent")
    func empty() {
        #expect(!AnswerChecker.check(answer: "", reference: "5", kind: .auto).equivalent)
        #expect(!AnswerChecker.check(answer: "5", reference: "  ", kind: .auto).equivalent)
        #expect(!AnswerChecker.check(answer: "", reference: "", kind: .text).equivalent)
    }

    @Test("AnswerKind round-trips through its raw value")
    func kinds() {
        for k in [AnswerKind.auto, .number, .expression, .choice, .text] {
            #expect(AnswerKind(rawValue: k.rawValue) == k)
        }
        #expect(AnswerKind(rawValue: "bogus") == nil)
    }
}

import Testing

@testable import AnswerChecking

/// Finding the final answer in a worked solution.
@Suite("AnswerCheck extraction")
struct AnswerCheckExtractionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let solution: String
        let answer: String?
        let method: String?
        init(_ solution: String, _ answer: String?, _ method: String?) {
            self.solution = solution
            self.answer = answer
            self.method = method
        }
        var testDescription: String { "\(solution.prefix(60)) → \(answer ?? "nil")" }
    }

    static let cases: [Case] = [
        // \boxed{}: nested braces, the last one wins, \fbox, spaces, unclosed boxes are ignored.
        Case(#"So the answer is $\boxed{42}$."#, "42", "boxed"),
        Case(#"We get \boxed{\frac{\sqrt{3}}{2}}."#, #"\frac{\sqrt{3}}{2}"#, "boxed"),
        Case(#"\boxed{\left\{1, 2\right\}}"#, #"\left\{1, 2\right\}"#, "boxed"),
        Case(#"First \boxed{1}, then corrected: \boxed{2}"#, "2", "boxed"),
        Case(#"\boxed{ {1,2} }"#, "{1,2}", "boxed"),
        Case(#"Answer: \fbox{7}"#, "7", "boxed"),
        Case(#"\boxed 5$ done"#, "5", "boxed"),
        Case(#"\boxed{3} and later \boxed{4"#, "3", "boxed"),
        Case(#"\boxed{\text{(B)}}"#, #"\text{(B)}"#, "boxed"),
        Case(#"\boxed{x \in \{1\}}"#, #"x \in \{1\}"#, "boxed"),
        Case("The answer is \\boxed{5}\n#### 6", "5", "boxed"),
        // GSM8K.
        Case("Natalia sold 48/2 = 24 clips in May.\n#### 72", "72", "gsm8k"),
        Case("It costs $1,234 in total.\n#### 1,234", "1,234", "gsm8k"),
        Case("#### -3.5\n", "-3.5", "gsm8k"),
        // MetaMath "The answer is".
        Case("Thus 2+3=5.\nThe answer is: 5", "5", "the answer is"),
        Case("The answer is: 5.", "5", "the answer is"),
        Case("so THE ANSWER IS 3.5. Next we check.", "3.5", "the answer is"),
        Case(#"The final answer is $\frac{1}{2}$. I hope"#, #"$\frac{1}{2}$"#, "the answer is"),
        Case("The answer is (B)\nbecause", "(B)", "the answer is"),
        // The last number.
        Case("I think 12 and then 15.5 maybe", "15.5", "last number"),
        Case("The total is 1,234 apples", "1,234", "last number"),
        Case("temperature drops to -7 degrees", "-7", "last number"),
        Case("a ratio of 3/4 overall", "3/4", "last number"),
        // Nothing.
        Case("I have no idea.", nil, nil),
        Case("", nil, nil),
        Case(#"\boxed{}"#, nil, nil),
    ]

    @Test("extracts the final answer", arguments: Self.cases)
    func extract(_ c: Case) {
        let r = AnswerChecker.extract(from: c.solution)
        #expect(r?.answer == c.answer)
        #expect(r?.method == c.method)
    }

    struct SolutionCase: CustomTestStringConvertible, Sendable {
        let solution: String
        let reference: String
        let equivalent: Bool
        init(_ solution: String, _ reference: String, _ equivalent: Bool) {
            self.solution = solution
            self.reference = reference
            self.equivalent = equivalent
        }
        var testDescription: String { "\(solution.prefix(50)) vs \(reference) → \(equivalent)" }
    }

    static let solutions: [SolutionCase] = [
        SolutionCase("Step 1 ... so we have $\\boxed{42}$.", "42", true),
        SolutionCase("Step 1 ... so we have $\\boxed{41}$.", "42", false),
        SolutionCase("She pays 1,000 + 234.\n#### 1,234", "1234", true),
        SolutionCase("She pays 1,000 + 233.\n#### 1,233", "1234", false),
        SolutionCase("Adding gives 5.\nThe answer is: 5.", "5", true),
        SolutionCase("Adding gives 6.\nThe answer is: 6.", "5", false),
        SolutionCase(#"First \boxed{1}, on reflection \boxed{\frac{1}{2}}"#, "0.5", true),
        SolutionCase(#"First \boxed{\frac{1}{2}}, on reflection \boxed{1}"#, "0.5", false),
        SolutionCase(#"Hence $\boxed{\dfrac{\sqrt{3}}{2}}$"#, #"\frac{1}{2}\sqrt{3}"#, true),
        SolutionCase(#"Hence $\boxed{(1, 2]}$"#, "(1,2)", false),
        SolutionCase("The answer is (C).", "C", true),
        SolutionCase("The answer is (D).", "C", false),
        SolutionCase("In total 17 marbles remain", "17", true),
        SolutionCase("No numbers here", "17", false),
    ]

    @Test("checks a solution end to end", arguments: Self.solutions)
    func solution(_ c: SolutionCase) {
        let v = AnswerChecker.check(solution: c.solution, reference: c.reference, kind: .auto)
        #expect(v.equivalent == c.equivalent, "\(v.reason)")
    }

    @Test("a solution verdict carries the extracted answer and method")
    func verdictFields() {
        let v = AnswerChecker.check(solution: "so \\boxed{\\frac{1}{2}} is it", reference: "0.5", kind: .auto)
        #expect(v.equivalent)
        #expect(v.extracted == #"\frac{1}{2}"#)
        #expect(v.normalizedAnswer == "1/2")
        #expect(v.normalizedReference == "1/2")
        #expect(v.reason.hasPrefix("boxed: "))

        let none = AnswerChecker.check(solution: "nothing to see", reference: "0.5", kind: .auto)
        #expect(!none.equivalent)
        #expect(none.extracted == nil)
        #expect(none.normalizedAnswer == "")
        #expect(none.normalizedReference == "1/2")
        #expect(none.reason == "no answer found in the solution")
    }
}

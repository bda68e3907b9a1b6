import Foundation
import Testing

@testable import AnswerChecking

/// Pathological inputs return a verdict, without crashing and quickly: deep nesting, huge exponents,
/// long inputs, unbalanced braces.
@Suite("AnswerCheck robustness")
struct AnswerCheckRobustnessTests {
    struct Input: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        let reference: String
        var testDescription: String { name }
    }

    static let inputs: [Input] = [
        Input(name: "100k nested parentheses",
              text: String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000), reference: "1"),
        Input(name: "20k nested \\frac",
              text: String(repeating: #"\frac{"#, count: 20_000) + "1" + String(repeating: "}{2}", count: 20_000),
              reference: "1"),
        Input(name: "3k nested \\sqrt",
              text: String(repeating: #"\sqrt{"#, count: 3_000) + "2" + String(repeating: "}", count: 3_000), reference: "2"),
        Input(name: "5k power tower", text: String(repeating: "2^{", count: 5_000) + "2" + String(repeating: "}", count: 5_000),
              reference: "2"),
        Input(name: "100k unary minus", text: String(repeating: "-", count: 100_000) + "5", reference: "5"),
        Input(name: "200k unclosed \\boxed", text: String(repeating: #"\boxed{"#, count: 200_000), reference: "1"),
        Input(name: "100k open braces", text: String(repeating: "{", count: 100_000), reference: "1"),
        Input(name: "100k close braces", text: String(repeating: "}", count: 100_000), reference: "1"),
        Input(name: "100k bars", text: String(repeating: "|", count: 100_000), reference: "1"),
        Input(name: "100k nested \\text", text: String(repeating: #"\text{"#, count: 100_000) + "a", reference: "a"),
        Input(name: "2^{10^9}", text: "2^{10^9}", reference: "3^{10^9}"),
        Input(name: "2^{10^{100}}", text: "2^{10^{100}}", reference: "2"),
        Input(name: "(x+1)^{10^9}", text: "(x+1)^{1000000000}", reference: "x"),
        Input(name: "1000000!", text: "1000000!", reference: "1"),
        Input(name: "huge binomial", text: #"\binom{1000000}{500000}"#, reference: "1"),
        Input(name: "sqrt of a 17-digit number", text: #"\sqrt{99999999999999999}"#, reference: "316227766.01683793"),
        Input(name: "50k-term sum", text: String(repeating: "x+", count: 50_000) + "1", reference: "1"),
        Input(name: "50k-element list", text: String(repeating: "1,", count: 50_000) + "1", reference: "1"),
        Input(name: "60-element sets", text: #"\{"# + (1...60).map(String.init).joined(separator: ",") + #"\}"#,
              reference: #"\{"# + (1...60).reversed().map(String.init).joined(separator: ",") + #"\}"#),
        Input(name: "32 sets of 32 elements",
              text: #"\{"# + (0..<32).map { i in #"\{"# + (1...32).map { "\(i * 100 + $0)" }.joined(separator: ",") + #"\}"# }
                .joined(separator: ",") + #"\}"#,
              reference: #"\{"# + (0..<32).map { i in #"\{"# + (1...32).map { "\(i * 100 + $0 + 1)" }.joined(separator: ",") + #"\}"# }
                .joined(separator: ",") + #"\}"#),
        Input(name: "1 MB solution", text: String(repeating: "Some reasoning with 12 and 3/4 here. ", count: 28_000) + #"\boxed{7}"#,
              reference: "7"),
        Input(name: "100k digits", text: String(repeating: "9", count: 100_000), reference: String(repeating: "9", count: 100_000)),
        Input(name: "1e999999", text: "1e999999", reference: "1e999998"),
        Input(name: "10k '####'", text: String(repeating: "#### ", count: 10_000), reference: "1"),
        Input(name: "10k 'The answer is'", text: String(repeating: "The answer is ", count: 10_000), reference: "1"),
        Input(name: "binary garbage", text: String(decoding: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }, as: UTF8.self),
              reference: "1"),
        Input(name: "lone backslash", text: "\\", reference: "\\"),
        Input(name: "unbalanced \\left", text: #"\left( 1, 2"#, reference: "(1,2)"),
        Input(name: "empty groups", text: "{}{}{}^{}_{}", reference: "1"),
        Input(name: "dangling operators", text: "1+*/^", reference: "1"),
        Input(name: "\\frac with a 30-digit literal", text: #"\frac123456789012345678901234567890"#, reference: "1"),
        Input(name: "x^ with a 25-digit literal", text: "x^9999999999999999999999999", reference: "x"),
        Input(name: "1e-999999", text: "1e-999999", reference: "0"),
        Input(name: "nested absolute values", text: String(repeating: "|x", count: 500) + String(repeating: "|", count: 500),
              reference: "x"),
    ]

    @Test("pathological input returns a verdict quickly", arguments: Self.inputs)
    func pathological(_ input: Input) {
        let start = ContinuousClock.now
        let v1 = AnswerChecker.check(answer: input.text, reference: input.reference, kind: .auto)
        let v2 = AnswerChecker.check(solution: input.text, reference: input.reference, kind: .auto)
        let v3 = AnswerChecker.check(answer: input.reference, reference: input.text, kind: .expression)
        _ = AnswerChecker.extract(from: input.text)
        let elapsed = ContinuousClock.now - start
        #expect(!v1.reason.isEmpty && !v2.reason.isEmpty && !v3.reason.isEmpty)
        // Generous for a shared machine in a debug build; typical times are a few milliseconds.
        #expect(elapsed < .seconds(5), "\(input.name) took \(elapsed)")
    }

    @Test("deep nesting falls back to text instead of recursing without bound")
    func deepNesting() {
        let deep = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        let v = AnswerChecker.check(answer: deep, reference: "1", kind: .auto)
        #expect(!v.equivalent)
        #expect(v.reason.contains("text"))
        // Moderate nesting is still mathematics.
        let ok = String(repeating: "(", count: 30) + "1" + String(repeating: ")", count: 30)
        #expect(AnswerChecker.check(answer: ok, reference: "1", kind: .auto).equivalent)
    }

    @Test("huge powers are not computed exactly")
    func hugePowers() {
        let v = AnswerChecker.check(answer: "2^{10^9}", reference: "3^{10^9}", kind: .auto)
        #expect(!v.equivalent)
        let w = AnswerChecker.check(answer: "2^{10^9}", reference: "2^{10^9}", kind: .auto)
        #expect(w.equivalent)
        #expect(AnswerChecker.check(answer: "2^{64}", reference: "18446744073709551616", kind: .auto).equivalent)
        #expect(AnswerChecker.check(answer: "1^{10^{18}}", reference: "1", kind: .auto).equivalent)
    }

    @Test("checks run concurrently")
    func concurrent() async {
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                group.addTask {
                    AnswerChecker.check(answer: "\(i)x + 1", reference: "1 + \(i)x", kind: .auto).equivalent
                        && AnswerChecker.check(solution: "so \\boxed{\(i)}", reference: "\(i)", kind: .auto).equivalent
                }
            }
            var all: [Bool] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 64 && results.allSatisfy { $0 })
    }
}

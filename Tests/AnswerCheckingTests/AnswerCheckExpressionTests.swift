import Testing

@testable import AnswerChecking

/// Radicals, π and algebraic expressions, in both outcomes.
@Suite("AnswerCheck expressions")
struct AnswerCheckExpressionTests {
    static let constants: [AnswerPair] = [
        AnswerPair(#"\sqrt{2}"#, #"2^{1/2}"#, true),
        AnswerPair(#"\sqrt{2}"#, "1.414", false),
        AnswerPair(#"\sqrt{2}"#, "1.4142135623730951", true),
        AnswerPair(#"2\sqrt{3}"#, #"\sqrt{12}"#, true),
        AnswerPair(#"2\sqrt{3}"#, #"\sqrt{6}"#, false),
        AnswerPair(#"\frac{\sqrt{3}}{2}"#, #"\frac{1}{2}\sqrt{3}"#, true),
        AnswerPair(#"\frac{\sqrt{3}}{2}"#, #"\sqrt{3}/3"#, false),
        AnswerPair(#"\frac{\sqrt{2}}{2}"#, #"\frac{1}{\sqrt{2}}"#, true),
        AnswerPair(#"\sqrt{\frac{1}{2}}"#, #"\frac{\sqrt{2}}{2}"#, true),
        AnswerPair(#"\frac{5}{\sqrt{2}}"#, #"\frac{5\sqrt{2}}{2}"#, true),
        AnswerPair(#"\frac{1}{1+\sqrt{2}}"#, #"\sqrt{2}-1"#, true),
        AnswerPair(#"\frac{1}{1+\sqrt{2}}"#, #"\sqrt{2}+1"#, false),
        AnswerPair(#"\sqrt2"#, #"\sqrt{2}"#, true),
        AnswerPair(#"\sqrt[3]{8}"#, "2", true),
        AnswerPair(#"\sqrt[3]{-8}"#, "-2", true),
        AnswerPair(#"\sqrt[3]{9}"#, "2", false),
        AnswerPair("sqrt(8)", #"2\sqrt2"#, true),
        AnswerPair("√8", #"2\sqrt2"#, true),
        AnswerPair(#"\pi/2"#, #"\frac{\pi}{2}"#, true),
        AnswerPair(#"\pi/2"#, #"\frac{\pi}{3}"#, false),
        AnswerPair(#"\frac{3\pi}{4}"#, #"0.75\pi"#, true),
        AnswerPair("2π", #"2\pi"#, true),
        AnswerPair("pi/2", #"\frac{\pi}{2}"#, true),
        AnswerPair("3.14", #"\pi"#, false),
        AnswerPair(#"4\pi\sqrt{3}"#, #"\sqrt{48}\pi"#, true),
        AnswerPair(#"\pi^2"#, #"\pi\cdot\pi"#, true),
        AnswerPair(#"\log_2 8"#, "3", true),
        AnswerPair(#"\log_2 8"#, "4", false),
        AnswerPair(#"\ln(e^2)"#, "2", true),
        AnswerPair("5!", "120", true),
        AnswerPair("5!", "24", false),
        AnswerPair(#"\binom{5}{2}"#, "10", true),
        AnswerPair(#"\dbinom{6}{3}"#, "10", false),
        AnswerPair(#"\lfloor 3.7 \rfloor"#, "3", true),
        AnswerPair(#"\lceil 3.2 \rceil"#, "4", true),
        AnswerPair(#"\left| -3 \right|"#, "3", true),
        AnswerPair("|-3|", "-3", false),
        AnswerPair(#"\infty"#, #"\infty"#, true),
        AnswerPair(#"\infty"#, #"-\infty"#, false),
    ]

    @Test("constants: radicals, π, functions", arguments: Self.constants)
    func constant(_ p: AnswerPair) { p.verify() }

    static let expressions: [AnswerPair] = [
        AnswerPair("2x+1", "1+2x", true),
        AnswerPair("2x+1", "2x-1", false),
        AnswerPair("x^2-1", "(x-1)(x+1)", true),
        AnswerPair("x^2-1", "(x-1)^2", false),
        AnswerPair(#"\frac{x}{2}"#, "0.5x", true),
        AnswerPair(#"\frac{x}{2}"#, "2x", false),
        AnswerPair(#"\frac{1}{2}x"#, #"\frac{x}{2}"#, true),
        AnswerPair(#"3 \cdot x"#, "3x", true),
        AnswerPair(#"3 \times x"#, "x3", true),
        AnswerPair(#"3 \times x"#, "x + 3", false),
        AnswerPair("x*y", "xy", true),
        AnswerPair("x y", "yx", true),
        AnswerPair("xy", "x+y", false),
        AnswerPair("2(x+1)", "2x+2", true),
        AnswerPair("(x+1)2", "2x+2", true),
        AnswerPair("2(x+1)", "2x+1", false),
        AnswerPair("a^2+2ab+b^2", "(a+b)^2", true),
        AnswerPair("a^2+b^2", "(a+b)^2", false),
        AnswerPair(#"\frac{a+b}{2}"#, #"\frac{a}{2}+\frac{b}{2}"#, true),
        AnswerPair(#"\frac{x+1}{x-1}"#, #"\frac{x-1}{x+1}"#, false),
        AnswerPair("x^{-1}", #"\frac1x"#, true),
        AnswerPair("x^2", "x**2", true),
        AnswerPair("x^23", "3x^2", true),
        AnswerPair("x^{23}", "3x^2", false),
        AnswerPair(#"2^{x+1}"#, #"2 \cdot 2^x"#, true),
        AnswerPair("-x^2", "-(x^2)", true),
        AnswerPair("-x^2", "(-x)^2", false),
        AnswerPair(#"\sqrt{x^2}"#, "|x|", true),
        AnswerPair("|x|", "x", false),
        AnswerPair(#"\sin^2 x + \cos^2 x"#, "1", true),
        AnswerPair(#"\cos(2x)"#, #"1-2\sin^2 x"#, true),
        AnswerPair(#"\cos(2x)"#, #"2\cos x"#, false),
        AnswerPair("sin(x)^2", #"\sin^2 x"#, true),
        AnswerPair(#"\sin 2x"#, #"2\sin x\cos x"#, true),
        AnswerPair("e^x", #"\exp(x)"#, true),
        AnswerPair("e^x", "x^e", false),
        AnswerPair(#"2\pi r"#, #"2 r \pi"#, true),
        AnswerPair(#"\pi r^2"#, #"2\pi r"#, false),
        AnswerPair("3+4i", "4i+3", true),
        AnswerPair("x", "y", false),
        AnswerPair("x_1 + x_2", "x_2 + x_1", true),
        AnswerPair("x_1 + x_2", "x_1 + x_3", false),
        AnswerPair(#"\alpha + \beta"#, #"\beta+\alpha"#, true),
        AnswerPair(#"\theta"#, #"2\theta"#, false),
        AnswerPair("x + 1", "x + 1.0000001", false),
        AnswerPair(#"\frac{x^2-1}{x-1}"#, "x+1", true),
        AnswerPair(#"\left(x+1\right)^{2}"#, "x^2+2x+1", true),
        AnswerPair(#"\dfrac{2}{x}"#, #"2x^{-1}"#, true),
    ]

    @Test("expressions: random-point evaluation", arguments: Self.expressions)
    func expression(_ p: AnswerPair) { p.verify() }

    @Test("expressions compare under kind: expression")
    func expressionKind() {
        #expect(AnswerChecker.check(answer: "2x+1", reference: "1+2x", kind: .expression).equivalent)
        #expect(!AnswerChecker.check(answer: "2x+1", reference: "1+3x", kind: .expression).equivalent)
    }

    @Test("normal forms of constants and expressions")
    func normalForms() {
        let cases: [(String, String)] = [
            (#"\frac{\sqrt{3}}{2}"#, "sqrt(3)/2"),
            (#"\sqrt{12}"#, "2*sqrt(3)"),
            (#"\frac{\pi}{2}"#, "pi/2"),
            ("2x+1", "1+2*x"),
            ("1+2x", "1+2*x"),
        ]
        for (input, normal) in cases {
            #expect(AnswerChecker.check(answer: input, reference: "0", kind: .auto).normalizedAnswer == normal, "\(input)")
        }
    }

    @Test("evaluation is deterministic")
    func deterministic() {
        let a = AnswerChecker.check(answer: "2x+1", reference: "2x-1", kind: .auto)
        let b = AnswerChecker.check(answer: "2x+1", reference: "2x-1", kind: .auto)
        #expect(a == b)
    }
}

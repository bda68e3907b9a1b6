import Testing

@testable import AnswerChecking

/// Numbers: integers, decimals, fractions, mixed numbers, separators, percentages, scientific
/// notation, units, degrees, signs and spacing. Every rule in both outcomes.
@Suite("AnswerCheck numbers")
struct AnswerCheckNumberTests {
    static let pairs: [AnswerPair] = [
        // Integers and decimals.
        AnswerPair("42", "42", true),
        AnswerPair("42", "43", false),
        AnswerPair("5", "5.0", true),
        AnswerPair("5", "5.01", false),
        AnswerPair(".75", "0.75", true),
        AnswerPair("007", "7", true),
        AnswerPair("2", "2.0000000001", false),
        AnswerPair("100", "100.0001", false),
        AnswerPair("0.1 + 0.2", "0.3", true),
        AnswerPair("0.1 + 0.2", "0.30000000000000004", false),
        // Fractions: \frac, \dfrac, \tfrac, shorthand, a/b, negative forms.
        AnswerPair(#"\frac{1}{2}"#, "0.5", true),
        AnswerPair(#"\frac{1}{2}"#, "0.51", false),
        AnswerPair(#"\dfrac{3}{4}"#, "0.75", true),
        AnswerPair(#"\tfrac{3}{4}"#, "3/4", true),
        AnswerPair(#"\tfrac{3}{4}"#, "4/3", false),
        AnswerPair(#"\frac12"#, "0.5", true),
        AnswerPair(#"\frac12"#, "12", false),
        AnswerPair(#"\frac{2}{4}"#, #"\frac{1}{2}"#, true),
        AnswerPair(#"-\frac{1}{2}"#, "-0.5", true),
        AnswerPair(#"\frac{-1}{2}"#, #"-\frac12"#, true),
        AnswerPair(#"\frac{-1}{2}"#, #"\frac12"#, false),
        AnswerPair("1/3", "0.333", false),
        AnswerPair("1/3", #"0.\overline{3}"#, true),
        AnswerPair(#"0.1\overline{6}"#, #"\frac{1}{6}"#, true),
        AnswerPair(#"0.\overline{6}"#, #"\frac{1}{6}"#, false),
        // Mixed numbers.
        AnswerPair(#"2\frac{1}{3}"#, #"\frac{7}{3}"#, true),
        AnswerPair(#"2\frac{1}{3}"#, #"\frac{2}{3}"#, false),
        AnswerPair("2 1/3", "7/3", true),
        AnswerPair("2 1/3", "2/3", false),
        AnswerPair(#"-2\frac{1}{3}"#, #"-\frac{7}{3}"#, true),
        AnswerPair(#"2\frac{x}{3}"#, #"\frac{2x}{3}"#, true),
        // Thousands separators.
        AnswerPair("1,000", "1000", true),
        AnswerPair("1,000", "100", false),
        AnswerPair("1{,}000", "1000", true),
        AnswerPair(#"1\,000"#, "1000", true),
        AnswerPair("1,234,567.5", "1234567.5", true),
        AnswerPair("1{,}000{,}000", "1000000", true),
        AnswerPair("1{,}000{,}000", "100000", false),
        AnswerPair("123456789012345678901234567890", "123,456,789,012,345,678,901,234,567,890", true),
        AnswerPair("123456789012345678901234567890", "123456789012345678901234567891", false),
        AnswerPair("1.000000000000000000000000", "1", true),
        AnswerPair("1 000", "1000", false),
        AnswerPair("2 3", "6", false),
        // Percentages: p% equals p and p/100.
        AnswerPair(#"50\%"#, "0.5", true),
        AnswerPair(#"50\%"#, "50", true),
        AnswerPair(#"50\%"#, "5", false),
        AnswerPair("12.5%", #"\frac{1}{8}"#, true),
        AnswerPair("12.5%", "12.5%", true),
        AnswerPair("12.5%", "0.125%", false),
        AnswerPair(#"50 \text{ percent}"#, "0.5", true),
        // Scientific notation.
        AnswerPair(#"1.5\times 10^{3}"#, "1500", true),
        AnswerPair(#"1.5\times 10^{3}"#, "150", false),
        AnswerPair("1.5e3", "1500", true),
        AnswerPair("1.5E-3", "0.0015", true),
        AnswerPair("1.5e3", "1.5e4", false),
        AnswerPair(#"4.2 \cdot 10^{-3}"#, "0.0042", true),
        // Units, currency, \text, \mbox, \mathrm, degrees.
        AnswerPair(#"10 \text{ cm}"#, "10", true),
        AnswerPair(#"10 \text{ cm}"#, "100", false),
        AnswerPair(#"10\mbox{ cm}"#, "10", true),
        AnswerPair(#"10\,\mathrm{cm}"#, "10", true),
        AnswerPair(#"10 \text{ cm}^2"#, "10", true),
        AnswerPair(#"\frac{1}{2}\text{ hours}"#, "0.5", true),
        AnswerPair(#"\text{4 inches}"#, "4", true),
        AnswerPair("6 square units", "6", true),
        AnswerPair(#"\$5"#, "5", true),
        AnswerPair(#"\$5"#, "6", false),
        AnswerPair(#"\$1,000.50"#, "1000.5", true),
        AnswerPair("5 dollars", "5", true),
        AnswerPair("5 dollars", "50", false),
        AnswerPair("10 cm", "10", true),
        AnswerPair("60 mph", "60", true),
        AnswerPair(#"30^\circ"#, "30", true),
        AnswerPair(#"30^{\circ}"#, "30 degrees", true),
        AnswerPair("30°", "30", true),
        AnswerPair(#"30^\circ"#, "60", false),
        AnswerPair(#"\frac{\pi}{6}"#, #"30^\circ"#, false),
        AnswerPair("1011_2", "1011", true),
        // Signs and spacing.
        AnswerPair("-3", "- 3", true),
        AnswerPair("-3", "3", false),
        AnswerPair("+3", "3", true),
        AnswerPair("−3", "-3", true),
        AnswerPair("- - 3", "3", true),
        AnswerPair("  42 ", "42", true),
        AnswerPair("$42$", "42", true),
        AnswerPair(#"\(42\)"#, "42", true),
        AnswerPair(#"\boxed{42}"#, "42", true),
        AnswerPair("42.", "42", true),
        // Equations solved for a variable against a bare value.
        AnswerPair("x = 5", "5", true),
        AnswerPair("x = 5", "6", false),
        AnswerPair(#"\boxed{k=3}"#, "3", true),
    ]

    @Test("number equivalence", arguments: Self.pairs)
    func pair(_ p: AnswerPair) { p.verify() }

    static let numberKindPairs: [AnswerPair] = [
        AnswerPair("5", "5.0", true, kind: .number),
        AnswerPair("5", "6", false, kind: .number),
        AnswerPair(#"\sqrt{2}"#, #"2^{1/2}"#, true, kind: .number),
        AnswerPair("x", "x", false, kind: .number),
        AnswerPair("2x", "x+x", false, kind: .number),
        AnswerPair("(1, 2)", "(1, 2)", true, kind: .number),
    ]

    @Test("kind: number rejects variables", arguments: Self.numberKindPairs)
    func numberKind(_ p: AnswerPair) { p.verify() }

    @Test("normal forms of numbers")
    func normalForms() {
        let cases: [(String, String)] = [
            (#"\frac{1}{2}"#, "1/2"),
            ("0.5", "1/2"),
            ("1,234", "1234"),
            (#"50\%"#, "50%"),
            (#"2\frac{1}{3}"#, "7/3"),
            (#"1.5\times 10^{3}"#, "1500"),
            ("123456789012345678901234567890", "123456789012345678901234567890"),
        ]
        for (input, normal) in cases {
            let v = AnswerChecker.check(answer: input, reference: input, kind: .auto)
            #expect(v.normalizedAnswer == normal, "\(input)")
            #expect(v.equivalent)
        }
    }

    @Test("percent rule is explained in the reason")
    func percentReason() {
        let v = AnswerChecker.check(answer: #"50\%"#, reference: "0.5", kind: .auto)
        #expect(v.reason.contains("hundredths"))
        let w = AnswerChecker.check(answer: #"50\%"#, reference: "50", kind: .auto)
        #expect(w.reason.contains("percent sign ignored"))
    }
}

import Testing

@testable import AnswerChecking

/// Answers as users send them: a bare answer in `solution` is compared whole, a worked-solution reference
/// has its answer extracted, and each side reports how it was read.
@Suite("AnswerCheck sides")
struct AnswerCheckSidesTests {
    struct Extract: CustomTestStringConvertible, Sendable {
        let text: String
        let answer: String?
        let source: AnswerSource?
        init(_ text: String, _ answer: String?, _ source: AnswerSource?) {
            self.text = text
            self.answer = answer
            self.source = source
        }
        var testDescription: String { "\(text.prefix(50)) → \(answer ?? "nil") (\(source?.rawValue ?? "-"))" }
    }

    static let solutions: [Extract] = [
        // A bare answer is taken whole.
        Extract(#"\frac{1}{2}"#, #"\frac{1}{2}"#, .whole),
        Extract(#"  $\frac{1}{2}$. "#, #"$\frac{1}{2}$."#, .whole),
        Extract(#"\(\dfrac{3}{4}\)"#, #"\(\dfrac{3}{4}\)"#, .whole),
        Extract("1/2", "1/2", .whole),
        Extract("-3", "-3", .whole),
        Extract(#"(1, 2]"#, "(1, 2]", .whole),
        Extract(#"\{1, 2, 3\}"#, #"\{1, 2, 3\}"#, .whole),
        Extract("x = 3", "x = 3", .whole),
        Extract("1 < x < 3", "1 < x < 3", .whole),
        Extract("(B)", "(B)", .whole),
        Extract(#"50\%"#, #"50\%"#, .whole),
        Extract("3 apples", "3 apples", .whole),
        Extract(#"6 \text{ square units}"#, #"6 \text{ square units}"#, .whole),
        Extract(#"2\sqrt{3}"#, #"2\sqrt{3}"#, .whole),
        Extract(#"\frac{\pi}{2}"#, #"\frac{\pi}{2}"#, .whole),
        Extract("x^2 - 1", "x^2 - 1", .whole),
        Extract("2xy", "2xy", .whole),
        Extract(#"\begin{pmatrix} 1 \\ 2 \end{pmatrix}"#, #"\begin{pmatrix} 1 \\ 2 \end{pmatrix}"#, .whole),
        // Words without a number are not an answer found by extraction.
        Extract("No solution", nil, nil),
        Extract("hmm", nil, nil),
        // Prose ending in a math span: the span, when it is one answer and no number follows.
        Extract(#"so the probability is $\frac{3}{4}$."#, #"\frac{3}{4}"#, .lastMath),
        Extract(#"Thus \(x = 2\) and we are done"#, "x = 2", .lastMath),
        Extract(#"The set is $$\{1, 2\}$$"#, #"\{1, 2\}"#, .lastMath),
        Extract(#"We get $2+3=5$."#, "5", .lastNumber),
        Extract(#"It costs \$5 and $x=3$, then 7 more"#, "7", .lastNumber),
        Extract(#"Final: \frac{3}{4}"#, "4", .lastNumber),
        // Prose keeps the last-number rule.
        Extract("so it is 5", "5", .lastNumber),
        Extract("48/2 = 24", "24", .lastNumber),
        Extract("I think 12 and then 15.5 maybe", "15.5", .lastNumber),
        Extract("The total is 1,234 apples", "1,234", .lastNumber),
        Extract("Answer: 7", "7", .lastNumber),
        Extract("He ate 3 of the 4 pies", "4", .lastNumber),
        // Markers still win.
        Extract(#"\frac{1}{2} so \boxed{3}"#, "3", .boxed),
        Extract("12\n#### 18", "18", .gsm8k),
        // Nothing.
        Extract("I have no idea.", nil, nil),
        Extract("I give up", nil, nil),
        Extract("", nil, nil),
    ]

    @Test("a solution with no marker is taken whole when it is one bare answer", arguments: Self.solutions)
    func solution(_ c: Extract) {
        let r = AnswerChecker.extractAnswer(from: c.text)
        #expect(r?.answer == c.answer)
        #expect(r?.source == c.source)
        #expect(AnswerChecker.extract(from: c.text)?.method == c.source?.rawValue)
    }

    struct Reference: CustomTestStringConvertible, Sendable {
        let text: String
        let form: ReferenceForm
        let answer: String?
        let source: AnswerSource?
        init(_ text: String, _ form: ReferenceForm, _ answer: String?, _ source: AnswerSource?) {
            self.text = text
            self.form = form
            self.answer = answer
            self.source = source
        }
        var testDescription: String { "\(text.prefix(50)) [\(form.rawValue)] → \(answer ?? "nil")" }
    }

    static let references: [Reference] = [
        Reference("Natalia sold 48/2 = 24 clips in May.\n#### 72", .auto, "72", .gsm8k),
        Reference(#"Adding, we get $\boxed{\frac{3}{4}}$."#, .auto, #"\frac{3}{4}"#, .boxed),
        Reference("So 2 + 3 = 5.\nThe answer is: 5", .auto, "5", .theAnswerIs),
        Reference(#"\frac{1}{2}"#, .auto, #"\frac{1}{2}"#, .given),
        Reference("She has 5 apples", .auto, "She has 5 apples", .given),
        Reference("#### 5", .answer, "#### 5", .given),
        Reference("She has 5 apples in all", .solution, "5", .lastNumber),
        Reference(#"\frac{1}{2}"#, .solution, #"\frac{1}{2}"#, .whole),
        Reference("no idea at all", .solution, nil, nil),
    ]

    @Test("a reference is read as an answer or a worked solution", arguments: Self.references)
    func reference(_ c: Reference) {
        let r = AnswerChecker.readReference(c.text, as: c.form)
        #expect(r?.answer == c.answer)
        #expect(r?.source == c.source)
    }

    @Test("the verdict says how each side was read")
    func verdictSides() {
        let bare = AnswerChecker.check(solution: #"\frac{1}{2}"#, reference: "0.5")
        #expect(bare.equivalent, "\(bare.reason)")
        #expect(bare.extraction == .whole)
        #expect(bare.extracted == #"\frac{1}{2}"#)
        #expect(bare.referenceExtraction == .given)
        #expect(bare.extractedReference == nil)
        #expect(bare.reason.hasPrefix("whole: "))

        // Whole answers that name what they give: a unit over a one-letter unit, a segment's name.
        for (solution, reference) in [("5 km/h", "5"), ("60 km/h", "60"), ("AB = 12", "12"), ("BC = \\sqrt{2}", "\\sqrt2")] {
            let v = AnswerChecker.check(solution: solution, reference: reference)
            #expect(v.equivalent && v.extraction == .whole, "\(solution): \(v.reason)")
        }
        #expect(!AnswerChecker.check(solution: "AB = 12", reference: "13").equivalent)
        #expect(!AnswerChecker.check(solution: "xy = 6", reference: "x").equivalent)

        // The report's example: before, `\frac{1}{2}` was read as `2`.
        #expect(!AnswerChecker.check(solution: #"\frac{1}{2}"#, reference: "2").equivalent)

        let gsm = AnswerChecker.check(answer: "18", reference: "Janet sells 16 - 3 - 4 = 9 eggs.\n#### 18")
        #expect(gsm.equivalent, "\(gsm.reason)")
        #expect(gsm.extraction == .given)
        #expect(gsm.referenceExtraction == .gsm8k)
        #expect(gsm.extractedReference == "18")
        #expect(gsm.normalizedReference == "18")

        let both = AnswerChecker.check(solution: #"so $\boxed{0.75}$"#, reference: #"Thus \boxed{\frac34}."#)
        #expect(both.equivalent, "\(both.reason)")
        #expect(both.extraction == .boxed)
        #expect(both.referenceExtraction == .boxed)

        let asGiven = AnswerChecker.check(answer: "5", reference: "#### 5", referenceForm: .answer)
        #expect(asGiven.referenceExtraction == .given)
        #expect(asGiven.extractedReference == nil)

        let noReference = AnswerChecker.check(answer: "5", reference: "nothing here", referenceForm: .solution)
        #expect(!noReference.equivalent)
        #expect(noReference.referenceExtraction == nil)
        #expect(noReference.reason == "no answer found in the reference")

        let noAnswer = AnswerChecker.check(solution: "I have no idea.", reference: "#### 5")
        #expect(!noAnswer.equivalent)
        #expect(noAnswer.extraction == nil)
        #expect(noAnswer.referenceExtraction == .gsm8k)
        #expect(noAnswer.normalizedReference == "5")
    }

    // MARK: A labelled set

    /// One pair labelled by construction: `answer` is what a user puts in `solution` or in `answer`.
    struct Labelled {
        let answer: String
        let reference: String
        let equivalent: Bool
        let family: String
    }

    /// A few hundred pairs from templates with seeded numbers: bare answers of many shapes (fractions,
    /// negatives, decimals, percentages, intervals, sets, tuples, choices, equations, radicals,
    /// expressions), worked-solution references (GSM8K's `#### N`, boxed, "The answer is"), worked
    /// candidates with markers, and prose candidates without one; each with a true and a false partner.
    static func labelledSet() -> [Labelled] {
        var rng = SeededRandom(seed: 17)
        var out: [Labelled] = []
        func add(_ a: String, _ r: String, _ eq: Bool, _ family: String) {
            out.append(Labelled(answer: a, reference: r, equivalent: eq, family: family))
        }
        for _ in 0..<20 {
            let p = rng.int(1...9), q = rng.int(p + 1...12)
            let g = gcd(p, q), (n, d) = (p / g, q / g)
            let other = n + 1 == d ? n + 2 : n + 1
            add("\\frac{\(p)}{\(q)}", "\\frac{\(n)}{\(d)}", true, "fraction")
            add("\\frac{\(n)}{\(d)}", "\(d)", false, "fraction")
            add("\(n)/\(d)", "\\dfrac{\(n)}{\(d)}", true, "fraction")
            add("$\\dfrac{\(n)}{\(d)}$", "\\frac{\(other)}{\(d)}", false, "fraction")
            add("-\\frac{\(n)}{\(d)}", "\\frac{-\(n)}{\(d)}", true, "fraction")
            add("-\\frac{\(n)}{\(d)}", "\\frac{\(n)}{\(d)}", false, "fraction")
        }
        for _ in 0..<15 {
            let a = rng.int(1...99), b = rng.int(a + 1...120)
            add("(\(a), \(b)]", "(\(a),\(b)]", true, "interval")
            add("(\(a), \(b)]", "(\(a),\(b))", false, "interval")
            add("[\(a), \\infty)", "[\(a),\\infty)", true, "interval")
            add("\\{\(a), \(b)\\}", "\\{\(b),\(a)\\}", true, "set")
            add("(\(a), \(b))", "(\(b), \(a))", false, "tuple")
            add("x = \(a)", "\(a)", true, "equation")
            add("x = \(a)", "\(b)", false, "equation")
        }
        for _ in 0..<15 {
            let k = rng.int(2...9), pct = rng.int(1...99)
            add("\(k)\\sqrt{3}", "\\sqrt{\(k * k * 3)}", true, "radical")
            add("\(k)\\sqrt{2}", "\\sqrt{\(k * k * 3)}", false, "radical")
            add("\\frac{\(k)\\pi}{4}", "\(k)\\pi/4", true, "pi")
            add("\(pct)\\%", "\(pct)", true, "percent")
            add("\(pct)\\%", "\(pct + 1)", false, "percent")
            add("\(k)x + 1", "1 + \(k)x", true, "expression")
            add("\(k)x - 1", "\(k)x + 1", false, "expression")
            add("-\(k)", "-\(k).0", true, "integer")
            add("-\(k)", "\(k)", false, "integer")
            add("\(k) apples", "\(k)", true, "units")
        }
        let letters = ["A", "B", "C", "D", "E"]
        for i in 0..<20 {
            let l = letters[i % 5], m = letters[(i + 1) % 5]
            add("(\(l))", l, true, "choice")
            add("\(l)", "(\(l))", true, "choice")
            add("(\(m))", l, false, "choice")
        }
        for _ in 0..<30 {
            let x = rng.int(2...500), y = rng.int(2...40)
            let work = "She buys \(y) boxes at $\(x) each, so \(y) * \(x) = \(x * y) dollars."
            add("\(x * y)", "\(work)\n#### \(x * y)", true, "gsm8k reference")
            add("\(x * y + 1)", "\(work)\n#### \(x * y)", false, "gsm8k reference")
            add("The total is \(x * y) dollars.\n#### \(x * y)", "\(work)\n#### \(x * y)", true, "gsm8k both")
            let d = y + 1
            let boxed = "Dividing, the share is $\\boxed{\\frac{\(x)}{\(d)}}$."
            let g = gcd(x, d)
            add("\\frac{\(x / g)}{\(d / g)}", boxed, true, "boxed reference")
            add("\\frac{\(x / g + 1)}{\(d / g)}", boxed, false, "boxed reference")
            add("So the answer is \\boxed{\(x)}.", "\(x)", true, "boxed candidate")
            add("We get \(y) first and \(x) in the end.", "\(x)", true, "prose candidate")
            add("We get \(x) first and \(x + y) in the end.", "\(x)", false, "prose candidate")
            add("Thus we get \(x).\nThe answer is: \(x)", "The sum is \(x).\nThe answer is: \(x)", true, "answer-is both")
            add("So the share is $\\frac{\(x)}{\(d)}$.", "\\frac{\(x / g)}{\(d / g)}", true, "math-span candidate")
            add("So the share is $\\frac{\(x)}{\(d)}$.", "\(d)", x == d * d, "math-span candidate")
        }
        return out
    }

    /// The fraction of `set` judged right, with `solution` carrying every candidate, under the new rules
    /// and under the old ones (markers, else the last number; the reference taken as given).
    static func accuracy(_ set: [Labelled], old: Bool, viaSolution: Bool) -> Double {
        var right = 0
        for p in set {
            let v: AnswerVerdict
            if old {
                let form = ReferenceForm.answer
                if viaSolution {
                    let b = Array(p.answer.utf8)
                    let found = AnswerMath.Extraction.marked(b) ?? AnswerMath.Extraction.lastNumber(b).map { ($0, .lastNumber) }
                    v = found.map {
                        AnswerChecker.check(answer: String(decoding: b[$0.0], as: UTF8.self), reference: p.reference, referenceForm: form)
                    } ?? AnswerChecker.check(solution: "", reference: p.reference, referenceForm: form)
                } else {
                    v = AnswerChecker.check(answer: p.answer, reference: p.reference, referenceForm: form)
                }
            } else {
                v = viaSolution
                    ? AnswerChecker.check(solution: p.answer, reference: p.reference)
                    : AnswerChecker.check(answer: p.answer, reference: p.reference)
            }
            if v.equivalent == p.equivalent { right += 1 }
        }
        return Double(right) / Double(set.count)
    }

    @Test("on a labelled set, candidates in solution are judged as well as bare answers")
    func labelled() {
        let set = Self.labelledSet()
        #expect(set.count >= 500)
        // Bare candidates only for the `answer` route: a worked candidate belongs in `solution`.
        let bare = set.filter { !$0.family.hasSuffix("candidate") && !$0.family.hasSuffix("both") }
        let newSolution = Self.accuracy(set, old: false, viaSolution: true)
        let newAnswer = Self.accuracy(bare, old: false, viaSolution: false)
        let oldSolution = Self.accuracy(set, old: true, viaSolution: true)
        let oldAnswer = Self.accuracy(bare, old: true, viaSolution: false)
        print("labelled set: \(set.count) pairs (\(bare.count) bare); solution: \(oldSolution) before, \(newSolution) after; answer: \(oldAnswer) before, \(newAnswer) after")
        #expect(newSolution == 1.0)
        #expect(newAnswer == 1.0)
        for p in set where AnswerChecker.check(solution: p.answer, reference: p.reference).equivalent != p.equivalent {
            let v = AnswerChecker.check(solution: p.answer, reference: p.reference)
            Issue.record("\(p.family): \(p.answer) vs \(p.reference.prefix(60)): \(v.reason)")
        }
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}

/// A small deterministic generator for test data (SplitMix64).
private struct SeededRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}

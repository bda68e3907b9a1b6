import Testing

@testable import AnswerChecking

/// Intervals, tuples, sets, lists, unions, matrices, `±`, equations and inequalities.
@Suite("AnswerCheck structures")
struct AnswerCheckStructureTests {
    static let pairs: [AnswerPair] = [
        // Intervals: open/closed ends must match.
        AnswerPair("(1, 2]", "(1,2]", true),
        AnswerPair("(1,2]", "(1,2)", false),
        AnswerPair("[1,2]", "(1,2)", false),
        AnswerPair(#"[0,\infty)"#, #"[0, \infty)"#, true),
        AnswerPair(#"[0,\infty)"#, #"(0, \infty)"#, false),
        AnswerPair(#"(-\infty, 3)"#, #"\left(-\infty, 3\right)"#, true),
        AnswerPair(#"(-\infty, 3)"#, #"(-\infty, 4)"#, false),
        AnswerPair(#"(\infty, 3)"#, #"(-\infty, 3)"#, false),
        AnswerPair(#"x \in [1,2]"#, "[1,2]", true),
        AnswerPair(#"x \in [1,2]"#, "[1,3]", false),
        AnswerPair(#"(-\infty, 1) \cup (2, \infty)"#, #"(2,\infty)\cup(-\infty,1)"#, true),
        AnswerPair(#"(-\infty, 1) \cup (2, \infty)"#, #"(-\infty,1]\cup(2,\infty)"#, false),
        AnswerPair(#"[\frac{1}{2}, 3)"#, "[0.5, 3)", true),
        // Tuples: ordered.
        AnswerPair("(1,2)", "(1, 2)", true),
        AnswerPair("(1,2)", "(2,1)", false),
        AnswerPair(#"\left(2, \frac{\pi}{3}\right)"#, #"(2, \pi/3)"#, true),
        AnswerPair("(3, -1)", "(3,-1)", true),
        AnswerPair("(3, -1)", "(3, 1)", false),
        AnswerPair("(1, 2, 3)", "(1, 2)", false),
        AnswerPair(#"\langle 1, 2 \rangle"#, "(1, 2)", true),
        AnswerPair("x = (1, 2)", "(1, 2)", true),
        AnswerPair("(2,3)", "2,3", false),
        // Sets: any order; bare lists compare like sets.
        AnswerPair(#"\{1,2\}"#, #"\{2,1\}"#, true),
        AnswerPair(#"\{1,2\}"#, #"\{1,3\}"#, false),
        AnswerPair(#"\left\{ 3, \frac{1}{2} \right\}"#, #"\{0.5, 3\}"#, true),
        AnswerPair(#"\{1, 1, 2\}"#, #"\{1, 2\}"#, true),
        AnswerPair(#"\{\}"#, #"\emptyset"#, true),
        AnswerPair(#"\emptyset"#, #"\{1\}"#, false),
        AnswerPair("2, -3", "-3, 2", true),
        AnswerPair("2, -3", "-3, 3", false),
        AnswerPair("1,2,3", "3,2,1", true),
        AnswerPair(#"\{1, 2\}"#, "2, 1", true),
        AnswerPair(#"2 \text{ and } 3"#, "3, 2", true),
        AnswerPair("2 or 3", "2, 4", false),
        AnswerPair(#"x = 2 \text{ or } x = 3"#, "2, 3", true),
        AnswerPair("a = 1, b = 2", "b = 2, a = 1", true),
        AnswerPair("a = 1, b = 2", "a = 2, b = 1", false),
        // ± expands to both signs.
        AnswerPair(#"1\pm\sqrt{2}"#, #"1+\sqrt2, 1-\sqrt2"#, true),
        AnswerPair(#"1\pm\sqrt{2}"#, #"1+\sqrt2"#, false),
        AnswerPair(#"\pm 2"#, "2, -2", true),
        AnswerPair(#"\frac{-1 \pm \sqrt{5}}{2}"#, #"\frac{-1+\sqrt5}{2}, \frac{-1-\sqrt5}{2}"#, true),
        AnswerPair(#"x = \pm 3"#, "x = 3, x = -3", true),
        // Matrices and vectors.
        AnswerPair(#"\begin{pmatrix} 1 \\ 2 \end{pmatrix}"#, #"\begin{pmatrix}1\\2\end{pmatrix}"#, true),
        AnswerPair(#"\begin{pmatrix} 1 \\ 2 \end{pmatrix}"#, #"\begin{pmatrix}2\\1\end{pmatrix}"#, false),
        AnswerPair(#"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}"#, #"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}"#, true),
        AnswerPair(#"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}"#, #"\begin{bmatrix} 1 & 2 \\ 3 & 5 \end{bmatrix}"#, false),
        AnswerPair(#"\begin{pmatrix} 1 & 2 \end{pmatrix}"#, #"\begin{pmatrix} 1 \\ 2 \end{pmatrix}"#, false),
        // Equations: the same equation up to a non-zero constant factor, sides in either order.
        AnswerPair("y = 2x", "2x = y", true),
        AnswerPair("y = 2x", "y = 3x", false),
        AnswerPair("y=2x+1", "y-2x-1=0", true),
        AnswerPair("y=2x+1", "2y=4x+2", true),
        AnswerPair("y=2x+1", "y=2x+2", false),
        AnswerPair("x^2 + y^2 = 1", "y^2 = 1 - x^2", true),
        AnswerPair("x^2 + y^2 = 1", "x^2 + y^2 = 2", false),
        AnswerPair("y = 2x", "2x", true),
        AnswerPair("x + y = 2x", "2x", false),
        // Inequalities: same relation (read left to right after flipping >) and equal sides.
        AnswerPair("x > 3", "3 < x", true),
        AnswerPair(#"x \ge 3"#, "x > 3", false),
        AnswerPair(#"x \geq 3"#, "x >= 3", true),
        AnswerPair("1 < x < 3", "3 > x > 1", true),
        AnswerPair(#"1 < x < 3"#, #"1 < x \le 3"#, false),
        AnswerPair(#"x \neq 2"#, "x != 2", true),
    ]

    @Test("structure equivalence", arguments: Self.pairs)
    func pair(_ p: AnswerPair) { p.verify() }

    @Test("brackets are reported")
    func bracketReason() {
        let v = AnswerChecker.check(answer: "(1,2]", reference: "(1,2)", kind: .auto)
        #expect(!v.equivalent)
        #expect(v.reason.contains("brackets differ"))
        #expect(v.normalizedAnswer == "(1,2]")
        #expect(v.normalizedReference == "(1,2)")
    }
}

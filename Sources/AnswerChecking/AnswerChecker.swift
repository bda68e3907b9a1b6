/// How two answers are compared.
public enum AnswerKind: String, Sendable, Codable {
    /// A multiple-choice reference (`B`, `(B)`, `B)`, `\text{(B)}`) compares as `choice`; otherwise as
    /// mathematics when both sides parse, and as `text` when either does not.
    case auto
    /// Constant numeric values (and tuples, sets, intervals of them): anything with a variable is not
    /// equivalent.
    case number
    /// Mathematics, variables allowed: expressions, equations, inequalities, tuples, intervals, sets.
    case expression
    /// Multiple-choice letters, compared case-insensitively.
    case choice
    /// Plain text after normalization of case, whitespace and punctuation.
    case text
}

/// Where the answer compared on one side came from.
public enum AnswerSource: String, Sendable, Codable {
    /// The content of the last `\boxed{}` or `\fbox{}`.
    case boxed
    /// The rest of the line after GSM8K's `####`.
    case gsm8k
    /// After MetaMath's "The answer is".
    case theAnswerIs = "the answer is"
    /// The last number in a solution that has no marker and is prose.
    case lastNumber = "last number"
    /// The last `$…$` (or `\(…\)`, `\[…\]`) span of a solution without a marker, when nothing numeric
    /// follows it and it is one bare answer.
    case lastMath = "last math"
    /// A solution without a marker that is, as a whole, one bare answer (`\frac{1}{2}`, `(1, 2]`, `x = 3`).
    case whole
    /// Taken as given: an `answer`, or a reference read as an answer.
    case given
}

/// How a reference is read.
public enum ReferenceForm: String, Sendable, Codable {
    /// A worked solution when it holds a marker (`\boxed{}`, `####`, "the answer is"), which is then
    /// extracted; otherwise the answer itself.
    case auto
    /// The answer itself, whatever it holds.
    case answer
    /// A worked solution: its answer is extracted as from a candidate solution.
    case solution
}

/// The outcome of an answer check.
public struct AnswerVerdict: Sendable, Equatable {
    /// Whether the answer is equivalent to the reference.
    public var equivalent: Bool
    /// The answer found in a solution (`check(solution:…)`); `nil` when an answer was given directly or
    /// none was found.
    public var extracted: String?
    /// How the compared answer was found: `.given` for `check(answer:…)`, the extraction method for
    /// `check(solution:…)`, `nil` when a solution held no answer.
    public var extraction: AnswerSource?
    /// The answer extracted from a reference read as a solution; `nil` when the reference was used as given.
    public var extractedReference: String?
    /// How the reference was read: `.given`, or the extraction method when it was a solution; `nil` when
    /// a solution reference held no answer.
    public var referenceExtraction: AnswerSource?
    /// The answer in normal form: the exact value of a constant (`1/2`, `sqrt(3)/2`), a linear form of
    /// an expression (`1+2*x`), a structure of those (`(1,2]`, `{1,2}`), `choice B`, or normalized text.
    public var normalizedAnswer: String
    /// The reference in the same normal form.
    public var normalizedReference: String
    /// Why the verdict is what it is, in a few words.
    public var reason: String

    public init(
        equivalent: Bool, extracted: String?, normalizedAnswer: String, normalizedReference: String, reason: String
    ) {
        self.equivalent = equivalent
        self.extracted = extracted
        self.normalizedAnswer = normalizedAnswer
        self.normalizedReference = normalizedReference
        self.reason = reason
        self.extraction = nil
        self.extractedReference = nil
        self.referenceExtraction = .given
    }
}

/// Rule-based checking of final answers to math problems against a reference, without a model.
///
/// Extraction finds the final answer in a worked solution (the last `\boxed{}`, GSM8K's `#### N`,
/// MetaMath's "The answer is …"; without a marker, the whole text when it is one bare answer, the last
/// `$…$` span when it is one, or the last number). A reference is read as a solution when it holds a
/// marker (`ReferenceForm`). Comparison parses both sides as LaTeX or plain
/// mathematics: numbers exactly (integers, decimals, fractions, mixed numbers, thousands separators,
/// percentages, scientific notation), radicals and π in an exact canonical form, expressions with
/// variables by evaluation at seeded random points, equations up to a constant factor, tuples and
/// intervals in order with matching brackets, sets in any order, matrices; units, `\text{}` annotations
/// and degree marks are dropped. Multiple-choice letters and plain text have their own rules. The rules
/// are listed in `docs/answers.md`.
///
/// Every function is pure and safe to call concurrently; input length, nesting depth, exponents and
/// element counts are bounded, so pathological input returns a verdict quickly.
public enum AnswerChecker {
    /// The final answer in a solution and how it was found: `"boxed"`, `"gsm8k"`, `"the answer is"`,
    /// `"whole"` (no marker, and the whole text is one bare answer), `"last math"` (the last `$…$` span,
    /// when it is one) or `"last number"`; `nil` when there is none.
    public static func extract(from solution: String) -> (answer: String, method: String)? {
        extractAnswer(from: solution).map { ($0.answer, $0.source.rawValue) }
    }

    /// `extract(from:)` with the method as an `AnswerSource`.
    public static func extractAnswer(from solution: String) -> (answer: String, source: AnswerSource)? {
        let b = Array(solution.utf8)
        guard let (r, source) = AnswerMath.Extraction.extract(b) else { return nil }
        return (String(decoding: b[r], as: UTF8.self), source)
    }

    /// The answer a reference stands for, and how it was found (see `ReferenceForm`); `nil` when a
    /// reference read as a solution holds no answer.
    public static func readReference(_ reference: String, as form: ReferenceForm = .auto) -> (answer: String, source: AnswerSource)? {
        switch form {
        case .answer:
            return (reference, .given)
        case .solution:
            return extractAnswer(from: reference)
        case .auto:
            let b = Array(reference.utf8)
            guard let (r, source) = AnswerMath.Extraction.marked(b) else { return (reference, .given) }
            return (String(decoding: b[r], as: UTF8.self), source)
        }
    }

    /// Extracts the final answer from `solution` (see `extract(from:)`) and compares it with `reference`
    /// (read as `referenceForm` says).
    public static func check(
        solution: String, reference: String, kind: AnswerKind = .auto, referenceForm: ReferenceForm = .auto
    ) -> AnswerVerdict {
        guard let (answer, source) = extractAnswer(from: solution) else {
            let read = readReference(reference, as: referenceForm)
            var v = AnswerVerdict(
                equivalent: false, extracted: nil, normalizedAnswer: "",
                normalizedReference: normalizedForm(trim(Array((read?.answer ?? "").utf8)), kind),
                reason: "no answer found in the solution")
            v.referenceExtraction = read?.source
            v.extractedReference = read.flatMap { $0.source == .given ? nil : $0.answer }
            return v
        }
        var v = check(answer: answer, reference: reference, kind: kind, referenceForm: referenceForm)
        v.extracted = answer
        v.extraction = source
        v.reason = "\(source.rawValue): " + v.reason
        return v
    }

    /// Compares an answer with a reference (read as `referenceForm` says: by default a reference with a
    /// `\boxed{}`, `####` or "the answer is" is a worked solution and its answer is extracted).
    public static func check(
        answer: String, reference: String, kind: AnswerKind = .auto, referenceForm: ReferenceForm = .auto
    ) -> AnswerVerdict {
        guard let (referenceAnswer, referenceSource) = readReference(reference, as: referenceForm) else {
            var v = verdict(
                false, normalizedForm(trim(Array(answer.utf8)), kind), "", "no answer found in the reference")
            v.extraction = .given
            v.referenceExtraction = nil
            return v
        }
        var v = compare(answer: answer, reference: referenceAnswer, kind: kind)
        v.extraction = .given
        v.referenceExtraction = referenceSource
        if referenceSource != .given {
            v.extractedReference = referenceAnswer
            v.reason = "reference by \(referenceSource.rawValue); " + v.reason
        }
        return v
    }

    /// Compares an answer with a reference answer, both taken as given.
    private static func compare(answer: String, reference: String, kind: AnswerKind) -> AnswerVerdict {
        let a = trim(Array(answer.utf8))
        let r = trim(Array(reference.utf8))
        guard !r.isEmpty else {
            return verdict(false, normalizedForm(a, kind), "", "the reference is empty")
        }
        guard !a.isEmpty else {
            return verdict(false, "", normalizedForm(r, kind), "the answer is empty")
        }
        switch kind {
        case .text:
            return textVerdict(a, r, note: nil)
        case .choice:
            return choiceVerdict(a, r)
        case .auto:
            if AnswerMath.TextForms.choiceLetter(r, strict: true) != nil { return choiceVerdict(a, r) }
        case .number, .expression:
            break
        }
        if let fa = AnswerMath.FastNumber.parse(a), let fr = AnswerMath.FastNumber.parse(r),
            let v = fastVerdict(a, fa, r, fr)
        {
            return v
        }
        return mathVerdict(a, r, kind)
    }

    // MARK: Paths

    private static func verdict(_ eq: Bool, _ na: String, _ nr: String, _ why: String) -> AnswerVerdict {
        AnswerVerdict(equivalent: eq, extracted: nil, normalizedAnswer: na, normalizedReference: nr, reason: why)
    }

    private static func trim(_ b: [UInt8]) -> [UInt8] {
        var lo = 0
        var hi = b.count
        while lo < hi && AnswerMath.Extraction.isSpace(b[lo]) { lo += 1 }
        while hi > lo && AnswerMath.Extraction.isSpace(b[hi - 1]) { hi -= 1 }
        return lo == 0 && hi == b.count ? b : Array(b[lo..<hi])
    }

    private static func normalizedForm(_ b: [UInt8], _ kind: AnswerKind) -> String {
        if b.isEmpty { return "" }
        switch kind {
        case .text: return AnswerMath.TextForms.normalize(b)
        case .choice:
            if let l = AnswerMath.TextForms.choiceLetter(b, strict: false) {
                return "choice " + String(UnicodeScalar(l))
            }
            return AnswerMath.TextForms.normalize(b)
        default:
            if let v = AnswerMath.Parser.parse(b) { return AnswerMath.Printer.value(v) }
            return AnswerMath.TextForms.normalize(b)
        }
    }

    private static func textVerdict(_ a: [UInt8], _ r: [UInt8], note: String?) -> AnswerVerdict {
        let na = AnswerMath.TextForms.normalize(a)
        let nr = AnswerMath.TextForms.normalize(r)
        let prefix = note.map { $0 + "; " } ?? ""
        if !na.isEmpty && na == nr { return verdict(true, na, nr, prefix + "same text after normalization") }
        return verdict(false, na, nr, prefix + "different text after normalization")
    }

    private static func choiceVerdict(_ a: [UInt8], _ r: [UInt8]) -> AnswerVerdict {
        let lr = AnswerMath.TextForms.choiceLetter(r, strict: false)
        let la = AnswerMath.TextForms.choiceLetter(a, strict: false)
        let nr = lr.map { "choice " + String(UnicodeScalar($0)) } ?? AnswerMath.TextForms.normalize(r)
        let na = la.map { "choice " + String(UnicodeScalar($0)) } ?? AnswerMath.TextForms.normalize(a)
        guard let lr else { return verdict(false, na, nr, "the reference is not a choice letter") }
        guard let la else { return verdict(false, na, nr, "no choice letter in the answer") }
        let sa = String(UnicodeScalar(la))
        let sr = String(UnicodeScalar(lr))
        return la == lr
            ? verdict(true, na, nr, "same choice \(sa)") : verdict(false, na, nr, "choice \(sa) vs \(sr)")
    }

    private static func fastVerdict(
        _ a: [UInt8], _ fa: AnswerMath.FastNumber.Parsed, _ r: [UInt8], _ fr: AnswerMath.FastNumber.Parsed
    ) -> AnswerVerdict? {
        guard let va = fa.value, let vr = fr.value else {
            // At least one literal is beyond 64 bits: decimals compare digit by digit.
            guard fa.isDecimal && fr.isDecimal && fa.percent == fr.percent else { return nil }
            let ca = AnswerMath.FastNumber.canonicalDecimal(a, fa) + (fa.percent ? "%" : "")
            let cr = AnswerMath.FastNumber.canonicalDecimal(r, fr) + (fr.percent ? "%" : "")
            return ca == cr
                ? verdict(true, ca, cr, "equal numbers") : verdict(false, ca, cr, "different numbers")
        }
        let na = fa.percent ? va.description + "%" : va.description
        let nr = fr.percent ? vr.description + "%" : vr.description
        if va == vr {
            let why = fa.percent == fr.percent ? "equal numbers" : "equal numbers (percent sign ignored)"
            return verdict(true, na, nr, why)
        }
        if fa.percent != fr.percent {
            let hundred = AnswerMath.Rational(100)
            let sa = fa.percent ? va / hundred : va
            let sr = fr.percent ? vr / hundred : vr
            if let sa, let sr, sa == sr { return verdict(true, na, nr, "equal numbers (percent read as hundredths)") }
        }
        return verdict(false, na, nr, "different numbers: \(na) vs \(nr)")
    }

    private static func mathVerdict(_ a: [UInt8], _ r: [UInt8], _ kind: AnswerKind) -> AnswerVerdict {
        let pa = AnswerMath.Parser.parse(a)
        let pr = AnswerMath.Parser.parse(r)
        guard let pa, let pr else {
            // A text match still counts (both sides say "no solution"); the reason says which side was text.
            let which =
                pa == nil && pr == nil ? "neither side is" : (pa == nil ? "the answer is not" : "the reference is not")
            return textVerdict(a, r, note: "\(which) mathematics; compared as text")
        }
        let na = AnswerMath.Printer.value(pa)
        let nr = AnswerMath.Printer.value(pr)
        let comparator = AnswerMath.Comparator(numbersOnly: kind == .number)
        switch comparator.compare(expandPlusMinus(pa), expandPlusMinus(pr)) {
        case .equal(let why):
            return verdict(true, na, nr, why)
        case .unequal(let why):
            return verdict(false, na, nr, why)
        case .unknown(let why):
            if na == nr { return verdict(true, na, nr, "identical after normalization (\(why))") }
            return verdict(false, na, nr, "could not compare (\(why)); normal forms differ")
        }
    }

    /// `a ± b` becomes the list `a + b, a − b` (inside sets and lists too), so that it matches both roots
    /// written out.
    private static func expandPlusMinus(_ v: AnswerMath.Value) -> AnswerMath.Value {
        switch v {
        case .expression(let e, let percent) where e.hasPlusMinus:
            return .list([1, -1].map { .expression(e.choosingSign($0), percent: percent) })
        case .relation(let first, let rest) where first.hasPlusMinus || rest.contains(where: { $0.1.hasPlusMinus }):
            return .list([1, -1].map { s in
                .relation(first.choosingSign(s), rest.map { ($0.0, $0.1.choosingSign(s)) })
            })
        case .list(let xs):
            return .list(flattenExpanded(xs))
        case .set(let xs):
            return .set(flattenExpanded(xs))
        default:
            return v
        }
    }

    private static func flattenExpanded(_ xs: [AnswerMath.Value]) -> [AnswerMath.Value] {
        var out: [AnswerMath.Value] = []
        for x in xs {
            let e = expandPlusMinus(x)
            if case .list(let ys) = e, !isList(x) { out.append(contentsOf: ys) } else { out.append(e) }
        }
        return out
    }

    private static func isList(_ v: AnswerMath.Value) -> Bool {
        if case .list = v { return true }
        return false
    }
}

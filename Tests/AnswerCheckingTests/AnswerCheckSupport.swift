import Testing

@testable import AnswerChecking

/// One answer/reference pair and the expected verdict.
struct AnswerPair: CustomTestStringConvertible, Sendable {
    let answer: String
    let reference: String
    let kind: AnswerKind
    let equivalent: Bool

    init(_ answer: String, _ reference: String, _ equivalent: Bool, kind: AnswerKind = .auto) {
        self.answer = answer
        self.reference = reference
        self.kind = kind
        self.equivalent = equivalent
    }

    var testDescription: String {
        "\(answer) vs \(reference)\(kind == .auto ? "" : " [\(kind.rawValue)]") → \(equivalent ? "equivalent" : "different")"
    }

    func verify(sourceLocation: SourceLocation = #_sourceLocation) {
        let v = AnswerChecker.check(answer: answer, reference: reference, kind: kind)
        #expect(
            v.equivalent == equivalent,
            "\(answer) vs \(reference): \(v.reason) [\(v.normalizedAnswer)] [\(v.normalizedReference)]",
            sourceLocation: sourceLocation)
        #expect(!v.reason.isEmpty, sourceLocation: sourceLocation)
        #expect(v.extracted == nil, sourceLocation: sourceLocation)
        // Equivalence is symmetric for every rule.
        let swapped = AnswerChecker.check(answer: reference, reference: answer, kind: kind)
        if kind != .choice {
            #expect(swapped.equivalent == equivalent, "swapped: \(swapped.reason)", sourceLocation: sourceLocation)
        }
    }
}

import JSON
import Testing

@testable import IFEval

/// One response checked against one instruction, with the outcome the reference checker gives in
/// strict and in loose mode.
struct IFEvalCase: Sendable, CustomTestStringConvertible {
    let id: String
    let kwargs: [String: JSONValue]
    let response: String
    let strict: Bool
    let loose: Bool
    let note: String

    init(_ id: String, _ kwargs: [String: JSONValue], _ response: String, strict: Bool, loose: Bool, _ note: String) {
        self.id = id
        self.kwargs = kwargs
        self.response = response
        self.strict = strict
        self.loose = loose
        self.note = note
    }

    var testDescription: String { "\(id): \(note)" }

    /// Prepares the instruction and checks both modes against the expected outcomes.
    func verify() throws {
        let prepared = try IFEval.prepare(id: id, kwargs: kwargs)
        let strictOutcome = IFEval.check(prepared, response: response, prompt: nil, mode: .strict)
        let looseOutcome = IFEval.check(prepared, response: response, prompt: nil, mode: .loose)
        #expect(strictOutcome.followed == strict, "strict: \(strictOutcome.detail)")
        #expect(looseOutcome.followed == loose, "loose: \(looseOutcome.detail)")
        #expect(strictOutcome.id == id)
        #expect(!strictOutcome.detail.isEmpty && !looseOutcome.detail.isEmpty)
    }
}

/// Runs `body` over the UTF-8 bytes of `text` (internal scanners take byte buffers).
func withTestBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    IFEval.Scan.withBytes(text, body)
}

// Fuzz target: answer extraction, the expression lexer and parser, and comparison, through
// `AnswerChecker`. The first byte picks the answer kind and the reference form; the rest is split at
// the first NUL into a solution (or answer) and a reference. A verdict must come back for any text,
// and comparing an extracted answer with itself must not crash either.
import Answers

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAnswers(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let options = data[0]
    let rest = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let split = rest.firstIndex(of: 0) ?? rest.endIndex
    let first = String(decoding: rest[..<split], as: UTF8.self)
    let second = split < rest.endIndex ? String(decoding: rest[(split + 1)...], as: UTF8.self) : first
    let kinds: [AnswerKind] = [.auto, .number, .expression, .choice, .text]
    let forms: [ReferenceForm] = [.auto, .answer, .solution]
    let kind = kinds[Int(options & 7) % kinds.count]
    let form = forms[Int(options >> 3) % forms.count]

    let verdict = AnswerChecker.check(solution: first, reference: second, kind: kind, referenceForm: form)
    _ = AnswerChecker.check(answer: first, reference: second, kind: kind, referenceForm: form)
    if let extracted = verdict.extracted {
        _ = AnswerChecker.check(answer: extracted, reference: extracted, kind: kind, referenceForm: .answer)
    }
    _ = AnswerChecker.readReference(second, as: form)
    return 0
}

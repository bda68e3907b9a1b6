import IFEval
import JSON
import Testing

@Suite("IFEval rows and accuracies")
struct ResponseCheckTests {
    private func prepared(_ id: String, _ kwargs: [String: JSONValue] = [:], prompt: String? = nil) throws -> PreparedInstruction {
        try IFEval.prepare(id: id, kwargs: kwargs, prompt: prompt)
    }

    @Test("each mode is checked only when asked for")
    func modes() throws {
        let instructions = [try prepared("change_case:english_lowercase")]
        let both = IFEval.check(instructions, response: "all lower case", prompt: nil, modes: [.strict, .loose])
        #expect(both.strict?.map(\.followed) == [true])
        #expect(both.loose?.map(\.followed) == [true])
        let strict = IFEval.check(instructions, response: "all lower case", prompt: nil, modes: [.strict])
        #expect(strict.loose == nil)
        #expect(strict.strict != nil)
    }

    @Test("the row's prompt stands in for repeat_prompt's prompt_to_repeat, and kwargs win over it")
    func repeatPrompt() throws {
        let fromPrompt = try prepared("combination:repeat_prompt", prompt: "Say hi.")
        #expect(IFEval.check(fromPrompt, response: "Say hi. Hi!", mode: .strict).followed)
        let fromKwargs = try prepared("combination:repeat_prompt", ["prompt_to_repeat": "Say bye."], prompt: "Say hi.")
        #expect(!IFEval.check(fromKwargs, response: "Say hi. Hi!", mode: .strict).followed)
        #expect(throws: InstructionError.self) { try prepared("combination:repeat_prompt") }
    }

    @Test("prompt- and instruction-level accuracies, strict and loose")
    func accuracies() {
        func outcome(_ followed: Bool) -> InstructionOutcome { InstructionOutcome(id: "x", followed: followed, detail: "") }
        let rows = [
            ResponseVerdict(strict: [outcome(true), outcome(true)], loose: [outcome(true), outcome(true)]),
            ResponseVerdict(strict: [outcome(true), outcome(false)], loose: [outcome(true), outcome(true)]),
            ResponseVerdict(strict: [outcome(false)], loose: [outcome(false)]),
            ResponseVerdict(strict: [], loose: []),
        ]
        let accuracy = IFEval.accuracy(rows)
        #expect(accuracy.promptStrict == 2.0 / 4)       // rows 1 and 4 (no instructions: all followed)
        #expect(accuracy.instructionStrict == 3.0 / 5)
        #expect(accuracy.promptLoose == 3.0 / 4)
        #expect(accuracy.instructionLoose == 4.0 / 5)
        let strictOnly = IFEval.accuracy(rows.map { ResponseVerdict(strict: $0.strict, loose: nil) })
        #expect(strictOnly.promptLoose == nil && strictOnly.instructionLoose == nil)
        #expect(IFEval.accuracy([]) == IFEvalAccuracy(promptStrict: nil, instructionStrict: nil, promptLoose: nil, instructionLoose: nil))
    }
}

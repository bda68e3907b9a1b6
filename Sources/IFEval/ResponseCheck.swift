import JSON

/// One response checked against all of its instructions, in strict and/or loose mode: what
/// `instructions/check` and `instructions/checkBatch` report per row.
public struct ResponseVerdict: Sendable, Equatable {
    /// Each instruction's outcome in strict mode; nil when strict mode was not asked for.
    public var strict: [InstructionOutcome]?
    /// The same in loose mode.
    public var loose: [InstructionOutcome]?

    public init(strict: [InstructionOutcome]?, loose: [InstructionOutcome]?) {
        self.strict = strict
        self.loose = loose
    }

    /// Whether every instruction was followed in `outcomes` (a response with none follows all).
    public static func allFollowed(_ outcomes: [InstructionOutcome]) -> Bool { outcomes.allSatisfy(\.followed) }
}

/// IFEval's four accuracies over a set of responses: prompt-level (every instruction of a response
/// followed) and instruction-level (each instruction on its own), strict and loose. Nil for a mode
/// that was not checked, or with nothing to count.
public struct IFEvalAccuracy: Sendable, Equatable {
    public var promptStrict: Double?
    public var instructionStrict: Double?
    public var promptLoose: Double?
    public var instructionLoose: Double?

    public init(promptStrict: Double?, instructionStrict: Double?, promptLoose: Double?, instructionLoose: Double?) {
        self.promptStrict = promptStrict
        self.instructionStrict = instructionStrict
        self.promptLoose = promptLoose
        self.instructionLoose = instructionLoose
    }
}

extension IFEval {
    /// `prepare`, with the row's prompt standing in for `combination:repeat_prompt`'s
    /// `prompt_to_repeat` when the kwargs do not give one (the reference reads it from kwargs only).
    public static func prepare(id: String, kwargs: [String: JSONValue], prompt: String?) throws(InstructionError)
        -> PreparedInstruction
    {
        var kwargs = kwargs
        if id == RuleID.repeatPrompt.rawValue, kwargs["prompt_to_repeat"] == nil || kwargs["prompt_to_repeat"] == .null, let prompt {
            kwargs["prompt_to_repeat"] = .string(prompt)
        }
        return try prepare(id: id, kwargs: kwargs)
    }

    /// Checks one response against its prepared instructions in each of `modes`.
    public static func check(_ instructions: [PreparedInstruction], response: String, prompt: String?,
                             modes: Set<InstructionMode>) -> ResponseVerdict {
        func outcomes(_ mode: InstructionMode) -> [InstructionOutcome]? {
            modes.contains(mode) ? instructions.map { check($0, response: response, prompt: prompt, mode: mode) } : nil
        }
        return ResponseVerdict(strict: outcomes(.strict), loose: outcomes(.loose))
    }

    /// The four accuracies over `verdicts`.
    public static func accuracy(_ verdicts: [ResponseVerdict]) -> IFEvalAccuracy {
        func levels(_ rows: [[InstructionOutcome]]) -> (prompt: Double?, instruction: Double?) {
            guard !rows.isEmpty else { return (nil, nil) }
            let prompt = Double(rows.filter(ResponseVerdict.allFollowed).count) / Double(rows.count)
            let all = rows.flatMap { $0 }
            return (prompt, all.isEmpty ? nil : Double(all.filter(\.followed).count) / Double(all.count))
        }
        let strict = levels(verdicts.compactMap(\.strict))
        let loose = levels(verdicts.compactMap(\.loose))
        return IFEvalAccuracy(promptStrict: strict.prompt, instructionStrict: strict.instruction,
                              promptLoose: loose.prompt, instructionLoose: loose.instruction)
    }
}

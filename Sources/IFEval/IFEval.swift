import JSON

/// How strictly a response is judged against a verifiable instruction.
///
/// `strict` checks the response exactly as given. `loose` also accepts the response when the check
/// passes on any of seven relaxed variants: the response with its first line removed, with its last
/// line removed, with both removed, and each of those four texts (the original included) with every
/// `*` deleted. This is IFEval's "loose" accuracy.
public enum InstructionMode: String, Sendable, Codable {
    case strict
    case loose
}

/// A problem with an instruction id or its keyword arguments, found by ``IFEval/prepare(id:kwargs:)``.
public struct InstructionError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The instruction id the error is about (as given, even when it is not a known id).
    public var instructionID: String
    /// The keyword argument at fault, when the problem is with one argument.
    public var argument: String?
    /// A complete, human-readable explanation naming the instruction id and the argument.
    public var message: String

    public init(instructionID: String, argument: String?, message: String) {
        self.instructionID = instructionID
        self.argument = argument
        self.message = message
    }

    public var description: String { message }
}

/// An instruction whose id and keyword arguments have been validated and pre-processed once, so that
/// checking many responses against it does no further parsing.
public struct PreparedInstruction: Sendable {
    /// The IFEval instruction id, such as `length_constraints:number_words`.
    public let id: String
    let rule: IFEval.Rule

    init(id: String, rule: IFEval.Rule) {
        self.id = id
        self.rule = rule
    }
}

/// The result of checking one response against one instruction.
public struct InstructionOutcome: Sendable, Equatable {
    /// The instruction id that was checked.
    public var id: String
    /// Whether the response follows the instruction (in the requested mode).
    public var followed: Bool
    /// A short explanation, such as `found 3 sentences; required less than 3`. In loose mode it also
    /// names the relaxed variant that passed.
    public var detail: String

    public init(id: String, followed: Bool, detail: String) {
        self.id = id
        self.followed = followed
        self.detail = detail
    }
}

/// The 25 verifiable instructions of IFEval (Zhou et al., 2023), with the reference checker's ids,
/// keyword arguments and pass/fail semantics, in strict and loose modes.
///
/// Use ``prepare(id:kwargs:)`` once per instruction and ``check(_:response:prompt:mode:)`` per response.
/// Both are pure functions and safe to call from any thread.
public enum IFEval {
    /// Every supported instruction id, sorted.
    public static let instructionIDs: [String] = RuleID.allCases.map(\.rawValue).sorted()

    /// Validates `id` and its keyword arguments and prepares the instruction for checking.
    ///
    /// Keyword arguments use the reference names (`num_words`, `relation`, `section_spliter`, …).
    /// Arguments whose value is JSON `null` are treated as absent, so rows that carry every kwarg name
    /// with nulls for unused ones are accepted. Where the reference would draw a random value for a
    /// missing argument, it is required here.
    /// - Throws: ``InstructionError`` for an unknown id, an unknown or missing argument, a value of the
    ///   wrong type, or a value out of range (such as a relation other than `less than`/`at least`).
    public static func prepare(id: String, kwargs: [String: JSONValue]) throws(InstructionError)
        -> PreparedInstruction
    {
        guard let ruleID = RuleID(rawValue: id) else {
            throw InstructionError(
                instructionID: id, argument: nil,
                message: "unknown instruction id '\(id)'; expected one of the \(instructionIDs.count) IFEval ids")
        }
        var reader = try KwargReader(id: ruleID, kwargs: kwargs)
        let rule = try Rule.make(ruleID, &reader)
        return PreparedInstruction(id: id, rule: rule)
    }

    /// Checks `response` against a prepared instruction.
    ///
    /// - Parameters:
    ///   - prompt: the prompt the response answers. No IFEval checker reads it (as in the reference,
    ///     `combination:repeat_prompt` takes the text to repeat from its `prompt_to_repeat` argument);
    ///     it is accepted so callers can pass it uniformly.
    ///   - mode: `strict` or `loose` (see ``InstructionMode``).
    /// A response that is empty or only whitespace never follows an instruction, in either mode.
    public static func check(
        _ instruction: PreparedInstruction, response: String, prompt: String? = nil, mode: InstructionMode
    ) -> InstructionOutcome {
        let rule = instruction.rule
        switch mode {
        case .strict:
            let verdict = Scan.withBytes(response) { b -> Verdict in
                if Scan.isBlank(b, 0..<b.count) { return Verdict(false, true, "response is empty") }
                return rule.evaluate(b, explain: true)
            }
            return InstructionOutcome(id: instruction.id, followed: verdict.followed, detail: verdict.detail)
        case .loose:
            return Scan.withBytes(response) { b in looseCheck(instruction, b) }
        }
    }

    private static func looseCheck(_ instruction: PreparedInstruction, _ b: Bytes) -> InstructionOutcome {
        let rule = instruction.rule
        let blank = Scan.isBlank(b, 0..<b.count)
        let original = blank ? Verdict(false, true, "response is empty") : rule.evaluate(b, explain: true)
        if original.followed {
            return InstructionOutcome(id: instruction.id, followed: true, detail: original.detail)
        }
        let variants = LooseVariants(b)
        for kind in LooseVariants.Kind.allCases where kind != .original && !variants.isRedundant(kind) {
            let passed = variants.withVariant(kind) { v -> Bool in
                !Scan.isBlank(v, 0..<v.count) && rule.evaluate(v, explain: false).followed
            }
            if passed {
                let verdict = variants.withVariant(kind) { rule.evaluate($0, explain: true) }
                return InstructionOutcome(
                    id: instruction.id, followed: true, detail: verdict.detail + " (loose: \(kind.label))")
            }
        }
        let suffix = blank ? "" : " (loose: no variant passed)"
        return InstructionOutcome(id: instruction.id, followed: false, detail: original.detail + suffix)
    }
}

extension IFEval {
    /// A checker's answer: whether the text follows the rule, and (when asked for) why.
    struct Verdict {
        let followed: Bool
        let detail: String

        @inline(__always)
        init(_ followed: Bool, _ explain: Bool, _ detail: @autoclosure () -> String) {
            self.followed = followed
            self.detail = explain ? detail() : ""
        }
    }
}

import IFEval
import JSON
import JSONRPC
import MinosProtocol

/// IFEval's verifiable instructions: `instructions/check` and `instructions/checkBatch`.
extension MinosServer {
    func registerInstructionCheckHandlers() {
        connection.register(InstructionsCheck.self) { params, _ in
            let prepared = try Self.prepare(params.instructions, prompt: params.prompt, path: "params.instructions")
            return Self.wire(IFEval.check(prepared, response: params.response, prompt: params.prompt, modes: Self.modes(params.mode)))
        }

        connection.register(InstructionsCheckBatch.self) { params, context in
            let modes = Self.modes(params.mode)
            // Validate every row before checking any, so a bad row fails the request at once.
            let prepared = try params.rows.enumerated().map { index, row in
                try Self.prepare(row.instructions, prompt: row.prompt, path: "params.rows[\(index)].instructions")
            }
            context.beginProgress(title: "Checking \(params.rows.count) responses", percentage: 0)
            defer { context.endProgress() }
            let verdicts = try await parallelMap(params.rows) { index, row in
                IFEval.check(prepared[index], response: row.response, prompt: row.prompt, modes: modes)
            }
            let accuracy = IFEval.accuracy(verdicts)
            return InstructionsCheckBatch.Result(
                rows: verdicts.map(Self.wire),
                accuracy: .init(promptStrict: accuracy.promptStrict, instructionStrict: accuracy.instructionStrict,
                                promptLoose: accuracy.promptLoose, instructionLoose: accuracy.instructionLoose),
                checks: prepared.reduce(0) { $0 + $1.count } * modes.count)
        }
    }

    static func modes(_ mode: CheckWire.Mode) -> Set<InstructionMode> {
        switch mode {
        case .strict: return [.strict]
        case .loose: return [.loose]
        case .both: return [.strict, .loose]
        }
    }

    /// Prepares each instruction, mapping failures to -32602 at the offending field.
    static func prepare(_ instructions: [CheckWire.Instruction], prompt: String?, path: String) throws -> [PreparedInstruction] {
        try instructions.enumerated().map { index, instruction in
            do throws(InstructionError) {
                return try IFEval.prepare(id: instruction.id, kwargs: instruction.kwargs ?? [:], prompt: prompt)
            } catch {
                let field = error.argument.map { "\(path)[\(index)].kwargs.\($0)" }
                    ?? (IFEval.instructionIDs.contains(instruction.id) ? "\(path)[\(index)].kwargs" : "\(path)[\(index)].id")
                throw RPCError.invalidParams(error.message, path: field)
            }
        }
    }

    static func wire(_ verdict: ResponseVerdict) -> CheckWire.RowResult {
        func wire(_ outcomes: [InstructionOutcome]?) -> CheckWire.Verdict? {
            outcomes.map { outcomes in
                CheckWire.Verdict(instructions: outcomes.map { CheckWire.Outcome(id: $0.id, followed: $0.followed, detail: $0.detail) },
                                  allFollowed: ResponseVerdict.allFollowed(outcomes))
            }
        }
        return CheckWire.RowResult(strict: wire(verdict.strict), loose: wire(verdict.loose))
    }
}

import IFEval
import JSON
import JSONRPC
import MinosProtocol

/// IFEval's verifiable instructions: `instructions/check` and `instructions/checkBatch`.
extension MinosServer {
    func registerInstructionCheckHandlers() {
        connection.register(InstructionsCheck.self) { params, _ in
            let prepared = try Self.prepare(params.instructions, prompt: params.prompt, path: "params.instructions")
            return Self.check(prepared, response: params.response, prompt: params.prompt, mode: params.mode)
        }

        connection.register(InstructionsCheckBatch.self) { params, context in
            let mode = params.mode
            // Validate every row before checking any, so a bad row fails the request at once.
            let prepared = try params.rows.enumerated().map { index, row in
                try Self.prepare(row.instructions, prompt: row.prompt, path: "params.rows[\(index)].instructions")
            }
            context.beginProgress(title: "Checking \(params.rows.count) responses", percentage: 0)
            defer { context.endProgress() }
            let results = try await Self.checkRows(params.rows, prepared, mode: mode)
            return InstructionsCheckBatch.Result(rows: results, accuracy: Self.accuracy(results),
                                                 checks: prepared.reduce(0) { $0 + $1.count } * (mode == .both ? 2 : 1))
        }
    }

    /// Prepares each instruction, mapping failures to -32602 at the offending field.
    static func prepare(_ instructions: [CheckWire.Instruction], prompt: String?, path: String) throws -> [PreparedInstruction] {
        try instructions.enumerated().map { index, instruction in
            var kwargs = instruction.kwargs ?? [:]
            // The reference reads the text to repeat from kwargs; the row's prompt is a convenient default.
            if instruction.id == "combination:repeat_prompt", kwargs["prompt_to_repeat"] == nil, let prompt {
                kwargs["prompt_to_repeat"] = .string(prompt)
            }
            do throws(InstructionError) {
                return try IFEval.prepare(id: instruction.id, kwargs: kwargs)
            } catch {
                let field = error.argument.map { "\(path)[\(index)].kwargs.\($0)" }
                    ?? (IFEval.instructionIDs.contains(instruction.id) ? "\(path)[\(index)].kwargs" : "\(path)[\(index)].id")
                throw RPCError.invalidParams(error.message, path: field)
            }
        }
    }

    static func check(_ prepared: [PreparedInstruction], response: String, prompt: String?, mode: CheckWire.Mode) -> CheckWire.RowResult {
        func verdict(_ mode: InstructionMode) -> CheckWire.Verdict {
            let outcomes = prepared.map { instruction in
                let outcome = IFEval.check(instruction, response: response, prompt: prompt, mode: mode)
                return CheckWire.Outcome(id: outcome.id, followed: outcome.followed, detail: outcome.detail)
            }
            return CheckWire.Verdict(instructions: outcomes, allFollowed: outcomes.allSatisfy(\.followed))
        }
        return CheckWire.RowResult(strict: mode == .loose ? nil : verdict(.strict),
                                   loose: mode == .strict ? nil : verdict(.loose))
    }

    /// Checks rows in parallel chunks, keeping their order; stops between rows when cancelled.
    static func checkRows(_ rows: [InstructionsCheckBatch.Params.Row], _ prepared: [[PreparedInstruction]],
                          mode: CheckWire.Mode) async throws -> [CheckWire.RowResult] {
        try await parallelMap(rows) { index, row in
            check(prepared[index], response: row.response, prompt: row.prompt, mode: mode)
        }
    }

    /// IFEval's four accuracies; nil for a mode that was not checked or with no rows.
    static func accuracy(_ rows: [CheckWire.RowResult]) -> InstructionsCheckBatch.Result.Accuracy {
        func levels(_ verdicts: [CheckWire.Verdict]) -> (Double?, Double?) {
            guard !verdicts.isEmpty else { return (nil, nil) }
            let prompt = Double(verdicts.filter(\.allFollowed).count) / Double(verdicts.count)
            let all = verdicts.flatMap(\.instructions)
            let instruction = all.isEmpty ? nil : Double(all.filter(\.followed).count) / Double(all.count)
            return (prompt, instruction)
        }
        let strict = levels(rows.compactMap(\.strict))
        let loose = levels(rows.compactMap(\.loose))
        return .init(promptStrict: strict.0, instructionStrict: strict.1, promptLoose: loose.0, instructionLoose: loose.1)
    }
}

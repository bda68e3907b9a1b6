import AutoIF
import JSON
import JSONRPC
import MinosProtocol
import Store

/// AutoIF verification functions: register (cross-validate and store), list, get, delete,
/// evaluate and filter. Functions run in the sandbox pool, never in the daemon.
extension MinosServer {
    func registerInstructionFunctionHandlers() {
        connection.register(InstructionsRegister.self) { [self] params, _ in
            try await register(params)
        }

        connection.register(InstructionsList.self) { [self] params, _ in
            let (items, total) = try store.listInstructions(limit: params.limit, offset: params.offset)
            return InstructionsList.Result(instructions: items.map {
                .init(id: $0.id, instruction: $0.instruction, createdAt: $0.createdAt,
                      keptFunctions: $0.keptFunctions, keptCases: $0.keptCases)
            }, total: total)
        }

        connection.register(InstructionsGet.self) { [self] params, _ in
            Self.wire(try storedInstruction(params.id, path: "params.id"), includeSources: true)
        }

        connection.register(InstructionsDelete.self) { [self] params, _ in
            guard try store.deleteInstruction(id: params.id) else {
                throw RPCError(.notFound, "no instruction with id \(params.id)", data: ["path": "params.id"])
            }
            return InstructionsDelete.Result(deleted: params.id)
        }

        connection.register(InstructionsEvaluate.self) { [self] params, context in
            let functions = try functionSources(id: params.instructionId, functions: params.functions)
            let evaluation = try await evaluate(functions, params.responses, params.timeoutSeconds, context)
            return InstructionsEvaluate.Result(
                results: evaluation.results.enumerated().map { index, result in Self.wire(result, index: index) },
                functionCount: functions.count,
                skipped: evaluation.skipped.map { .init(index: $0.0, reason: $0.1) })
        }

        connection.register(InstructionsFilter.self) { [self] params, context in
            let functions = try functionSources(id: params.instructionId, functions: params.functions)
            let evaluation = try await evaluate(functions, params.responses, params.timeoutSeconds, context)
            let pairs = params.pairs
                ? ResponseEvaluation.pairs(evaluation.results, limit: params.maxPairs).map {
                    InstructionsFilter.Result.Pair(chosen: params.responses[$0.chosen], rejected: params.responses[$0.rejected],
                                                   chosenIndex: $0.chosen, rejectedIndex: $0.rejected)
                }
                : nil
            return InstructionsFilter.Result(
                kept: ResponseEvaluation.kept(evaluation.results, threshold: params.threshold),
                passRates: evaluation.results.map(\.passRate), pairs: pairs,
                skipped: evaluation.skipped.map { .init(index: $0.0, reason: $0.1) })
        }
    }

    private func register(_ params: InstructionsRegister.Params) async throws -> InstructionWire.Instruction {
        guard !params.instruction.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw RPCError.invalidParams("instruction must not be empty", path: "params.instruction")
        }
        var functions = params.functions
        var cases = params.cases.map { VerificationCase(input: $0.input, output: $0.output) }
        for (index, answer) in params.answers.enumerated() {
            do throws(AutoIFAnswer.ParseError) {
                let parsed = try AutoIFAnswer.parse(answer)
                functions.append(parsed.function)
                cases += parsed.cases
            } catch {
                throw RPCError.invalidParams("answers[\(index)]: \(error.message)", path: "params.answers[\(index)]")
            }
        }
        guard !functions.isEmpty else {
            throw RPCError.invalidParams("give at least one function (in functions or answers)", path: "params.functions")
        }
        let policy = CrossValidation.Policy(
            minAccuracy: params.minAccuracy, minFunctions: params.minFunctions, minCases: params.minCases,
            timeout: timeout(params.timeoutSeconds))
        let report = try await CrossValidation.run(functions: functions, cases: cases, policy: policy, runner: sandbox)
        let stored = StoredInstruction(
            instruction: params.instruction, minAccuracy: policy.minAccuracy,
            functions: report.functions.map { .init(source: $0.source, kept: $0.kept, accuracy: $0.accuracy, reason: $0.reason) },
            cases: report.cases.map { .init(input: $0.input, output: $0.output, kept: $0.kept, agreeing: $0.agreeing) })
        guard report.accepted else {
            let details = try JSONValueEncoder().encode(Self.wire(stored, includeSources: true))
            throw RPCError(.instructionRejected, "instruction rejected: " + report.reasons.joined(separator: "; "),
                           data: ["reasons": .array(report.reasons.map(JSONValue.string)),
                                  "functions": details["functions"] ?? [], "cases": details["cases"] ?? []])
        }
        let id = try store.insertInstruction(stored)
        return Self.wire(try storedInstruction(id, path: "params"), includeSources: false)
    }

    private func evaluate(_ functions: [String], _ responses: [String], _ timeoutSeconds: Double?,
                          _ context: RequestContext) async throws -> ResponseEvaluation.Evaluation {
        let limit = timeout(timeoutSeconds)
        context.beginProgress(title: "Running \(functions.count) verification functions", percentage: 0)
        defer { context.endProgress() }
        return try await ResponseEvaluation.evaluate(
            functions: functions, responses: responses, timeout: limit, runner: sandbox,
            progress: { done, total in context.reportProgress(message: "\(done) of \(total) functions", percentage: done * 100 / max(total, 1)) })
    }

    /// The functions to run: a registered instruction's kept ones, or the given sources.
    private func functionSources(id: Int64?, functions: [String]?) throws -> [String] {
        switch (id, functions) {
        case (let id?, nil):
            return try storedInstruction(id, path: "params.instructionId").keptFunctions
        case (nil, let functions?):
            guard !functions.isEmpty else {
                throw RPCError.invalidParams("functions must not be empty", path: "params.functions")
            }
            return functions
        default:
            throw RPCError.invalidParams("give exactly one of instructionId and functions", path: "params")
        }
    }

    private func storedInstruction(_ id: Int64, path: String) throws -> StoredInstruction {
        guard let stored = try store.instruction(id: id) else {
            throw RPCError(.notFound, "no instruction with id \(id)", data: ["path": .string(path)])
        }
        return stored
    }

    /// A request's time limit (its bounds, (0, 300] s, are in the params schema).
    private func timeout(_ seconds: Double?) -> Duration? {
        seconds.map { .milliseconds(Int64($0 * 1000)) }
    }

    static func wire(_ stored: StoredInstruction, includeSources: Bool) -> InstructionWire.Instruction {
        InstructionWire.Instruction(
            id: stored.id, instruction: stored.instruction, createdAt: stored.createdAt, minAccuracy: stored.minAccuracy,
            keptFunctions: stored.functions.filter(\.kept).count, keptCases: stored.cases.filter(\.kept).count,
            functions: stored.functions.enumerated().map { index, f in
                .init(index: index, kept: f.kept, accuracy: f.accuracy, reason: f.reason, source: includeSources ? f.source : nil)
            },
            cases: stored.cases.map { .init(input: $0.input, output: $0.output, kept: $0.kept, agreeing: $0.agreeing) })
    }

    static func wire(_ result: ResponseEvaluation.Result, index: Int) -> InstructionWire.ResponseResult {
        InstructionWire.ResponseResult(
            index: index, passRate: result.passRate, passed: result.passed, total: result.total,
            outcomes: result.outcomes.enumerated().map { function, outcome in
                .init(function: function, passed: outcome.passed, error: outcome.failureReason)
            })
    }
}

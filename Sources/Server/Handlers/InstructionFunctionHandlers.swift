import AutoIF
import JSON
import JSONRPC
import MinosProtocol
import Store

/// AutoIF verification functions: register (cross-validate and store), list, get, delete,
/// evaluate and filter. Functions run in the sandbox pool, never in the daemon.
extension MinosServer {
    func registerInstructionFunctionHandlers() {
        let registry = InstructionRegistry(store: store, runner: sandbox)

        connection.register(InstructionsRegister.self) { [self] params, _ in
            let submission = InstructionRegistry.Submission(
                instruction: params.instruction, functions: params.functions,
                cases: params.cases.map { VerificationCase(input: $0.input, output: $0.output) }, answers: params.answers,
                policy: .init(minAccuracy: params.minAccuracy, minFunctions: params.minFunctions, minCases: params.minCases,
                              timeout: timeout(params.timeoutSeconds)))
            return Self.wire(try await registry.register(submission), includeSources: false)
        }

        connection.register(InstructionsList.self) { [self] params, _ in
            let (items, total) = try store.listInstructions(limit: params.limit, offset: params.offset)
            return InstructionsList.Result(instructions: items.map {
                .init(id: $0.id, instruction: $0.instruction, createdAt: $0.createdAt,
                      keptFunctions: $0.keptFunctions, keptCases: $0.keptCases)
            }, total: total)
        }

        connection.register(InstructionsGet.self) { params, _ in
            Self.wire(try registry.instruction(params.id, field: "id"), includeSources: true)
        }

        connection.register(InstructionsDelete.self) { params, _ in
            try registry.delete(params.id, field: "id")
            return InstructionsDelete.Result(deleted: params.id)
        }

        connection.register(InstructionsEvaluate.self) { [self] params, context in
            let (functions, evaluation) = try await evaluate(registry, params.instructionId, params.functions, params.responses,
                                                             params.timeoutSeconds, context)
            return InstructionsEvaluate.Result(
                results: evaluation.results.enumerated().map { index, result in Self.wire(result, index: index) },
                functionCount: functions.count,
                skipped: evaluation.skipped.map { .init(index: $0.0, reason: $0.1) })
        }

        connection.register(InstructionsFilter.self) { [self] params, context in
            let (_, evaluation) = try await evaluate(registry, params.instructionId, params.functions, params.responses,
                                                     params.timeoutSeconds, context)
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

    /// Runs the chosen functions over the responses, reporting progress.
    private func evaluate(_ registry: InstructionRegistry, _ id: Int64?, _ sources: [String]?, _ responses: [String],
                          _ timeoutSeconds: Double?, _ context: RequestContext) async throws
        -> (functions: [String], evaluation: ResponseEvaluation.Evaluation)
    {
        context.beginProgress(title: "Running verification functions", percentage: 0)
        defer { context.endProgress() }
        return try await registry.evaluate(
            instructionID: id, sources: sources, responses: responses, timeout: timeout(timeoutSeconds),
            progress: { done, total in context.reportProgress(message: "\(done) of \(total) functions", percentage: done * 100 / max(total, 1)) })
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

import Foundation
import JSON
import Store

/// AutoIF's instructions as the daemon keeps them: registering one cross-validates its functions
/// and cases in the sandbox and stores what survives; evaluating runs an instruction's kept
/// functions (or given ones) over responses.
public struct InstructionRegistry: Sendable {
    public let store: Store
    public let runner: any FunctionRunner

    public init(store: Store, runner: any FunctionRunner) {
        self.store = store
        self.runner = runner
    }

    /// Why a request could not be served, naming the param at fault.
    public enum Failure: Error, Sendable {
        /// A param is unusable.
        case invalid(field: String, message: String)
        /// No instruction has this id.
        case notFound(id: Int64, field: String)
        /// Too few functions or cases survived cross-validation; nothing was stored. `instruction`
        /// holds the per-function and per-case scores.
        case rejected(reasons: [String], instruction: StoredInstruction)
    }

    /// What a client submits: functions and cases, and/or AutoIF answers holding both.
    public struct Submission: Sendable {
        public var instruction: String
        public var functions: [String]
        public var cases: [VerificationCase]
        public var answers: [JSONValue]
        public var policy: CrossValidation.Policy

        public init(instruction: String, functions: [String], cases: [VerificationCase], answers: [JSONValue],
                    policy: CrossValidation.Policy) {
            self.instruction = instruction
            self.functions = functions
            self.cases = cases
            self.answers = answers
            self.policy = policy
        }
    }

    /// Cross-validates the submission and stores it; returns the stored instruction.
    public func register(_ submission: Submission) async throws -> StoredInstruction {
        guard !submission.instruction.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Failure.invalid(field: "instruction", message: "instruction must not be empty")
        }
        var functions = submission.functions
        var cases = submission.cases
        for (index, answer) in submission.answers.enumerated() {
            do throws(AutoIFAnswer.ParseError) {
                let parsed = try AutoIFAnswer.parse(answer)
                functions.append(parsed.function)
                cases += parsed.cases
            } catch {
                throw Failure.invalid(field: "answers[\(index)]", message: "answers[\(index)]: \(error.message)")
            }
        }
        guard !functions.isEmpty else {
            throw Failure.invalid(field: "functions", message: "give at least one function (in functions or answers)")
        }
        let report = try await CrossValidation.run(functions: functions, cases: cases, policy: submission.policy, runner: runner)
        let stored = StoredInstruction(
            instruction: submission.instruction, minAccuracy: submission.policy.minAccuracy,
            functions: report.functions.map { .init(source: $0.source, kept: $0.kept, accuracy: $0.accuracy, reason: $0.reason) },
            cases: report.cases.map { .init(input: $0.input, output: $0.output, kept: $0.kept, agreeing: $0.agreeing) })
        guard report.accepted else { throw Failure.rejected(reasons: report.reasons, instruction: stored) }
        return try instruction(try store.insertInstruction(stored), field: "instruction")
    }

    /// The stored instruction with this id.
    public func instruction(_ id: Int64, field: String) throws -> StoredInstruction {
        guard let stored = try store.instruction(id: id) else { throw Failure.notFound(id: id, field: field) }
        return stored
    }

    /// Deletes the instruction with this id.
    public func delete(_ id: Int64, field: String) throws {
        guard try store.deleteInstruction(id: id) else { throw Failure.notFound(id: id, field: field) }
    }

    /// The functions to run: a registered instruction's kept ones (`instructionID`), or the given
    /// sources; exactly one of the two.
    public func functions(instructionID: Int64?, sources: [String]?) throws -> [String] {
        switch (instructionID, sources) {
        case (let id?, nil):
            return try instruction(id, field: "instructionId").keptFunctions
        case (nil, let sources?):
            guard !sources.isEmpty else { throw Failure.invalid(field: "functions", message: "functions must not be empty") }
            return sources
        default:
            throw Failure.invalid(field: "", message: "give exactly one of instructionId and functions")
        }
    }

    /// Runs the chosen functions over `responses` (see `functions(instructionID:sources:)`).
    public func evaluate(instructionID: Int64?, sources: [String]?, responses: [String], timeout: Duration?,
                         progress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void) async throws
        -> (functions: [String], evaluation: ResponseEvaluation.Evaluation)
    {
        let functions = try functions(instructionID: instructionID, sources: sources)
        let evaluation = try await ResponseEvaluation.evaluate(functions: functions, responses: responses, timeout: timeout,
                                                               runner: runner, progress: progress)
        return (functions, evaluation)
    }
}

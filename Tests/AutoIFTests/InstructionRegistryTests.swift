import AutoIF
import Foundation
import JSON
import Store
import Testing

@Suite("AutoIF instruction registry")
struct InstructionRegistryTests {
    let cases = [
        VerificationCase(input: "longer", output: true), VerificationCase(input: "tiny", output: false),
        VerificationCase(input: "abcde", output: true), VerificationCase(input: "ab", output: false),
    ]

    private func registry() throws -> InstructionRegistry {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("minos-registry-\(UUID().uuidString).sqlite").path
        return InstructionRegistry(store: try Store(path: path), runner: FakeRunner())
    }

    private func submission(_ functions: [String], answers: [JSONValue] = [], instruction: String = "Answer in five letters or more.")
        -> InstructionRegistry.Submission
    {
        .init(instruction: instruction, functions: functions, cases: cases, answers: answers, policy: .init())
    }

    @Test("registering keeps the accurate functions, stores them, and evaluation runs the kept ones")
    func registerAndEvaluate() async throws {
        let registry = try registry()
        let stored = try await registry.register(submission(["long", "always", "long-b"]))
        let id = try #require(stored.id)
        #expect(stored.keptFunctions == ["long", "long-b"])
        #expect(try registry.instruction(id, field: "id") == stored)
        #expect(try registry.functions(instructionID: id, sources: nil) == ["long", "long-b"])
        let run = try await registry.evaluate(instructionID: id, sources: nil, responses: ["abcdef", "ab"], timeout: nil, progress: { _, _ in })
        #expect(run.evaluation.results.map(\.passRate) == [1, 0])
        try registry.delete(id, field: "id")
        #expect(throws: InstructionRegistry.Failure.self) { try registry.instruction(id, field: "id") }
    }

    @Test("a rejected instruction is not stored, and the failure carries every function's score")
    func rejected() async throws {
        let registry = try registry()
        do {
            _ = try await registry.register(submission(["always", "never"]))
            Issue.record("expected a rejection")
        } catch InstructionRegistry.Failure.rejected(let reasons, let instruction) {
            #expect(!reasons.isEmpty)
            #expect(instruction.functions.count == 2)
            #expect(instruction.functions.allSatisfy { !$0.kept })
        }
        #expect(try registry.store.listInstructions(limit: 10, offset: 0).total == 0)
    }

    @Test("bad submissions name the field at fault", arguments: [
        (["long"], [JSONValue](), "  ", "instruction"),
        ([], [], "Be long.", "functions"),
        (["long"], ["no json here"], "Be long.", "answers[0]"),
    ] as [([String], [JSONValue], String, String)])
    func badSubmissions(functions: [String], answers: [JSONValue], instruction: String, field: String) async throws {
        let registry = try registry()
        do {
            _ = try await registry.register(submission(functions, answers: answers, instruction: instruction))
            Issue.record("expected a failure naming \(field)")
        } catch InstructionRegistry.Failure.invalid(let named, _) {
            #expect(named == field)
        }
    }

    @Test("functions come from exactly one of an instruction id and sources")
    func functionSources() throws {
        let registry = try registry()
        #expect(try registry.functions(instructionID: nil, sources: ["long"]) == ["long"])
        for (id, sources) in [(nil, nil), (Int64(1), ["long"]), (nil, [])] as [(Int64?, [String]?)] {
            #expect(throws: InstructionRegistry.Failure.self) { try registry.functions(instructionID: id, sources: sources) }
        }
        #expect(throws: InstructionRegistry.Failure.self) { try registry.functions(instructionID: 99, sources: nil) }
    }
}

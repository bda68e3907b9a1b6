import AutoIF
import JSON
import Sandbox
import Testing

/// A runner that evaluates "functions" named by a tiny vocabulary, so the cross-validation logic
/// is tested without Python.
struct FakeRunner: FunctionRunner {
    func run(source: String, inputs: [String], timeout: Duration?) async throws -> FunctionRun {
        switch source {
        case "long": return .outcomes(inputs.map { .value($0.count >= 5) })
        case "long-b": return .outcomes(inputs.map { .value($0.count > 4) })
        case "always": return .outcomes(inputs.map { _ in .value(true) })
        case "never": return .outcomes(inputs.map { _ in .value(false) })
        case "broken": return .compileError("SyntaxError: invalid syntax")
        case "crashes-on-x": return .outcomes(inputs.map { $0 == "x" ? .crashed("killed by SIGKILL") : .value(true) })
        case "slow": return .outcomes(inputs.map { _ in .timeout })
        default: return .outcomes(inputs.map { _ in .error("unknown fake \(source)") })
        }
    }
}

@Suite("AutoIF cross-validation")
struct CrossValidationTests {
    let cases = [
        VerificationCase(input: "longer", output: true), VerificationCase(input: "tiny", output: false),
        VerificationCase(input: "abcde", output: true), VerificationCase(input: "ab", output: false),
    ]

    @Test("keeps accurate functions, drops inaccurate and broken ones, and says why")
    func basic() async throws {
        let report = try await CrossValidation.run(functions: ["long", "long-b", "always", "broken", "slow"], cases: cases,
                                                   policy: .init(), runner: FakeRunner())
        #expect(report.accepted)
        #expect(report.functions.map(\.kept) == [true, true, false, false, false])
        #expect(report.functions[0].accuracy == 1)
        #expect(report.functions[2].accuracy == 0.5)
        #expect(report.functions[2].reason?.contains("below") == true)
        #expect(report.functions[3].reason?.contains("does not compile") == true)
        #expect(report.functions[4].reason?.contains("timed out") == true)
        #expect(report.keptCases == 4)
    }

    @Test("a function failing on any case is dropped before voting")
    func failsOnOneCase() async throws {
        let report = try await CrossValidation.run(
            functions: ["crashes-on-x", "long"], cases: cases + [VerificationCase(input: "x", output: false)],
            policy: .init(), runner: FakeRunner())
        #expect(report.functions[0].kept == false)
        #expect(report.functions[0].reason?.contains("fails on case 4") == true)
        #expect(report.functions[0].accuracy == nil)
    }

    @Test("a case no function agrees with is dropped, and accuracy counts kept cases only")
    func caseFiltering() async throws {
        let mislabelled = cases + [VerificationCase(input: "wrongly labelled", output: false)]
        let report = try await CrossValidation.run(functions: ["long", "long-b"], cases: mislabelled,
                                                   policy: .init(), runner: FakeRunner())
        #expect(report.cases.map(\.kept) == [true, true, true, true, false])
        #expect(report.cases[4].agreeing == 0)
        #expect(report.functions.allSatisfy { $0.accuracy == 1 && $0.kept })
    }

    @Test("functions and cases are de-duplicated")
    func deduplication() async throws {
        let report = try await CrossValidation.run(functions: ["long", "long\n", "long"], cases: cases + cases,
                                                   policy: .init(), runner: FakeRunner())
        #expect(report.functions.count == 1)
        #expect(report.cases.count == 4)
    }

    @Test("refused when too few functions or cases survive, with reasons", arguments: [
        (CrossValidation.Policy(minFunctions: 3), "functions survived"),
        (CrossValidation.Policy(minCases: 10), "cases survived"),
        (CrossValidation.Policy(minAccuracy: 1.0, minFunctions: 3), "functions survived"),
    ])
    func refusal(policy: CrossValidation.Policy, reason: String) async throws {
        let report = try await CrossValidation.run(functions: ["long", "long-b", "always"], cases: cases,
                                                   policy: policy, runner: FakeRunner())
        #expect(!report.accepted)
        #expect(report.reasons.contains { $0.contains(reason) })
    }

    @Test("AutoIF's release thresholds: 3 functions and 10 cases")
    func releaseThresholds() async throws {
        let many = (0..<12).map { VerificationCase(input: String(repeating: "a", count: $0 + 1), output: $0 + 1 >= 5) }
        let report = try await CrossValidation.run(functions: ["long", "long-b", "always", "never"], cases: many,
                                                   policy: .init(minAccuracy: 0.8, minFunctions: 3, minCases: 10), runner: FakeRunner())
        #expect(!report.accepted)  // only the two length checks reach 0.8
        #expect(report.keptFunctions == 2)
        #expect(report.keptCases == 12)
    }
}

@Suite("Execution feedback")
struct ResponseEvaluationTests {
    @Test("pass rates count failures as not passed and skip functions that do not compile")
    func passRates() async throws {
        let evaluation = try await ResponseEvaluation.evaluate(
            functions: ["long", "always", "broken", "slow"], responses: ["longer", "no"], timeout: nil, runner: FakeRunner())
        #expect(evaluation.skipped.map(\.0) == [2])
        #expect(evaluation.results.map(\.total) == [3, 3])
        #expect(evaluation.results.map(\.passed) == [2, 1])
        #expect(evaluation.results[1].outcomes[2] == .timeout)
    }

    @Test("rejection sampling keeps pass rates strictly above the threshold")
    func kept() {
        let results = [0.0, 0.5, 0.75, 1.0].map { ResponseEvaluation.Result(passRate: $0, passed: 0, total: 4, outcomes: []) }
        #expect(ResponseEvaluation.kept(results, threshold: 0.5) == [2, 3])
        #expect(ResponseEvaluation.kept(results, threshold: 0) == [1, 2, 3])
    }

    @Test("DPO pairs: chosen at 0.5 or more, rejected at 0, best first, capped")
    func pairs() {
        let rates = [0.0, 0.5, 1.0, 0.25, 0.0]
        let results = rates.map { ResponseEvaluation.Result(passRate: $0, passed: 0, total: 4, outcomes: []) }
        let pairs = ResponseEvaluation.pairs(results, limit: 100)
        #expect(pairs.map { [$0.chosen, $0.rejected] } == [[2, 0], [2, 4], [1, 0], [1, 4]])
        #expect(ResponseEvaluation.pairs(results, limit: 3).count == 3)
    }
}

@Suite("AutoIF answers")
struct AutoIFAnswerTests {
    @Test("an answer object")
    func object() throws {
        let parsed = try AutoIFAnswer.parse(["func": "def evaluate(r): return True", "cases": [["input": "a", "output": true], ["input": "b", "output": "False"]]])
        #expect(parsed.function == "def evaluate(r): return True")
        #expect(parsed.cases == [VerificationCase(input: "a", output: true), VerificationCase(input: "b", output: false)])
    }

    @Test("a model reply with a fenced json block, prose around it")
    func fenced() throws {
        let reply = """
            Sure! Here is the verification function and test cases:
            ```python
            print("not this one")
            ```
            ```json
            {"func": "def evaluate(response):\\n    return 'x' in response", "cases": [{"input": "x", "output": true}]}
            ```
            Let me know if you need more.
            """
        let parsed = try AutoIFAnswer.parse(.string(reply))
        #expect(parsed.function.contains("'x' in response"))
        #expect(parsed.cases.count == 1)
    }

    @Test("a reply with a bare JSON object")
    func bare() throws {
        let parsed = try AutoIFAnswer.parse(.string(#"Answer: {"func": "def evaluate(r):\n    return True", "cases": []} done"#))
        #expect(parsed.cases.isEmpty)
    }

    @Test("malformed answers are refused with the reason", arguments: [
        (JSONValue.string("no json here"), "no JSON"),
        (["cases": []], "func"),
        (["func": "def evaluate(r): return 1"], "cases"),
        (["func": "f", "cases": [["input": 1, "output": true]]], "input"),
        (["func": "f", "cases": [["input": "a", "output": "maybe"]]], "output"),
        (JSONValue.int(5), "object"),
    ] as [(JSONValue, String)])
    func malformed(answer: JSONValue, fragment: String) {
        #expect {
            try AutoIFAnswer.parse(answer)
        } throws: { error in
            "\(error)".contains(fragment)
        }
    }
}

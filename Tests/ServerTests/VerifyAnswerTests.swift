import Foundation
import JSON
import TestSupport
import Testing

/// Rule-based answer checking through the daemon. The rules themselves are tested in FeaturesTests.
@Suite("Answer verification (end to end)")
struct VerifyAnswerTests {
    private func daemon() throws -> InProcessDaemon {
        try InProcessDaemon()
    }

    @Test("verify/answer extracts from a solution and compares", arguments: [
        (["solution": "so it is \\boxed{\\frac{1}{2}}", "reference": "0.5"] as JSONValue, true, "boxed"),
        (["solution": "so it is \\boxed{\\frac{1}{2}}", "reference": "0.51"] as JSONValue, false, "boxed"),
        (["solution": "Total.\n#### 1,234", "reference": "1234"] as JSONValue, true, "gsm8k"),
        (["solution": "The answer is: 5.", "reference": "5"] as JSONValue, true, "the answer is"),
    ])
    func answer(params: JSONValue, equivalent: Bool, extraction: String) throws {
        let result = try #require(try daemon().call("verify/answer", params)["result"])
        #expect(result["equivalent"] == .bool(equivalent))
        #expect(result["extraction"] == .string(extraction))
        #expect(result["reason"]?.stringValue?.isEmpty == false)
    }

    @Test("verify/answer reads a bare answer in solution whole, and a worked-solution reference by its marker", arguments: [
        (["solution": "\\frac{1}{2}", "reference": "0.5"] as JSONValue, true, "whole", "given"),
        (["solution": "\\frac{1}{2}", "reference": "2"] as JSONValue, false, "whole", "given"),
        (["solution": "so it is 5", "reference": "5"] as JSONValue, true, "last number", "given"),
        (["answer": "18", "reference": "9 * 2 = 18 dollars.\n#### 18"] as JSONValue, true, "given", "gsm8k"),
        (["answer": "0.75", "reference": "so $\\boxed{\\frac34}$."] as JSONValue, true, "given", "boxed"),
        (["answer": "5", "reference": "#### 5", "referenceForm": "answer"] as JSONValue, true, "given", "given"),
        (["answer": "5", "reference": "She has 5 apples in all", "referenceForm": "solution"] as JSONValue, true, "given", "last number"),
    ])
    func sides(params: JSONValue, equivalent: Bool, extraction: String, referenceExtraction: String) throws {
        let result = try #require(try daemon().call("verify/answer", params)["result"])
        #expect(result["equivalent"] == .bool(equivalent), "\(result)")
        #expect(result["extraction"] == .string(extraction))
        #expect(result["referenceExtraction"] == .string(referenceExtraction))
        #expect((result["extractedReference"] != nil) == (referenceExtraction != "given"))
    }

    @Test("an unknown referenceForm is -32602")
    func badReferenceForm() throws {
        #expect(try daemon().call("verify/answer", ["answer": "1", "reference": "1", "referenceForm": "essay"]).errorCode == -32602)
    }

    @Test("verify/answerBatch reports each verdict and the accuracy")
    func batch() throws {
        let result = try daemon().call("verify/answerBatch", ["pairs": [
            ["answer": "x^2-1", "reference": "(x-1)(x+1)"], ["answer": "2x+1", "reference": "2x-1"],
            ["answer": "\\{1,2\\}", "reference": "\\{2,1\\}"], ["answer": "(1,2)", "reference": "(2,1)"],
        ]])["result"]
        #expect(result?["verdicts"]?.arrayValue?.map { $0["equivalent"] } == [true, false, true, false])
        #expect(result?["accuracy"] == 0.5)
    }

    @Test("neither or both of solution and answer is -32602 at the pair")
    func badPairs() throws {
        let d = try daemon()
        #expect(try d.call("verify/answer", ["reference": "1"]).errorCode == -32602)
        let reply = try d.call("verify/answerBatch", ["pairs": [["answer": "1", "reference": "1"], ["answer": "1", "solution": "1", "reference": "1"]]])
        #expect(reply.errorCode == -32602)
        #expect(reply["error"]?["data"]?["path"] == "params.pairs[1]")
    }

    @Test("verify/steps and verify/outcome give valid probabilities from a verifier model")
    func stepsAndOutcome() throws {
        let d = try daemon()
        #expect(try d.call("model/load", ["path": .string(try syntheticModelPath()), "name": "v"])["result"] != nil)
        let result = try #require(try d.call("verify/steps", ["model": "v", "profile": "judge", "question": "What is 2+3?",
                                                              "solution": "2+3 = 5\nso the answer is 5"])["result"])
        let steps = try #require(result["steps"]?.arrayValue)
        #expect(steps.count == 2)
        var probabilities: [Double] = []
        for step in steps {
            let p = try #require(step["probability"]?.doubleValue), odds = try #require(step["logOdds"]?.doubleValue)
            #expect(p > 0 && p < 1)
            #expect(abs(p - 1 / (1 + exp(-odds))) < 1e-9)
            probabilities.append(p)
        }
        let aggregates = try #require(result["aggregates"])
        #expect(aggregates["min"]?.doubleValue == probabilities.min())
        #expect(aggregates["last"]?.doubleValue == probabilities.last)
        #expect(abs((aggregates["product"]?.doubleValue ?? 0) - probabilities.reduce(1, *)) < 1e-12)
        // Steps given directly score the same as the split solution.
        let direct = try d.call("verify/steps", ["model": "v", "profile": "judge", "question": "What is 2+3?",
                                                 "steps": ["2+3 = 5", "so the answer is 5"]])["result"]
        #expect(direct?["steps"] == result["steps"])
        let outcome = try #require(try d.call("verify/outcome", ["model": "v", "profile": "judge", "question": "q", "solution": "5"])["result"])
        #expect((outcome["probability"]?.doubleValue ?? -1) > 0)
        #expect(try d.call("verify/steps", ["model": "v", "profile": "nope", "question": "q", "solution": "a"]).errorCode == -32602)
        #expect(try d.call("verify/steps", ["model": "w", "question": "q", "solution": "a"]).errorCode == -33000)
        #expect(try d.call("verify/steps", ["model": "v", "question": "q", "solution": "\n\n"]).errorCode == -32602)
    }

    @Test("verify/rank: majority without a model; verifier methods with one")
    func rank() throws {
        let d = try daemon()
        let candidates: JSONValue = ["so \\boxed{12}", "#### 15", "The answer is 12.", "I give up"]
        let majority = try #require(try d.call("verify/rank", ["question": "q", "candidates": candidates, "reference": "12"])["result"])
        #expect(majority["answer"] == "12")
        #expect(majority["correct"] == true)
        #expect(majority["support"] == 0.5)
        #expect(try d.call("verify/rank", ["question": "q", "candidates": candidates, "method": "verifier"]).errorCode == -32602)
        #expect(try d.call("model/load", ["path": .string(try syntheticModelPath()), "name": "v"])["result"] != nil)
        for method in ["verifier", "weighted", "verifierMajority"] {
            let result = try #require(try d.call("verify/rank", ["question": "What is 3 * 4?", "candidates": candidates, "method": .string(method),
                                                                 "model": "v", "profile": "judge"])["result"], "\(method)")
            let scores = result["candidates"]?.arrayValue?.compactMap { $0["score"]?.doubleValue } ?? []
            #expect(scores.count == 4)
            #expect(scores.allSatisfy { $0 > 0 && $0 < 1 })
            #expect(result["chosen"]?.intValue != nil)
        }
    }

    @Test("user-defined verifier profiles are stored, used, listed, deleted, and survive a restart")
    func profiles() throws {
        let path = temporaryStorePath()
        let profile: JSONValue = ["name": "my-judge", "template": "Q: {question}\nA: {solution}", "stepSplit": "newlines",
                                  "stepMarker": "\nok?", "outcomeMarker": "\nright?", "positive": " y", "negative": " n"]
        do {
            let d = try DaemonProcess(arguments: ["--db", path, "--no-handshake"])
            #expect(try d.call("verify/profiles/save", ["profile": profile])["result"]?["name"] == "my-judge")
            var builtIn = profile.objectValue!
            builtIn["name"] = "judge"
            #expect(try d.call("verify/profiles/save", ["profile": .object(builtIn)]).errorCode == -32602)
            var bad = profile.objectValue!
            bad["template"] = "no placeholders"
            #expect(try d.call("verify/profiles/save", ["profile": .object(bad)])["error"]?["data"]?["path"] == "params.profile.template")
            d.closeInput()
            _ = try d.waitForExit()
        }
        let d = try DaemonProcess(arguments: ["--db", path, "--no-handshake"])
        let names = try d.call("verify/profiles/list")["result"]?["profiles"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["math-shepherd", "math-minos", "judge", "my-judge"])
        #expect(try d.call("model/load", ["path": .string(try syntheticModelPath()), "name": "v"])["result"] != nil)
        let steps = try d.call("verify/steps", ["model": "v", "profile": "my-judge", "question": "q", "solution": "a\nb"])["result"]
        #expect(steps?["profile"] == "my-judge")
        #expect(steps?["steps"]?.arrayValue?.count == 2)
        #expect(try d.call("verify/profiles/delete", ["name": "my-judge"])["result"]?["deleted"] == "my-judge")
        #expect(try d.call("verify/profiles/delete", ["name": "my-judge"]).errorCode == -33008)
        #expect(try d.call("verify/steps", ["model": "v", "profile": "my-judge", "question": "q", "solution": "a"]).errorCode == -32602)
    }

    @Test("verify/critique generates feedback and returns its parsed structure")
    func critique() throws {
        let d = try daemon()
        #expect(try d.call("model/load", ["path": .string(try syntheticModelPath()), "name": "c"])["result"] != nil)
        let result = try #require(try d.call("verify/critique", ["model": "c", "question": "What is 2+2?", "solution": "Step 1: 4", "maxTokens": 12])["result"])
        #expect(result["feedback"]?.stringValue != nil)
        #expect(result["steps"]?.arrayValue != nil)
        // Greedy by default: the same feedback twice.
        let again = try d.call("verify/critique", ["model": "c", "question": "What is 2+2?", "solution": "Step 1: 4", "maxTokens": 12])["result"]
        #expect(again?["feedback"] == result["feedback"])
        #expect(try d.call("verify/critique", ["model": "c", "question": "q", "solution": "s", "temperature": -1]).errorCode == -32602)
        #expect(try d.call("verify/critique", ["model": "nope", "question": "q", "solution": "s"]).errorCode == -33000)
    }
}

import JSON
import TestSupport
import Testing

/// IFEval checks through the daemon: wire shapes, modes, accuracies and error paths. The checkers'
/// own semantics are tested in FeaturesTests.
@Suite("IFEval checks (end to end)")
struct InstructionCheckTests {
    private func daemon() throws -> InProcessDaemon {
        try InProcessDaemon()
    }

    @Test("check returns per-instruction verdicts in both modes by default")
    func checkBothModes() throws {
        let d = try daemon()
        let reply = try d.call("instructions/check", [
            "response": "Sure, here you go.\nHELLO WORLD THIS IS LOUD\nBye",
            "instructions": [["id": "change_case:english_capital"], ["id": "punctuation:no_comma"]],
        ])
        let result = try #require(reply["result"], "\(reply)")
        #expect(result["strict"]?["instructions"]?[0]?["followed"] == false)
        #expect(result["loose"]?["instructions"]?[0]?["followed"] == true)
        #expect(result["strict"]?["instructions"]?[1]?["followed"] == false)
        #expect(result["loose"]?["instructions"]?[1]?["followed"] == true)  // the comma was in the first line
        #expect(result["strict"]?["allFollowed"] == false)
        #expect(result["loose"]?["allFollowed"] == true)
        #expect(result["loose"]?["instructions"]?[0]?["detail"]?.stringValue?.isEmpty == false)
    }

    @Test("mode strict or loose returns only that mode", arguments: ["strict", "loose"])
    func singleMode(mode: String) throws {
        let d = try daemon()
        let result = try d.call("instructions/check", ["response": "no commas here", "mode": .string(mode),
                                                       "instructions": [["id": "punctuation:no_comma"]]])["result"]
        #expect(result?[mode]?["allFollowed"] == true)
        #expect(result?[mode == "strict" ? "loose" : "strict"] == nil)
    }

    @Test("repeat_prompt takes the prompt when kwargs lack prompt_to_repeat")
    func repeatPrompt() throws {
        let d = try daemon()
        let result = try d.call("instructions/check", [
            "response": "Write a haiku about rain. Rain falls on the roof", "prompt": "Write a haiku about rain.",
            "mode": "strict", "instructions": [["id": "combination:repeat_prompt"]],
        ])["result"]
        #expect(result?["strict"]?["allFollowed"] == true)
    }

    @Test("checkBatch computes IFEval's four accuracies")
    func batchAccuracies() throws {
        let d = try daemon()
        let rows: JSONValue = [
            ["response": "all lower case, with a comma", "instructions": [["id": "change_case:english_lowercase"], ["id": "punctuation:no_comma"]]],
            ["response": "no comma and lower", "instructions": [["id": "change_case:english_lowercase"], ["id": "punctuation:no_comma"]]],
            ["response": "Intro line\nALL CAPS HERE\nOutro", "instructions": [["id": "change_case:english_capital"]]],
            ["response": "Has, commas, everywhere", "instructions": [["id": "punctuation:no_comma"]]],
        ]
        let result = try #require(try d.call("instructions/checkBatch", ["rows": rows])["result"])
        #expect(result["rows"]?.arrayValue?.count == 4)
        #expect(result["checks"] == 12)
        let accuracy = result["accuracy"]
        #expect(accuracy?["promptStrict"] == 0.25)          // row 1 only
        #expect(accuracy?["instructionStrict"] == 0.5)      // 3 of 6
        #expect(accuracy?["promptLoose"] == 0.5)            // rows 1 and 2 (capitals once the first and last lines go)
        #expect(accuracy?["instructionLoose"]?.doubleValue == 4.0 / 6.0)
    }

    @Test("an empty batch has no accuracies")
    func emptyBatch() throws {
        let d = try daemon()
        let result = try d.call("instructions/checkBatch", ["rows": []])["result"]
        #expect(result?["rows"] == [])
        #expect(result?["accuracy"] == [:])
    }

    @Test("unknown ids and bad kwargs are -32602 naming them", arguments: [
        ("instructions/check", ["response": "x", "instructions": [["id": "punctuation:no_comma"], ["id": "keywords:nonsense"]]] as JSONValue,
         "params.instructions[1].id", "keywords:nonsense"),
        ("instructions/check", ["response": "x", "instructions": [["id": "length_constraints:number_words", "kwargs": ["num_words": "ten", "relation": "at least"]]]] as JSONValue,
         "params.instructions[0].kwargs.num_words", "num_words"),
        ("instructions/check", ["response": "x", "instructions": [["id": "keywords:frequency", "kwargs": ["keyword": "a", "frequency": 2, "relation": "about"]]]] as JSONValue,
         "params.instructions[0].kwargs.relation", "relation"),
        ("instructions/checkBatch", ["rows": [["response": "x", "instructions": []], ["response": "y", "instructions": [["id": "startend:end_checker"]]]]] as JSONValue,
         "params.rows[1].instructions[0].kwargs.end_phrase", "end_phrase"),
        ("instructions/check", ["response": "x", "instructions": [["kwargs": [:]]]] as JSONValue,
         "params.instructions[0].id", "id"),
    ])
    func errors(method: String, params: JSONValue, path: String, mention: String) throws {
        let d = try daemon()
        let reply = try d.call(method, params)
        #expect(reply.errorCode == -32602)
        #expect(reply["error"]?["data"]?["path"] == .string(path))
        #expect(reply["error"]?["message"]?.stringValue?.contains(mention) == true, "\(reply)")
    }

    @Test("a large batch keeps row order")
    func order() throws {
        let d = try daemon()
        let rows = (0..<600).map { index -> JSONValue in
            ["response": .string(index % 2 == 0 ? "no commas" : "a, comma"), "instructions": [["id": "punctuation:no_comma"]]]
        }
        let result = try d.call("instructions/checkBatch", ["rows": .array(rows), "mode": "strict"])["result"]
        let followed = result?["rows"]?.arrayValue?.map { $0["strict"]?["allFollowed"] }
        #expect(followed == (0..<600).map { .bool($0 % 2 == 0) })
    }
}

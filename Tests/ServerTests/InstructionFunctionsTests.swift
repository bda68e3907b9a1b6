import Foundation
import JSON
import TestSupport
import Testing

/// AutoIF verification functions through the daemon: registration, storage, evaluation, and the
/// daemon staying healthy whatever the functions do.
@Suite("Verification functions (end to end)")
struct InstructionFunctionsTests {
    static let atLeastThree = "def evaluate(response):\n    return len(response.split()) >= 3"
    static let atLeastThreeB = "def evaluate(response):\n    return len([w for w in response.split()]) > 2"
    static let alwaysTrue = "def evaluate(response):\n    return True"
    static let loops = "def evaluate(response):\n    while True:\n        pass"
    static let cases: JSONValue = [
        ["input": "one two three", "output": true], ["input": "just two", "output": false],
        ["input": "a b c d", "output": true], ["input": "one", "output": false],
    ]

    private func daemon(_ path: String = ":memory:") throws -> DaemonProcess {
        let d = try DaemonProcess(arguments: ["--db", path, "--no-handshake", "--sandbox-timeout", "1"])
        return d
    }

    private func register(_ d: DaemonProcess, _ functions: [String], minFunctions: Int = 1) throws -> JSONValue {
        try d.call("instructions/register", [
            "instruction": "Answer in at least three words.",
            "functions": .array(functions.map(JSONValue.string)), "cases": Self.cases,
            "minFunctions": .int(Int64(minFunctions)),
        ])
    }

    @Test("register keeps agreeing functions, reports the rest, and survives a restart")
    func registerAndRestart() throws {
        let path = temporaryStorePath()
        var id: JSONValue?
        do {
            let d = try daemon(path)
            let reply = try register(d, [Self.atLeastThree, Self.atLeastThreeB, Self.alwaysTrue, "def evaluate(:"])
            let result = try #require(reply["result"], "\(reply)")
            id = result["id"]
            #expect(result["keptFunctions"] == 2)
            #expect(result["keptCases"] == 4)
            let functions = try #require(result["functions"]?.arrayValue)
            #expect(functions.map { $0["kept"] } == [true, true, false, false])
            #expect(functions[2]["accuracy"] == 0.5)
            #expect(functions[3]["reason"]?.stringValue?.contains("does not compile") == true)
            d.closeInput()
            #expect(try d.waitForExit() == 0)
        }
        let d = try daemon(path)
        let list = try d.call("instructions/list")["result"]
        #expect(list?["total"] == 1)
        #expect(list?["instructions"]?[0]?["id"] == id)
        let got = try d.call("instructions/get", ["id": id!])["result"]
        #expect(got?["functions"]?[0]?["source"] == .string(Self.atLeastThree))
        #expect(got?["cases"]?.arrayValue?.count == 4)
        #expect(try d.call("instructions/delete", ["id": id!])["result"]?["deleted"] == id)
        #expect(try d.call("instructions/get", ["id": id!]).errorCode == -33008)
        #expect(try d.call("instructions/delete", ["id": id!]).errorCode == -33008)
    }

    @Test("too few surviving functions: refused with -33009, reasons and scores, nothing stored")
    func refusal() throws {
        let d = try daemon()
        let reply = try register(d, [Self.atLeastThree, Self.alwaysTrue], minFunctions: 3)
        #expect(reply.errorCode == -33009)
        let data = try #require(reply["error"]?["data"])
        #expect(data["reasons"]?[0]?.stringValue?.contains("functions survived") == true)
        #expect(data["functions"]?.arrayValue?.count == 2)
        #expect(try d.call("instructions/list")["result"]?["total"] == 0)
    }

    @Test("AutoIF answers, including one fenced in a model reply")
    func answers() throws {
        let d = try daemon()
        let fenced = "Sure.\n```json\n{\"func\": \"def evaluate(response):\\n    return response.isupper()\", \"cases\": [{\"input\": \"HI THERE\", \"output\": true}, {\"input\": \"hi\", \"output\": false}]}\n```"
        let reply = try d.call("instructions/register", [
            "instruction": "Use capitals only.",
            "answers": [.string(fenced), ["func": "def evaluate(response):\n    return response == response.upper()",
                                          "cases": [["input": "OK", "output": true]]]],
        ])
        #expect(reply["result"]?["keptFunctions"] == 2, "\(reply)")
        #expect(reply["result"]?["keptCases"] == 3)
    }

    @Test("bad params are -32602 naming the field", arguments: [
        (["instruction": "x"] as JSONValue, "params.functions"),
        (["instruction": "", "functions": ["f"]] as JSONValue, "params.instruction"),
        (["instruction": "x", "functions": ["f"], "minAccuracy": 2] as JSONValue, "params.minAccuracy"),
        (["instruction": "x", "functions": ["f"], "timeoutSeconds": 0] as JSONValue, "params.timeoutSeconds"),
        (["instruction": "x", "answers": ["no json"]] as JSONValue, "params.answers[0]"),
        (["instruction": "x", "functions": [1]] as JSONValue, "params.functions[0]"),
        (["instruction": "x", "functions": ["f"], "cases": [["input": "a"]]] as JSONValue, "params.cases[0].output"),
    ])
    func badParams(params: JSONValue, path: String) throws {
        let d = try daemon()
        let reply = try d.call("instructions/register", params)
        #expect(reply.errorCode == -32602)
        #expect(reply["error"]?["data"]?["path"] == .string(path))
    }

    @Test("evaluate and filter over a registered instruction")
    func evaluateAndFilter() throws {
        let d = try daemon()
        let id = try #require(try register(d, [Self.atLeastThree, Self.atLeastThreeB])["result"]?["id"])
        let responses: JSONValue = ["yes", "yes it is", "this one has five words"]
        let evaluated = try d.call("instructions/evaluate", ["instructionId": id, "responses": responses])["result"]
        #expect(evaluated?["functionCount"] == 2)
        #expect(evaluated?["results"]?.arrayValue?.map { $0["passRate"] } == [0.0, 1.0, 1.0])
        let filtered = try d.call("instructions/filter", ["instructionId": id, "responses": responses, "pairs": true])["result"]
        #expect(filtered?["kept"] == [1, 2])
        #expect(filtered?["pairs"]?.arrayValue?.count == 2)
        #expect(filtered?["pairs"]?[0]?["rejected"] == "yes")
        #expect(try d.call("instructions/evaluate", ["instructionId": 999, "responses": responses]).errorCode == -33008)
        #expect(try d.call("instructions/evaluate", ["instructionId": id, "functions": ["f"], "responses": []]).errorCode == -32602)
    }

    @Test("a looping function fails per response while other requests are served")
    func loopingFunctionDoesNotBlock() throws {
        let d = try daemon()
        let slow = d.request("instructions/evaluate", ["functions": [.string(Self.loops), .string(Self.alwaysTrue)],
                                                       "responses": ["a", "b"]])
        #expect(try d.call("daemon/ping", ["echo": "alive"])["result"]?["echo"] == "alive")
        let reply = try d.reply(to: slow, timeout: 30)
        let results = try #require(reply["result"]?["results"]?.arrayValue, "\(reply)")
        #expect(results.map { $0["passRate"] } == [0.5, 0.5])
        #expect(results[0]["outcomes"]?[0]?["error"] == "timed out")
    }

    @Test("a function reading the store's file is refused")
    func cannotReadStore() throws {
        let path = temporaryStorePath()
        let d = try daemon(path)
        let reader = "def evaluate(response):\n    return len(open(\(String(reflecting: path)), 'rb').read()) > 0"
        let reply = try d.call("instructions/evaluate", ["functions": [.string(reader)], "responses": ["x"]])
        let error = reply["result"]?["results"]?[0]?["outcomes"]?[0]?["error"]?.stringValue
        #expect(error != nil, "\(reply)")
        #expect(reply["result"]?["results"]?[0]?["passRate"]?.doubleValue == 0)
    }

    @Test("cancelling an evaluation replies -32800 without waiting for the time limit")
    func cancelEvaluation() throws {
        let d = try DaemonProcess(arguments: ["--db", ":memory:", "--no-handshake", "--sandbox-timeout", "120"])
        let id = d.request("instructions/evaluate", ["functions": [.string(Self.loops)], "responses": ["a"]])
        #expect(try d.call("daemon/ping")["result"] != nil)
        d.notify("$/cancelRequest", ["id": .int(id)])
        #expect(try d.reply(to: id, timeout: 30).errorCode == -32800)
        // The sandbox recovers: the next evaluation runs normally.
        let next = try d.call("instructions/evaluate", ["functions": [.string(Self.alwaysTrue)], "responses": ["a"]])
        #expect(next["result"]?["results"]?[0]?["passRate"] == 1.0)
    }
}

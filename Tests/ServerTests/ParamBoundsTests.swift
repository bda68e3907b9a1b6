import Engine
import Foundation
import JSON
import MinosProtocol
import StepVerification
import TestSupport
import Testing

/// Each param's bounds are declared once, in its schema: for every bounded param of every method in
/// `rpc.discover`, values just inside and just outside the bounds get the same verdict from the
/// schema and from the daemon. Params start from the method's protocol example, so handlers run.
@Suite("Param bounds: schema and daemon agree (in process)")
struct ParamBoundsTests {
    /// One probe: a value for a param and whether the schema admits it.
    struct Probe: CustomStringConvertible {
        var method: String
        var param: String
        var value: JSONValue
        var admitted: Bool
        var description: String { "\(method) \(param)=\(value.serializedString()) (\(admitted ? "inside" : "outside"))" }
    }

    /// Values just inside and just outside each declared numeric bound.
    static func probes(for method: String, param: String, schema: JSONValue) -> [Probe] {
        let integer = schema["type"]?.stringValue == "integer"
        let step = integer ? 1.0 : 0.001
        func value(_ x: Double) -> JSONValue { integer ? .int(Int64(x)) : .double(x) }
        func number(_ key: String) -> Double? {
            switch schema[key] { case .int(let i)?: return Double(i); case .double(let d)?: return d; default: return nil }
        }
        var probes: [Probe] = []
        if let m = number("minimum") {
            probes += [Probe(method: method, param: param, value: value(m), admitted: true),
                       Probe(method: method, param: param, value: value(m - step), admitted: false)]
        }
        if let m = number("maximum") {
            probes += [Probe(method: method, param: param, value: value(m), admitted: true),
                       Probe(method: method, param: param, value: value(m + step), admitted: false)]
        }
        if let m = number("exclusiveMinimum") {
            probes += [Probe(method: method, param: param, value: value(m + step), admitted: true),
                       Probe(method: method, param: param, value: value(m), admitted: false)]
        }
        if let m = number("exclusiveMaximum") {
            probes += [Probe(method: method, param: param, value: value(m - step), admitted: true),
                       Probe(method: method, param: param, value: value(m), admitted: false)]
        }
        return probes
    }

    /// The example exchange that calls `method`: its sends before the call, and the call's params.
    static func example(for method: String) throws -> (setup: [JSONValue], params: [String: JSONValue], models: [JSONValue])? {
        for file in ProtocolDocumentTests.exampleFiles {
            let example = try JSONValue.parse(Array(try Data(contentsOf: ProtocolDocumentTests.protocolDirectory.appendingPathComponent("examples/\(file)"))))
            let sends = (example["exchange"]?.arrayValue ?? []).compactMap { $0["send"] }
            guard let index = sends.firstIndex(where: { $0["method"]?.stringValue == method && $0["id"] != nil }),
                  case .object(let params)? = sends[index]["params"] else { continue }
            return (Array(sends[..<index]), params, (example["model"].map { [$0] } ?? []) + (example["models"]?.arrayValue ?? []))
        }
        return nil
    }

    @Test("values just inside and just outside every declared bound get the schema's verdict from the daemon")
    func boundsAgree() throws {
        let document = OpenRPCDocument.make()
        var checked = 0
        for method in document["methods"]?.arrayValue ?? [] {
            guard let name = method["name"]?.stringValue else { continue }
            let bounded = (method["params"]?.arrayValue ?? []).flatMap { param -> [Probe] in
                guard let paramName = param["name"]?.stringValue, let schema = param["schema"] else { return [] }
                return Self.probes(for: name, param: paramName, schema: schema)
            }
            guard !bounded.isEmpty else { continue }
            let example = try #require(try Self.example(for: name), "no example calls \(name)")
            for model in example.models { try ProtocolDocumentTests.writeModel(model) }
            let d = try InProcessDaemon(InProcessDaemon.configuration(noHandshake: true))
            for message in example.setup where message["id"] != nil {
                let setup = d.request(message["method"]!.stringValue!, message["params"])
                // Generous: the whole suite may be running beside this on two cores.
                guard (try? d.reply(to: setup, timeout: 120)) != nil else {
                    Issue.record("\(name): no reply to the example's setup \(message.serializedString())")
                    break
                }
            }
            for probe in bounded {
                var params = example.params
                params[probe.param] = probe.value
                let id = d.request(name, .object(params))
                var reply = try? d.reply(to: id, timeout: 3)
                if reply == nil {   // still working: the value was taken; stop it
                    d.notify("$/cancelRequest", ["id": .int(id)])
                    reply = try? d.reply(to: id, timeout: 120)
                    if reply == nil { Issue.record("\(probe): no reply, even after $/cancelRequest") }
                }
                let refused = reply?.errorCode == -32602 && reply?["error"]?["data"]?["path"] == .string("params.\(probe.param)")
                #expect(refused != probe.admitted, "\(probe): daemon replied \(reply?.serializedString() ?? "nothing")")
                checked += 1
            }
        }
        #expect(checked > 30)
    }
}

/// Each param's default is declared once, beside its bounds: the schema publishes it, the daemon
/// fills it in before the handler decodes, and it lies inside the bounds it is published with.
@Suite("Param defaults: declared once, published and applied")
struct ParamDefaultsTests {
    @Test("every published default satisfies its own schema and is filled in for an absent param")
    func defaultsAreValidAndApplied() throws {
        var count = 0
        for method in MethodRegistry.all {
            for doc in method.params {
                guard let value = doc.defaultValue else { continue }
                count += 1
                #expect(doc.schema["default"] == value, "\(method.name) \(doc.name): the schema does not publish its default")
                #expect(doc.documentation.contains(value.serializedString()), "\(method.name) \(doc.name): the summary does not say its default")
                #expect(throws: Never.self, "\(method.name) \(doc.name)=\(value.serializedString()) is outside its own bounds") {
                    try ParamValidator.validate(.object([doc.name: value]), against: method.params)
                }
                if let allowed = doc.schema["enum"]?.arrayValue {
                    #expect(allowed.contains(value), "\(method.name) \(doc.name): default not among \(allowed)")
                }
                // An object default gets its members' own defaults too; every member it names stays.
                func matches(_ filled: JSONValue?) -> Bool {
                    guard case .object(let declared) = value else { return filled == value }
                    return declared.allSatisfy { filled?[$0.key] == $0.value }
                }
                let prepared = try ParamValidator.prepare(method: method.name, params: [:])
                #expect(matches(prepared[doc.name]), "\(method.name) \(doc.name): absent but not filled in")
                let given = try ParamValidator.prepare(method: method.name, params: .object([doc.name: value]))
                #expect(matches(given[doc.name]))
            }
        }
        #expect(count > 30)
        // Nested: a pair of verify/answerBatch without referenceForm gets the declared one.
        let batch = try ParamValidator.prepare(method: "verify/answerBatch", params: ["pairs": [["answer": "1", "reference": "1"]]])
        #expect(batch["pairs"]?[0]?["referenceForm"] == "auto")
        #expect(batch["pairs"]?[0]?["kind"] == nil)   // a pair's kind defaults to the batch's, which the handler applies
        // Nested in an object default: session/open's compression gets every member's default.
        let open = try ParamValidator.prepare(method: "session/open", params: ["model": "m", "prompt": "x", "compression": ["budget": 64]])
        #expect(open["compression"] == ["method": "none", "budget": 64, "window": 8, "kernel": 7, "pooling": "avg", "beta": 20])
    }

    @Test("text/generate's declared sampling defaults are the engine's own")
    func samplingDefaultsMatchTheEngine() throws {
        let docs = Dictionary(uniqueKeysWithValues: TextGenerate.params.map { ($0.name, $0.defaultValue) })
        func number(_ name: String) -> Double? { docs[name]??.doubleValue }
        let engine = SamplingParameters()
        #expect(number("temperature") == engine.temperature)
        #expect(number("topK").map(Int.init) == engine.topK)
        #expect(number("topP") == engine.topP)
        #expect(number("minP") == engine.minP)
        #expect(number("repetitionPenalty") == engine.repetitionPenalty)
        #expect(number("frequencyPenalty") == engine.frequencyPenalty)
        #expect(number("presencePenalty") == engine.presencePenalty)
        #expect(number("penaltyWindow").map(Int.init) == engine.penaltyWindow)
    }

    @Test("the declared verifier profile default names a built-in profile")
    func profileDefaultIsBuiltIn() throws {
        let value = try #require(VerifySteps.params.first { $0.name == "profile" }?.defaultValue?.stringValue)
        #expect(VerifierProfile.builtIn.contains { $0.name == value })
    }

    @Test("a generation without sampling params equals one that sends every declared default")
    func omittedEqualsDeclared() throws {
        let d = try InProcessDaemon(InProcessDaemon.configuration())
        _ = try d.call("model/load", ["path": .string(try syntheticModelPath()), "name": "tiny"])
        var explicit: [String: JSONValue] = ["model": "tiny", "prompt": "once upon", "seed": 7]
        for doc in TextGenerate.params { if let value = doc.defaultValue { explicit[doc.name] = value } }
        explicit["maxTokens"] = 24
        let omitted: JSONValue = ["model": "tiny", "prompt": "once upon", "seed": 7, "maxTokens": 24]
        let a = try #require(try d.call("text/generate", omitted)["result"])
        let b = try #require(try d.call("text/generate", .object(explicit))["result"])
        #expect(a["tokens"] == b["tokens"])
        #expect(a["tokenCount"] == 24)
    }
}

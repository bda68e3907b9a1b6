import Foundation
import JSON
import MinosProtocol
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
    static func example(for method: String) throws -> (setup: [JSONValue], params: [String: JSONValue], model: JSONValue?)? {
        for file in ProtocolDocumentTests.exampleFiles {
            let example = try JSONValue.parse(Array(try Data(contentsOf: ProtocolDocumentTests.protocolDirectory.appendingPathComponent("examples/\(file)"))))
            let sends = (example["exchange"]?.arrayValue ?? []).compactMap { $0["send"] }
            guard let index = sends.firstIndex(where: { $0["method"]?.stringValue == method && $0["id"] != nil }),
                  case .object(let params)? = sends[index]["params"] else { continue }
            return (Array(sends[..<index]), params, example["model"])
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
            if let model = example.model { try ProtocolDocumentTests.writeModel(model) }
            let d = try InProcessDaemon(InProcessDaemon.configuration(noHandshake: true))
            for message in example.setup where message["id"] != nil {
                _ = try d.call(message["method"]!.stringValue!, message["params"])
            }
            for probe in bounded {
                var params = example.params
                params[probe.param] = probe.value
                let id = d.request(name, .object(params))
                var reply = try? d.reply(to: id, timeout: 3)
                if reply == nil {   // still working: the value was taken; stop it
                    d.notify("$/cancelRequest", ["id": .int(id)])
                    reply = try d.reply(to: id)
                }
                let refused = reply?.errorCode == -32602 && reply?["error"]?["data"]?["path"] == .string("params.\(probe.param)")
                #expect(refused != probe.admitted, "\(probe): daemon replied \(reply?.serializedString() ?? "nothing")")
                checked += 1
            }
        }
        #expect(checked > 30)
    }
}

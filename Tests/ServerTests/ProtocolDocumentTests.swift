import Foundation
import JSON
import JSONRPC
import Kernels
import MinosProtocol
import Models
import TestSupport
import Testing

/// protocol/ is the wire contract: these tests keep it true to the daemon.
@Suite("protocol/ documents (end to end)")
struct ProtocolDocumentTests {
    static let protocolDirectory = DaemonProcess.packageRoot.appendingPathComponent("protocol")

    static var exampleFiles: [String] {
        let directory = protocolDirectory.appendingPathComponent("examples").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test("minos.openrpc.json is exactly the document the code generates")
    func openRPCIsCurrent() throws {
        let committed = try String(contentsOf: Self.protocolDirectory.appendingPathComponent("minos.openrpc.json"), encoding: .utf8)
        #expect(committed == OpenRPCDocument.make().prettyPrinted(),
                "protocol/minos.openrpc.json is stale: run `make protocol`")
    }

    @Test("rpc.discover returns minos.openrpc.json, listing every method")
    func discover() throws {
        let d = try DaemonProcess()
        try d.initialize()
        let result = try #require(try d.call("rpc.discover")["result"])
        let committed = try JSONValue.parse(Array(try Data(contentsOf: Self.protocolDirectory.appendingPathComponent("minos.openrpc.json"))))
        #expect(result == committed)
        #expect(result["openrpc"]?.stringValue?.hasPrefix("1.") == true)
        let names = result["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted()
        #expect(names == MethodRegistry.names)
        for method in result["methods"]?.arrayValue ?? [] {
            #expect(method["params"]?.arrayValue != nil, "\(method["name"]!) lacks params")
            #expect(method["result"] != nil || method["x-notification"] == true, "\(method["name"]!) lacks a result schema")
        }
    }

    @Test("every method has an example and the README lists it")
    func everyMethodDocumented() throws {
        let examples = try Self.exampleFiles.map { file in
            try JSONValue.parse(Array(try Data(contentsOf: Self.protocolDirectory.appendingPathComponent("examples/\(file)"))))
        }
        let covered = Set(examples.compactMap { $0["method"]?.stringValue })
        let readme = try String(contentsOf: Self.protocolDirectory.appendingPathComponent("README.md"), encoding: .utf8)
        for name in MethodRegistry.names {
            #expect(covered.contains(name), "no example in protocol/examples for \(name)")
            #expect(readme.contains("`\(name)`"), "protocol/README.md does not mention \(name)")
        }
        for (code, _, _) in ErrorCode.minosCodes {
            #expect(readme.contains("\(code.rawValue)"), "protocol/README.md lacks error code \(code.rawValue)")
        }
    }

    @Test("each example exchange matches the real daemon", arguments: exampleFiles)
    func example(file: String) throws {
        let example = try JSONValue.parse(Array(try Data(contentsOf: Self.protocolDirectory.appendingPathComponent("examples/\(file)"))))
        let volatile = Set(example["volatile"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        if let model = example["model"] { try Self.writeModel(model) }
        for model in example["models"]?.arrayValue ?? [] { try Self.writeModel(model) }
        // Input files an example reads (data/mix's datasets), written as given.
        for (path, content) in example["files"]?.objectValue ?? [:] {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data((content.stringValue ?? "").utf8).write(to: URL(fileURLWithPath: path))
        }
        // Examples that save sessions name a session directory, emptied first (each its own: the
        // examples run concurrently).
        let extra = example["arguments"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if let index = extra.firstIndex(of: "--session-dir"), index + 1 < extra.count {
            try? FileManager.default.removeItem(atPath: extra[index + 1])
        }
        let d = try DaemonProcess(arguments: ["--db", ":memory:"] + extra)
        if example["handshake"] != false { try d.initialize() }
        for step in example["exchange"]?.arrayValue ?? [] {
            if let message = step["send"] {
                d.send(message)
            } else if let expected = step["receive"] {
                let actual = try d.next()
                let mismatch = firstMismatch(expected, actual, path: "", volatile: volatile)
                #expect(mismatch == nil, "\(file): \(mismatch ?? "")\nexpected \(expected.serializedString())\nactual   \(actual.serializedString())")
            }
        }
        if let code = example["exitCode"]?.intValue {
            #expect(Int64(try d.waitForExit()) == code)
        }
    }

    /// Writes the synthetic model an example loads, as `minos-bench make-model` does.
    static func writeModel(_ spec: JSONValue) throws {
        guard let path = spec["path"]?.stringValue, let architecture = spec["architecture"]?.stringValue,
              let typeName = spec["type"]?.stringValue, let seed = spec["seed"]?.intValue,
              let type = GGMLType.allCases.first(where: { $0.description == typeName }) else {
            throw DaemonProcess.Failure.timedOut("a valid model spec in the example")
        }
        var model = SyntheticModel()
        model.architecture = architecture
        model.matrixType = type
        model.seed = UInt64(seed)
        model.chatTemplate = SyntheticModel.chatMLTemplate
        if let context = spec["context"]?.intValue { model.contextLength = Int(context) }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try model.build().write(to: path)
    }

    /// Where two messages differ; values at volatile paths need only share a JSON type.
    private func firstMismatch(_ expected: JSONValue, _ actual: JSONValue, path: String, volatile: Set<String>) -> String? {
        if volatile.contains(path) {
            return expected.typeName == actual.typeName ? nil : "\(path): type \(actual.typeName), expected \(expected.typeName)"
        }
        switch (expected, actual) {
        case (.array(let e), .array(let a)):
            if e.count != a.count { return "\(path): \(a.count) elements, expected \(e.count)" }
            for (index, (ev, av)) in zip(e, a).enumerated() {
                if let m = firstMismatch(ev, av, path: "\(path)[\(index)]", volatile: volatile) { return m }
            }
            return nil
        case (.object(let e), .object(let a)):
            if Set(e.keys) != Set(a.keys) { return "\(path): keys \(a.keys.sorted()), expected \(e.keys.sorted())" }
            for (key, value) in e {
                let child = path.isEmpty ? key : "\(path).\(key)"
                if let m = firstMismatch(value, a[key]!, path: child, volatile: volatile) { return m }
            }
            return nil
        case (.double, _), (_, .double):
            // Floats (log-probabilities, scores) may move in the last digits when kernels change.
            guard let e = expected.doubleValue, let a = actual.doubleValue else {
                return "\(path): \(actual.serializedString()), expected \(expected.serializedString())"
            }
            return abs(e - a) <= 1e-4 * max(1, abs(e)) ? nil : "\(path): \(a), expected \(e)"
        default:
            return expected == actual ? nil : "\(path): \(actual.serializedString()), expected \(expected.serializedString())"
        }
    }
}

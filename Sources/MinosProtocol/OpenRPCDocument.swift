import JSON
import JSONRPC

/// Builds the OpenRPC 1.x document for every registered method. protocol/minos.openrpc.json is
/// this document pretty-printed; a test keeps the two identical.
public enum OpenRPCDocument {
    public static let protocolVersion = "0.1.0"

    public static func make(version: String = protocolVersion) -> JSONValue {
        let methods = MethodRegistry.all.map { method -> JSONValue in
            var entry: [String: JSONValue] = [
                "name": .string(method.name),
                "summary": .string(method.summary),
                "paramStructure": "by-name",
                "params": .array(method.params.map { param in
                    [
                        "name": .string(param.name),
                        "summary": .string(param.documentation),
                        "required": .bool(param.required),
                        "schema": param.schema,
                    ]
                }),
            ]
            if let result = method.resultSchema {
                entry["result"] = ["name": .string(resultName(method.name)), "schema": result]
            } else {
                entry["x-notification"] = true
            }
            if !method.errors.isEmpty {
                entry["errors"] = .array(method.errors.map { code in
                    let meaning = ErrorCode.minosCodes.first { $0.0 == code }
                    return ["code": .int(Int64(code.rawValue)), "message": .string(meaning?.1 ?? "error")]
                })
            }
            return .object(entry)
        }
        return [
            "openrpc": "1.3.2",
            "info": [
                "title": "Minos",
                "version": .string(version),
                "description": "Minos daemon: JSON-RPC 2.0 over stdio (LSP Content-Length framing or newline-delimited JSON).",
            ],
            "methods": .array(methods),
        ]
    }

    private static func resultName(_ method: String) -> String {
        method.replacingSlashes() + "Result"
    }
}

extension String {
    fileprivate func replacingSlashes() -> String {
        String(map { $0 == "/" || $0 == "." || $0 == "$" ? "_" : $0 })
    }
}

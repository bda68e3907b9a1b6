import JSON
import JSONRPC

/// What `rpc.discover` and `protocol/` say about a method: a summary, its params and result as
/// JSON Schema, and the errors it can return beyond the standard ones.
public protocol DocumentedMethod: SendableMetatype {
    static var name: String { get }
    static var summary: String { get }
    static var params: [ParamDoc] { get }
    /// The result schema; nil for notifications.
    static var resultSchema: JSONValue? { get }
    static var errors: [ErrorCode] { get }
}

extension DocumentedMethod {
    public static var errors: [ErrorCode] { [] }
}

/// One named member of a method's params object.
public struct ParamDoc: Sendable {
    public var name: String
    public var summary: String
    public var schema: JSONValue
    public var required: Bool

    public init(_ name: String, _ summary: String, _ schema: JSONValue, required: Bool = false) {
        self.name = name
        self.summary = summary
        self.schema = schema
        self.required = required
    }
}

/// Small helpers for writing JSON Schema fragments.
public enum Schema {
    public static let string: JSONValue = ["type": "string"]
    public static let boolean: JSONValue = ["type": "boolean"]
    public static let number: JSONValue = ["type": "number"]
    public static let integer: JSONValue = ["type": "integer"]
    public static let null: JSONValue = ["type": "null"]
    public static let any: JSONValue = [:]

    public static func integer(minimum: Int64? = nil, maximum: Int64? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "integer"]
        if let minimum { schema["minimum"] = .int(minimum) }
        if let maximum { schema["maximum"] = .int(maximum) }
        return .object(schema)
    }

    public static func array(_ items: JSONValue) -> JSONValue {
        ["type": "array", "items": items]
    }

    public static func enumeration(_ values: [String]) -> JSONValue {
        ["type": "string", "enum": .array(values.map(JSONValue.string))]
    }

    public static func oneOf(_ schemas: JSONValue...) -> JSONValue {
        ["oneOf": .array(schemas)]
    }

    /// An object schema; `required` lists the property names that must be present.
    public static func object(_ properties: [String: JSONValue], required: [String] = [],
                              additional: Bool = true) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.sorted().map(JSONValue.string)) }
        if !additional { schema["additionalProperties"] = false }
        return .object(schema)
    }

    /// The common `workDoneToken` param (LSP's work-done progress).
    public static let workDoneToken = ParamDoc(
        "workDoneToken", "Token for `$/progress` begin/report/end notifications about this request.",
        oneOf(["type": "string"], ["type": "integer"]))
}

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

/// One named member of a method's params object, declared once: its name, doc, JSON Schema (type
/// and bounds) and default. The OpenRPC document publishes it, `ParamValidator` enforces its bounds
/// and fills in its default before the handler decodes the params, so a handler never restates
/// either.
public struct ParamDoc: Sendable {
    public var name: String
    public var summary: String
    /// The schema as declared, without the default.
    public var declaredSchema: JSONValue
    /// The value an absent param takes; nil when there is none (or it depends on something else,
    /// which the summary then says).
    public var defaultValue: JSONValue?
    public var required: Bool

    public init(_ name: String, _ summary: String, _ schema: JSONValue, default defaultValue: JSONValue? = nil,
                required: Bool = false) {
        self.name = name
        self.summary = summary
        self.declaredSchema = schema
        self.defaultValue = defaultValue
        self.required = required
    }

    /// The published schema: the declared one with its `default`.
    public var schema: JSONValue {
        guard let defaultValue, case .object(var members) = declaredSchema else { return declaredSchema }
        members["default"] = defaultValue
        return .object(members)
    }

    /// The published summary: the declared one, and the default where there is one.
    public var documentation: String {
        guard let defaultValue else { return summary }
        return summary + " Default: \(defaultValue.serializedString())."
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

    /// An array schema with bounds on its length (enforced by `ParamValidator`).
    public static func array(_ items: JSONValue, minItems: Int64, maxItems: Int64) -> JSONValue {
        ["type": "array", "items": items, "minItems": .int(minItems), "maxItems": .int(maxItems)]
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

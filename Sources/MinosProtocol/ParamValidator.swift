import JSON
import JSONRPC

/// Checks a request's params against the method's declared `ParamDoc` schemas before they are
/// decoded, and fills in the declared default of every absent param, so the bounds and defaults the
/// OpenRPC document publishes are the ones the daemon applies: one declaration for both. Covers what the schemas say about numbers (`type` integer/number,
/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`), at any depth reached through
/// `properties` and `items`; shapes and required members are left to decoding, which reports them
/// with their JSON path too.
public enum ParamValidator {
    /// The declared params of every method, by name.
    static let declared: [String: [ParamDoc]] = Dictionary(
        MethodRegistry.all.map { ($0.name, $0.params) }, uniquingKeysWith: { first, _ in first })

    /// Checks `params` of `method` against its declaration (nothing for an undeclared method).
    public static func validate(method: String, params: JSONValue) throws(RPCError) {
        _ = try prepare(method: method, params: params)
    }

    /// The params to decode: checked against the declaration, with the declared default of every
    /// absent (or null) param filled in, at any depth a schema declares one. By-position params
    /// and undeclared methods pass through unchanged.
    public static func prepare(method: String, params: JSONValue) throws(RPCError) -> JSONValue {
        guard let docs = declared[method] else { return params }
        do {
            try validate(params, against: docs)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(.internalError, "\(error)")
        }
        return withDefaults(params, docs)
    }

    /// `params` with the declared defaults filled in.
    public static func withDefaults(_ params: JSONValue, _ docs: [ParamDoc]) -> JSONValue {
        guard case .object(var members) = params else { return params }
        for doc in docs {
            if let value = members[doc.name], value != .null {
                members[doc.name] = filled(value, doc.declaredSchema)
            } else if let value = doc.defaultValue {
                members[doc.name] = filled(value, doc.declaredSchema)
            }
        }
        return .object(members)
    }

    /// Nested defaults: members of objects whose schema declares `properties` with a `default`.
    private static func filled(_ value: JSONValue, _ schema: JSONValue) -> JSONValue {
        switch value {
        case .object(var members):
            guard case .object(let properties)? = schema["properties"] else { return value }
            for (name, propertySchema) in properties {
                if let member = members[name], member != .null {
                    members[name] = filled(member, propertySchema)
                } else if let value = propertySchema["default"] {
                    members[name] = filled(value, propertySchema)
                }
            }
            return .object(members)
        case .array(let items):
            guard let itemSchema = schema["items"] else { return value }
            return .array(items.map { filled($0, itemSchema) })
        default:
            return value
        }
    }

    /// Throws -32602 naming the first param outside its declared bounds.
    public static func validate(_ params: JSONValue, against docs: [ParamDoc]) throws {
        guard case .object(let members) = params else { return }
        for doc in docs {
            guard let value = members[doc.name] else { continue }
            try check(value, doc.schema, path: "params.\(doc.name)")
        }
    }

    private static func check(_ value: JSONValue, _ schema: JSONValue, path: String) throws {
        if let alternatives = schema["oneOf"]?.arrayValue {
            // The value must satisfy one alternative whose type fits it.
            let fitting = alternatives.filter { accepts($0, value) }
            guard let first = fitting.first else { return }   // decoding reports the type
            for alternative in fitting.dropFirst() where (try? check(value, alternative, path: path)) != nil { return }
            try check(value, first, path: path)
            return
        }
        switch value {
        case .int, .double:
            try checkNumber(value, schema, path: path)
        case .array(let items):
            let name = path.split(separator: ".").last.map(String.init) ?? path
            if let minimum = number(schema["minItems"]), Double(items.count) < minimum {
                throw RPCError.invalidParams("\(name) must hold at least \(Int(minimum)) items", path: path)
            }
            if let maximum = number(schema["maxItems"]), Double(items.count) > maximum {
                throw RPCError.invalidParams("\(name) must hold at most \(Int(maximum)) items, holds \(items.count)", path: path)
            }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { try check(item, itemSchema, path: "\(path)[\(index)]") }
            }
        case .object(let members):
            if case .object(let properties)? = schema["properties"] {
                for (name, propertySchema) in properties {
                    if let member = members[name] { try check(member, propertySchema, path: "\(path).\(name)") }
                }
            }
        default:
            break
        }
    }

    /// Whether `schema` is meant for a value of this JSON type (a schema without a type takes any).
    private static func accepts(_ schema: JSONValue, _ value: JSONValue) -> Bool {
        guard let type = schema["type"]?.stringValue else { return true }
        switch value {
        case .int: return type == "integer" || type == "number"
        case .double: return type == "number"
        case .string: return type == "string"
        case .array: return type == "array"
        case .object: return type == "object"
        case .bool: return type == "boolean"
        case .null: return type == "null"
        }
    }

    private static func checkNumber(_ value: JSONValue, _ schema: JSONValue, path: String) throws {
        let x: Double
        switch value {
        case .int(let i): x = Double(i)
        case .double(let d): x = d
        default: return
        }
        let name = path.split(separator: ".").last.map(String.init) ?? path
        if schema["type"]?.stringValue == "integer", case .double(let d) = value, d.rounded() != d {
            throw RPCError.invalidParams("\(name) must be an integer", path: path)
        }
        if let minimum = number(schema["minimum"]), x < minimum {
            throw RPCError.invalidParams("\(name) must be at least \(text(minimum))", path: path)
        }
        if let maximum = number(schema["maximum"]), x > maximum {
            throw RPCError.invalidParams("\(name) must be at most \(text(maximum))", path: path)
        }
        if let minimum = number(schema["exclusiveMinimum"]), x <= minimum {
            throw RPCError.invalidParams("\(name) must be above \(text(minimum))", path: path)
        }
        if let maximum = number(schema["exclusiveMaximum"]), x >= maximum {
            throw RPCError.invalidParams("\(name) must be below \(text(maximum))", path: path)
        }
    }

    private static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let i)?: return Double(i)
        case .double(let d)?: return d
        default: return nil
        }
    }

    private static func text(_ x: Double) -> String {
        x.rounded() == x && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}

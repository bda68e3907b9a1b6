import JSON
import JSONRPC

/// A verifier profile on the wire (see `verify/steps`).
public struct VerifierProfileWire: Codable, Sendable, Equatable {
    public var name: String
    /// The prompt, with `{question}` and `{solution}`.
    public var template: String
    /// "newlines", "stepPrefix" or "tag".
    public var stepSplit: String
    public var stepMarker: String
    public var outcomeMarker: String
    public var positive: String
    public var negative: String
    /// True for the built-in profiles, which cannot be replaced or deleted.
    public var builtIn: Bool?

    public init(name: String, template: String, stepSplit: String, stepMarker: String, outcomeMarker: String,
                positive: String, negative: String, builtIn: Bool?) {
        self.name = name
        self.template = template
        self.stepSplit = stepSplit
        self.stepMarker = stepMarker
        self.outcomeMarker = outcomeMarker
        self.positive = positive
        self.negative = negative
        self.builtIn = builtIn
    }

    static let schema = Schema.object([
        "name": Schema.string, "template": Schema.string,
        "stepSplit": Schema.enumeration(["newlines", "stepPrefix", "tag"]),
        "stepMarker": Schema.string, "outcomeMarker": Schema.string, "positive": Schema.string,
        "negative": Schema.string, "builtIn": Schema.boolean,
    ], required: ["name", "template", "stepSplit", "stepMarker", "outcomeMarker", "positive", "negative"])
}

/// `verify/profiles/save`: stores a user-defined verifier profile in the store (replacing one of the
/// same name); it can then be named in verify/steps, verify/outcome and verify/rank. The template
/// must contain `{question}` and `{solution}`. Built-in names cannot be replaced.
public enum VerifyProfilesSave: RPCMethod, DocumentedMethod {
    public static let name = "verify/profiles/save"
    public static let summary = "Stores a user-defined verifier profile (template, step split, markers, label tokens)."

    public struct Params: Codable, Sendable {
        public var profile: VerifierProfileWire
    }

    public typealias Result = VerifierProfileWire

    public static let params = [ParamDoc("profile", "The profile.", VerifierProfileWire.schema, required: true)]
    public static let resultSchema: JSONValue? = VerifierProfileWire.schema
    public static let errors: [ErrorCode] = [.storeError]
}

/// `verify/profiles/list`: the built-in and stored verifier profiles.
public enum VerifyProfilesList: RPCMethod, DocumentedMethod {
    public static let name = "verify/profiles/list"
    public static let summary = "Lists the built-in and stored verifier profiles."
    public typealias Params = NoParams

    public struct Result: Codable, Sendable {
        public var profiles: [VerifierProfileWire]
        public init(profiles: [VerifierProfileWire]) { self.profiles = profiles }
    }

    public static let params: [ParamDoc] = []
    public static let resultSchema: JSONValue? = Schema.object(["profiles": Schema.array(VerifierProfileWire.schema)], required: ["profiles"])
}

/// `verify/profiles/delete`: deletes a stored profile. Errors: -33008 when there is none of that name.
public enum VerifyProfilesDelete: RPCMethod, DocumentedMethod {
    public static let name = "verify/profiles/delete"
    public static let summary = "Deletes a stored verifier profile."

    public struct Params: Codable, Sendable {
        public var name: String
    }

    public struct Result: Codable, Sendable {
        public var deleted: String
        public init(deleted: String) { self.deleted = deleted }
    }

    public static let params = [ParamDoc("name", "The profile's name.", Schema.string, required: true)]
    public static let resultSchema: JSONValue? = Schema.object(["deleted": Schema.string], required: ["deleted"])
    public static let errors: [ErrorCode] = [.notFound, .storeError]
}

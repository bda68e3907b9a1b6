import JSON
import JSONRPC

/// Shapes shared by the `session/*` methods.
public enum SessionWire {
    /// KV-cache compression applied when a session's prompt is prefilled.
    public struct Compression: Codable, Sendable {
        public var method: String
        public var budget: Int
        public var window: Int
        public var kernel: Int
        public var pooling: String
        public var beta: Int
    }

    /// What compression did.
    public struct CompressionReport: Codable, Sendable {
        public var requested: String
        public var applied: String
        public var promptTokens: Int
        public var entriesPerLayer: [Int]
        public var bytesBefore: Int
        public var bytesAfter: Int
        public var bytesSaved: Int
        public init(requested: String, applied: String, promptTokens: Int, entriesPerLayer: [Int], bytesBefore: Int, bytesAfter: Int,
                    bytesSaved: Int) {
            self.requested = requested
            self.applied = applied
            self.promptTokens = promptTokens
            self.entriesPerLayer = entriesPerLayer
            self.bytesBefore = bytesBefore
            self.bytesAfter = bytesAfter
            self.bytesSaved = bytesSaved
        }
    }

    /// An open session.
    public struct Status: Codable, Sendable {
        public var sessionId: String
        public var model: String
        public var name: String?
        public var tokens: Int
        public var entries: Int
        public var bytes: Int
        public var sharedBytes: Int
        public var compression: CompressionReport?
        public var idleSeconds: Double
        public var busy: Bool
        public init(sessionId: String, model: String, name: String?, tokens: Int, entries: Int, bytes: Int, sharedBytes: Int,
                    compression: CompressionReport?, idleSeconds: Double, busy: Bool) {
            self.sessionId = sessionId
            self.model = model
            self.name = name
            self.tokens = tokens
            self.entries = entries
            self.bytes = bytes
            self.sharedBytes = sharedBytes
            self.compression = compression
            self.idleSeconds = idleSeconds
            self.busy = busy
        }
    }

    /// A session after a request that fed it tokens, and how many were reused or evaluated.
    public struct Update: Codable, Sendable {
        public var session: Status
        public var cachedTokens: Int
        public var evaluatedTokens: Int
        public init(session: Status, cachedTokens: Int, evaluatedTokens: Int) {
            self.session = session
            self.cachedTokens = cachedTokens
            self.evaluatedTokens = evaluatedTokens
        }
    }

    static let sessionID = ParamDoc("sessionId", "The session, as session/open returned it.", Schema.string, required: true)

    static let compressionSchema: JSONValue = Schema.object([
        "method": ["type": "string", "enum": ["none", "pyramid", "snap", "streaming"], "default": "none"],
        "budget": ["type": "integer", "minimum": 2, "maximum": 1_000_000, "default": 128],
        "window": ["type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 8],
        "kernel": ["type": "integer", "minimum": 1, "maximum": 1001, "default": 7],
        "pooling": ["type": "string", "enum": ["avg", "max"], "default": "avg"],
        "beta": ["type": "integer", "minimum": 1, "maximum": 1000, "default": 20],
    ])

    static let reportSchema = Schema.object([
        "requested": Schema.string, "applied": Schema.string, "promptTokens": Schema.integer,
        "entriesPerLayer": Schema.array(Schema.integer), "bytesBefore": Schema.integer, "bytesAfter": Schema.integer,
        "bytesSaved": Schema.integer,
    ], required: ["requested", "applied", "promptTokens", "entriesPerLayer", "bytesBefore", "bytesAfter", "bytesSaved"])

    static let statusSchema = Schema.object([
        "sessionId": Schema.string, "model": Schema.string, "name": Schema.string, "tokens": Schema.integer,
        "entries": Schema.integer, "bytes": Schema.integer, "sharedBytes": Schema.integer, "compression": reportSchema,
        "idleSeconds": Schema.number, "busy": Schema.boolean,
    ], required: ["sessionId", "model", "tokens", "entries", "bytes", "sharedBytes", "idleSeconds", "busy"])

    static let updateSchema = Schema.object(["session": statusSchema, "cachedTokens": Schema.integer, "evaluatedTokens": Schema.integer],
                                            required: ["session", "cachedTokens", "evaluatedTokens"])

    static let nameSchema: JSONValue = ["type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$"]
}

/// `session/open`: evaluates a prompt (raw text or token ids, or chat messages rendered with the
/// model's template) into a KV cache the daemon keeps, and returns its id. A prefix another request
/// computed is reused (`cachedTokens`). `compression` drops prompt entries when it is prefilled
/// (PyramidKV, SnapKV, StreamingLLM; docs/kv-compression.md). The cache counts against
/// `--memory-limit`; idle sessions are evicted least recently used first when room is needed.
public enum SessionOpen: RPCMethod, DocumentedMethod {
    public static let name = "session/open"
    public static let summary = "Opens a session: evaluates a prompt into a KV cache kept across requests."

    public struct Params: Codable, Sendable {
        public var model: String
        public var prompt: TextInput?
        public var messages: [ChatWireMessage]?
        public var compression: SessionWire.Compression
        public var name: String?
    }
    public typealias Result = SessionWire.Update

    public static let params = [
        ModelWire.model,
        ParamDoc("prompt", "Raw text (BOS added as the model does) or token ids.", TextInput.schema),
        ParamDoc("messages", "Chat messages {role, content}, rendered with the model's template.", TextGenerate.messagesSchema),
        ParamDoc("compression", "KV compression when the prompt is prefilled: {method: none|pyramid|snap|streaming, budget, window, kernel, pooling: avg|max, beta}.",
                 SessionWire.compressionSchema, default: [:]),
        ParamDoc("name", "A name to save it under (session/save); a named session is saved before it is evicted.", SessionWire.nameSchema),
    ]
    public static let resultSchema: JSONValue? = SessionWire.updateSchema
    public static let errors: [ErrorCode] = [.modelNotLoaded, .contextOverflow, .memoryBudgetExceeded]
}

/// `session/append`: adds text (no BOS), token ids, or chat messages to a session and evaluates
/// only the new tokens. For a chat session the conversation is rendered again and only what differs
/// from the cached tokens is evaluated.
public enum SessionAppend: RPCMethod, DocumentedMethod {
    public static let name = "session/append"
    public static let summary = "Extends a session with text, token ids or chat messages, evaluating only the new tokens."

    public struct Params: Codable, Sendable {
        public var sessionId: String
        public var text: String?
        public var tokens: [Int64]?
        public var messages: [ChatWireMessage]?
    }
    public typealias Result = SessionWire.Update

    public static let params = [
        SessionWire.sessionID,
        ParamDoc("text", "Text to append (tokenized without BOS).", Schema.string),
        ParamDoc("tokens", "Token ids to append.", Schema.array(Schema.integer(minimum: 0))),
        ParamDoc("messages", "Chat messages to add to a chat session.", TextGenerate.messagesSchema),
    ]
    public static let resultSchema: JSONValue? = SessionWire.updateSchema
    public static let errors: [ErrorCode] = [.notFound, .sessionBusy, .contextOverflow, .memoryBudgetExceeded]
}

/// `session/generate`: continues a session. With `keep` (the default) the generated tokens join the
/// session (for a chat session, the reply joins the conversation); otherwise the session is left as
/// it was. Takes text/generate's sampling params; streams with `partialResultToken`.
public enum SessionGenerate: RPCMethod, DocumentedMethod {
    public static let name = "session/generate"
    public static let summary = "Generates from a session's cached state, optionally keeping the generated tokens in it."

    public struct Params: Codable, Sendable, GenerationParams {
        public var sessionId: String
        public var keep: Bool
        public var maxTokens: Int
        public var temperature: Double
        public var topK: Int
        public var topP: Double
        public var minP: Double
        public var repetitionPenalty: Double
        public var frequencyPenalty: Double
        public var presencePenalty: Double
        public var penaltyWindow: Int
        public var seed: UInt64?
        public var stop: [String]
        public var stopTokens: [Int32]
        public var ignoreEOS: Bool
        public var logprobs: Int
    }
    public typealias Result = TextGenerate.Result

    public static let params = [
        SessionWire.sessionID,
        ParamDoc("keep", "Keep the generated tokens in the session.", Schema.boolean, default: true),
    ] + TextGenerate.samplingParams + [TextGenerate.partialResultToken, Schema.workDoneToken]
    public static let resultSchema: JSONValue? = TextGenerate.resultSchema
    public static let errors: [ErrorCode] = [.notFound, .sessionBusy, .contextOverflow, .memoryBudgetExceeded]
}

/// `session/score`: log-probabilities of a continuation after the session's tokens; the session is
/// left as it was.
public enum SessionScore: RPCMethod, DocumentedMethod {
    public static let name = "session/score"
    public static let summary = "Scores a continuation from a session's cached state."

    public struct Params: Codable, Sendable {
        public var sessionId: String
        public var continuation: TextInput
        public var topK: Int
        public var parseSpecial: Bool
    }
    public typealias Result = TextScore.Result

    public static let params = [
        SessionWire.sessionID,
        ParamDoc("continuation", "The text to score, or its token ids.", TextInput.schema, required: true),
        ParamDoc("topK", "Also return the k most likely tokens at each position.", Schema.integer(minimum: 0, maximum: 100), default: 0),
        ParamDoc("parseSpecial", "Recognize special-token texts.", Schema.boolean, default: false),
    ]
    public static let resultSchema: JSONValue? = TextScore.resultSchema
    public static let errors: [ErrorCode] = [.notFound, .sessionBusy, .contextOverflow, .memoryBudgetExceeded]
}

/// `session/fork`: a new session with the same tokens that reads the parent's cache entries
/// without copying them; appending to one never changes the other.
public enum SessionFork: RPCMethod, DocumentedMethod {
    public static let name = "session/fork"
    public static let summary = "Forks a session: the new one shares the parent's cached prefix without copying it."

    public struct Params: Codable, Sendable {
        public var sessionId: String
    }
    public typealias Result = SessionWire.Status

    public static let params = [SessionWire.sessionID]
    public static let resultSchema: JSONValue? = SessionWire.statusSchema
    public static let errors: [ErrorCode] = [.notFound, .sessionBusy]
}

/// `session/truncate`: rolls a session back to its first `tokens` tokens (not into a compressed
/// prompt). A chat session becomes a token session.
public enum SessionTruncate: RPCMethod, DocumentedMethod {
    public static let name = "session/truncate"
    public static let summary = "Rolls a session back to its first `tokens` tokens."

    public struct Params: Codable, Sendable {
        public var sessionId: String
        public var tokens: Int
    }
    public typealias Result = SessionWire.Status

    public static let params = [
        SessionWire.sessionID,
        ParamDoc("tokens", "How many tokens to keep.", Schema.integer(minimum: 1), required: true),
    ]
    public static let resultSchema: JSONValue? = SessionWire.statusSchema
    public static let errors: [ErrorCode] = [.notFound, .sessionBusy]
}

/// `session/close`: closes a session; its memory is given back once nothing else reads it.
public enum SessionClose: RPCMethod, DocumentedMethod {
    public static let name = "session/close"
    public static let summary = "Closes a session and frees its KV cache."

    public struct Params: Codable, Sendable {
        public var sessionId: String
    }
    public typealias Result = SessionWire.Status

    public static let params = [SessionWire.sessionID]
    public static let resultSchema: JSONValue? = SessionWire.statusSchema
    public static let errors: [ErrorCode] = [.notFound, .sessionBusy]
}

/// `session/list`: open sessions, saved sessions, and recent evictions.
public enum SessionList: RPCMethod, DocumentedMethod {
    public static let name = "session/list"
    public static let summary = "Lists open sessions, saved sessions and recent evictions."

    public struct Params: Codable, Sendable {}

    public struct Result: Codable, Sendable {
        public struct Saved: Codable, Sendable {
            public var name: String
            public var bytes: Int
            public var savedAt: Double
            public init(name: String, bytes: Int, savedAt: Double) {
                self.name = name
                self.bytes = bytes
                self.savedAt = savedAt
            }
        }
        public struct Eviction: Codable, Sendable {
            public var sessionId: String
            public var model: String
            public var name: String?
            public var saved: Bool
            public var bytes: Int
            public var at: Double
            public init(sessionId: String, model: String, name: String?, saved: Bool, bytes: Int, at: Double) {
                self.sessionId = sessionId
                self.model = model
                self.name = name
                self.saved = saved
                self.bytes = bytes
                self.at = at
            }
        }
        public var sessions: [SessionWire.Status]
        public var saved: [Saved]
        public var evictions: [Eviction]
        public init(sessions: [SessionWire.Status], saved: [Saved], evictions: [Eviction]) {
            self.sessions = sessions
            self.saved = saved
            self.evictions = evictions
        }
    }

    public static let params: [ParamDoc] = []
    public static let resultSchema: JSONValue? = Schema.object([
        "sessions": Schema.array(SessionWire.statusSchema),
        "saved": Schema.array(Schema.object(["name": Schema.string, "bytes": Schema.integer, "savedAt": Schema.number],
                                            required: ["name", "bytes", "savedAt"])),
        "evictions": Schema.array(Schema.object([
            "sessionId": Schema.string, "model": Schema.string, "name": Schema.string, "saved": Schema.boolean,
            "bytes": Schema.integer, "at": Schema.number,
        ], required: ["sessionId", "model", "saved", "bytes", "at"])),
    ], required: ["sessions", "saved", "evictions"])
}

/// `session/save`: writes a session to the session directory under `name` (default: the name it
/// already has), atomically with a checksum and the model's identity: a crash during the save leaves
/// the previous copy intact. The session keeps the name and is saved again before any eviction.
public enum SessionSave: RPCMethod, DocumentedMethod {
    public static let name = "session/save"
    public static let summary = "Saves a session to disk (atomic, checksummed, tied to its model)."

    public struct Params: Codable, Sendable {
        public var sessionId: String
        public var name: String?
    }
    public struct Result: Codable, Sendable {
        public var session: SessionWire.Status
        public var name: String
        public var bytes: Int
        public init(session: SessionWire.Status, name: String, bytes: Int) {
            self.session = session
            self.name = name
            self.bytes = bytes
        }
    }

    public static let params = [
        SessionWire.sessionID,
        ParamDoc("name", "Name to save it under: letters, digits, '.', '_', '-' (1 to 100, not starting with '.').", SessionWire.nameSchema),
    ]
    public static let resultSchema: JSONValue? = Schema.object(["session": SessionWire.statusSchema, "name": Schema.string, "bytes": Schema.integer],
                                                               required: ["session", "name", "bytes"])
    public static let errors: [ErrorCode] = [.notFound, .sessionBusy]
}

/// `session/restore`: opens a session from a saved one. A file saved from another model, or a
/// damaged one, is refused with -33011 and nothing is loaded.
public enum SessionRestore: RPCMethod, DocumentedMethod {
    public static let name = "session/restore"
    public static let summary = "Opens a session from one saved with session/save, checked against the model."

    public struct Params: Codable, Sendable {
        public var name: String
        public var model: String
    }
    public typealias Result = SessionWire.Update

    public static let params = [
        ParamDoc("name", "The saved session's name.", SessionWire.nameSchema, required: true),
        ModelWire.model,
    ]
    public static let resultSchema: JSONValue? = SessionWire.updateSchema
    public static let errors: [ErrorCode] = [.modelNotLoaded, .invalidSessionFile, .memoryBudgetExceeded]
}

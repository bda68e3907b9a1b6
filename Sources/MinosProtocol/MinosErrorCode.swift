import JSONRPC

/// Minos's own error codes, in the range -33000…-33099. Each is documented in protocol/README.md.
extension ErrorCode {
    /// The named model is not loaded.
    public static let modelNotLoaded = ErrorCode(rawValue: -33000)
    /// Loading a model or opening a session would exceed `--memory-limit`.
    public static let memoryBudgetExceeded = ErrorCode(rawValue: -33001)
    /// The prompt or session does not fit the model's context.
    public static let contextOverflow = ErrorCode(rawValue: -33002)
    /// Sandboxed code ran past its time limit.
    public static let sandboxTimeout = ErrorCode(rawValue: -33003)
    /// Sandboxed code failed: it crashed, was killed, or broke a limit other than time.
    public static let sandboxFailure = ErrorCode(rawValue: -33004)
    /// The store (SQLite) could not complete the operation.
    public static let storeError = ErrorCode(rawValue: -33005)
    /// A model file is not a valid GGUF file (corrupt, truncated, or not GGUF at all).
    public static let invalidModelFile = ErrorCode(rawValue: -33006)
    /// The model's architecture or tensor encoding is not supported.
    public static let unsupportedModel = ErrorCode(rawValue: -33007)
    /// A named resource (instruction, profile, session, router, …) does not exist.
    public static let notFound = ErrorCode(rawValue: -33008)
    /// The session is serving another request.
    public static let sessionBusy = ErrorCode(rawValue: -33010)
    /// A saved session file is damaged or was saved from another model.
    public static let invalidSessionFile = ErrorCode(rawValue: -33011)
    /// A generation backend (a remote endpoint) failed, timed out, or answered something unusable.
    public static let backendFailed = ErrorCode(rawValue: -33012)

    /// Every Minos-specific code with its meaning, for documentation and tests.
    public static let minosCodes: [(ErrorCode, String, String)] = [
        (.modelNotLoaded, "model not loaded", "The named model is not loaded."),
        (.memoryBudgetExceeded, "memory budget exceeded", "Loading or allocating would exceed `--memory-limit`; nothing was allocated."),
        (.contextOverflow, "context overflow", "The prompt or session does not fit the model's context length."),
        (.sandboxTimeout, "sandbox timeout", "Sandboxed verification code ran past its time limit."),
        (.sandboxFailure, "sandbox failure", "Sandboxed code crashed, was killed, or broke a memory/CPU/file/network rule."),
        (.storeError, "store error", "The SQLite store could not complete the operation (locked, full, corrupt)."),
        (.invalidModelFile, "invalid model file", "The file is not a valid GGUF file: corrupt, truncated, or another format."),
        (.unsupportedModel, "unsupported model", "The architecture or tensor encoding is not supported."),
        (.notFound, "not found", "A named resource (instruction, profile, session, router) does not exist."),
        (.instructionRejected, "instruction rejected", "Cross-validation left too few functions or cases; `data` has the reasons and scores."),
        (.sessionBusy, "session busy", "The session is serving another request; sessions serve one request at a time."),
        (.invalidSessionFile, "invalid session file", "A saved session is damaged, truncated, or was saved from another model; nothing was loaded."),
        (.backendFailed, "backend failed", "A generation backend (a remote endpoint) failed, timed out, or answered something unusable; `data` says which and why."),
    ]
}

import Foundation
import GGUF
import Models
import Tokenizers

/// Why the engine could not do what was asked. The server maps each case to a wire error.
public enum EngineError: Error, Sendable, CustomStringConvertible {
    /// The file is not a usable GGUF file.
    case invalidModelFile(path: String, reason: String)
    /// The architecture, a tensor encoding, or the tokenizer is not supported.
    case unsupportedModel(path: String, reason: String)
    case modelNotLoaded(String)
    case modelNameTaken(String)
    case memoryBudget(needed: Int, available: Int, limit: Int)
    case contextOverflow(needed: Int, limit: Int)
    case invalidInput(field: String, reason: String)
    case cancelled
    /// No open session has this id (never opened, closed, or evicted: `reason` says which).
    case sessionNotFound(id: String, reason: String)
    /// Another request is using the session; sessions serve one request at a time.
    case sessionBusy(id: String)
    /// A saved session file is damaged, truncated, not a session file, or of another version.
    case invalidSessionFile(path: String, reason: String)
    /// A saved session belongs to another model.
    case sessionModelMismatch(path: String, reason: String)
    /// A session could not be written to disk (full, read-only, permissions).
    case sessionStorage(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidModelFile(let path, let reason): return "\(path) is not a usable GGUF file: \(reason)"
        case .unsupportedModel(let path, let reason): return "\(path): \(reason)"
        case .modelNotLoaded(let name): return "no model named '\(name)' is loaded"
        case .modelNameTaken(let name): return "a model named '\(name)' is already loaded; unload it first or pick another name"
        case .memoryBudget(let needed, let available, let limit):
            return "needs \(Self.mebibytes(needed)) but only \(Self.mebibytes(available)) of the \(Self.mebibytes(limit)) memory limit is free (--memory-limit)"
        case .contextOverflow(let needed, let limit):
            return "\(needed) tokens do not fit the context of \(limit) tokens"
        case .invalidInput(let field, let reason): return "\(field): \(reason)"
        case .cancelled: return "cancelled"
        case .sessionNotFound(let id, let reason): return "no session '\(id)': \(reason)"
        case .sessionBusy(let id): return "session '\(id)' is serving another request; sessions serve one at a time"
        case .invalidSessionFile(let path, let reason): return "\(path) is not a usable saved session: \(reason)"
        case .sessionModelMismatch(let path, let reason): return "\(path) was saved from another model: \(reason)"
        case .sessionStorage(let path, let reason): return "cannot save the session to \(path): \(reason)"
        }
    }

    static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}

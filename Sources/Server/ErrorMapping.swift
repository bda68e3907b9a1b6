import AutoIF
import DataTools
import Routing
import Engine
import JSON
import JSONRPC
import MinosProtocol
import Sandbox
import StepVerification
import Store

/// The one place Swift errors become JSON-RPC errors.
enum ErrorMapping {
    static func rpcError(for error: any Error) -> RPCError {
        switch error {
        case let error as RPCError:
            return error
        case is CancellationError:
            return .cancelled()
        case let error as JSONError:
            return RPCError(params: error)
        case let error as EngineError:
            return rpcError(for: error)
        case let error as BackendError:
            return rpcError(for: error)
        case let error as MergeError:
            return MinosServer.rpcError(for: error)
        case let error as DataError:
            return rpcError(for: error)
        case let error as RouterError:
            return error.kind == .notFound
                ? RPCError(.notFound, error.message, data: ["path": .string("params.\(error.field)")])
                : .invalidParams(error.message, path: "params.\(error.field)")
        case let error as InstructionRegistry.Failure:
            return rpcError(for: error)
        case let error as StepVerifier.Failure:
            return .invalidParams(error.message, path: "params.\(error.field)")
        case let error as SandboxError:
            return RPCError(.sandboxFailure, "sandbox: \(error)")
        case let error as StoreError:
            return RPCError(.storeError, "store error: \(error)", data: ["sqliteCode": .int(Int64(error.code))])
        default:
            return RPCError(.internalError, "internal error: \(error)")
        }
    }

    static func rpcError(for error: InstructionRegistry.Failure) -> RPCError {
        switch error {
        case .invalid(let field, let message):
            return .invalidParams(message, path: field.isEmpty ? "params" : "params.\(field)")
        case .notFound(let id, let field):
            return RPCError(.notFound, "no instruction with id \(id)", data: ["path": .string("params.\(field)")])
        case .rejected(let reasons, let instruction):
            let details = (try? JSONValueEncoder().encode(MinosServer.wire(instruction, includeSources: true))) ?? [:]
            return RPCError(.instructionRejected, "instruction rejected: " + reasons.joined(separator: "; "),
                            data: ["reasons": .array(reasons.map(JSONValue.string)),
                                   "functions": details["functions"] ?? [], "cases": details["cases"] ?? []])
        }
    }

    static func rpcError(for error: DataError) -> RPCError {
        switch error {
        case .invalidArgument(let field, let message): return .invalidParams(message, path: "params.\(field)")
        case .badLine(let path, let line, _):
            return RPCError(.invalidParams, error.description, data: ["file": .string(path), "line": .int(Int64(line))])
        case .notFound(let field, _): return RPCError(.notFound, error.description, data: ["path": .string("params.\(field)")])
        case .store(let code, _): return RPCError(.storeError, error.description, data: ["sqliteCode": .int(Int64(code))])
        case .io: return RPCError(.internalError, error.description)
        case .cancelled: return .cancelled()
        }
    }

    static func rpcError(for error: EngineError) -> RPCError {
        switch error {
        case .invalidModelFile: return RPCError(.invalidModelFile, error.description)
        case .unsupportedModel: return RPCError(.unsupportedModel, error.description)
        case .modelNotLoaded: return RPCError(.modelNotLoaded, error.description, data: ["path": "params.model"])
        case .modelNameTaken: return .invalidParams(error.description, path: "params.name")
        case .memoryBudget(let needed, let available, let limit):
            return RPCError(.memoryBudgetExceeded, error.description,
                            data: ["needed": .int(Int64(needed)), "available": .int(Int64(available)), "limit": .int(Int64(limit))])
        case .contextOverflow(let needed, let limit):
            return RPCError(.contextOverflow, error.description, data: ["tokens": .int(Int64(needed)), "contextLength": .int(Int64(limit))])
        case .invalidInput(let field, _): return .invalidParams(error.description, path: "params.\(field)")
        case .cancelled: return .cancelled()
        case .sessionNotFound: return RPCError(.notFound, error.description, data: ["path": "params.sessionId"])
        case .sessionBusy: return RPCError(.sessionBusy, error.description, data: ["path": "params.sessionId"])
        case .invalidSessionFile(let path, _), .sessionModelMismatch(let path, _):
            return RPCError(.invalidSessionFile, error.description, data: ["file": .string(path)])
        case .sessionStorage(let path, _):
            return RPCError(.storeError, error.description, data: ["file": .string(path)])
        }
    }
}

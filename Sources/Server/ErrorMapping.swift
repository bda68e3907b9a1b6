import Features
import JSON
import JSONRPC
import MinosProtocol
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
        case let error as SandboxError:
            return RPCError(.sandboxFailure, "sandbox: \(error)")
        case let error as StoreError:
            return RPCError(.storeError, "store error: \(error)", data: ["sqliteCode": .int(Int64(error.code))])
        default:
            return RPCError(.internalError, "internal error: \(error)")
        }
    }
}

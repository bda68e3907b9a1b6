import JSON
import JSONRPC
import MinosProtocol
import Routing
import Store

/// Generation backends for routing: `backend/add`, `backend/list` and `backend/remove`, kept in the
/// store through `BackendCatalog`.
extension MinosServer {
    func registerBackendHandlers() {
        connection.register(BackendAdd.self) { [self] params, _ in
            let backend = try Backend(record: Store.BackendRecord(
                name: params.name, kind: params.kind.rawValue, model: params.model, baseURL: params.baseURL,
                apiKeyEnv: params.apiKeyEnv, timeoutSeconds: params.timeoutSeconds, costPer1kTokens: params.costPer1kTokens))
            try BackendCatalog(store: store).save(backend)
            return Self.wire(backend)
        }

        connection.register(BackendList.self) { [self] _, _ in
            BackendList.Result(backends: try BackendCatalog(store: store).all().map(Self.wire))
        }

        connection.register(BackendRemove.self) { [self] params, _ in
            guard try BackendCatalog(store: store).remove(named: params.name) else {
                throw RPCError(.notFound, "no backend named '\(params.name)'", data: ["path": "params.name"])
            }
            return BackendRemove.Result(removed: params.name)
        }
    }

    static func wire(_ backend: Backend) -> BackendWire {
        let record = backend.record
        return BackendWire(name: record.name, kind: record.kind == "local" ? .local : .remote, model: record.model,
                           baseURL: record.baseURL, apiKeyEnv: record.apiKeyEnv, timeoutSeconds: record.timeoutSeconds,
                           costPer1kTokens: record.costPer1kTokens)
    }
}

extension ErrorMapping {
    /// A backend failure on the wire: a bad definition is -32602 naming the field, an unknown
    /// backend -33008, and every generation failure -33012 with `data.kind` (missingAPIKey,
    /// connectionFailed, timedOut, httpStatus, malformedResponse), `data.backend` and, for
    /// httpStatus, `data.status`.
    static func rpcError(for error: BackendError) -> RPCError {
        var data: [String: JSONValue] = ["kind": .string(error.kind.rawValue)]
        if let backend = error.backend { data["backend"] = .string(backend) }
        if let status = error.status { data["status"] = .int(Int64(status)) }
        switch error.kind {
        case .invalidDefinition:
            return .invalidParams(error.description, path: error.field.map { "params.\($0)" } ?? "params")
        case .notFound:
            return RPCError(.notFound, error.description, data: .object(data))
        case .missingAPIKey, .connectionFailed, .timedOut, .httpStatus, .malformedResponse:
            return RPCError(.backendFailed, error.description, data: .object(data))
        }
    }
}

import JSON
import JSONRPC
import MinosProtocol
import Synchronization

extension MinosServer {
    /// MCP mode's methods (the lifecycle gate refuses them outside it). `tools/call` runs the Minos
    /// method through `Connection.invoke`, so it gets the same param checks, defaults, handler and
    /// error mapping as a direct call; Minos's own method names stay callable in MCP mode too.
    func registerMCPHandlers() {
        connection.onNotification(MCPInitialized.self) { [self] _ in
            logger.debug("MCP client initialized")
        }
        connection.onNotification(MCPCancelled.self) { [self] params in
            guard let id = RequestID(params.requestId) else {
                logger.warning("ignoring notifications/cancelled with a bad requestId \(params.requestId.serializedString())")
                return
            }
            // MCP: the cancelled request gets no response.
            connection.cancelRequest(id, reply: false)
        }
        connection.registerInline(MCPPing.self) { _, _ in MCPPing.Result() }
        connection.registerInline(MCPToolsList.self) { _, _ in MCPToolsList.Result(tools: MCPTools.all) }
        connection.register(MCPToolsCall.self) { [self] params, context in
            guard let method = MCPTools.method(forTool: params.name) else {
                throw RPCError.invalidParams("unknown tool: \(params.name)", path: "params.name")
            }
            let progress = params.meta?.progressToken.map(mcpProgressSink(context: context))
            do throws(RPCError) {
                let result = try await connection.invoke(method, params: params.arguments ?? .object([:]),
                                                         context: context.forwarding(to: method, progress: progress))
                return .success(result)
            } catch where error.code == .requestCancelled {
                throw error
            } catch {
                return .failure(error)
            }
        }
    }

    /// Turns the method's work-done progress into `notifications/progress` for `token`.
    private func mcpProgressSink(context: RequestContext) -> (JSONValue) -> @Sendable (JSONValue) -> Void {
        { token in
            let last = ProgressFloor()
            return { value in
                let params = last.value.withLock { last in
                    let params = MCP.progress(token: token, workDone: value, floor: last)
                    last = params["progress"]?.intValue ?? last
                    return params
                }
                context.sendNotification(MCPProgress.name, params: params)
            }
        }
    }
}

/// The last MCP progress sent for one `tools/call`: MCP's progress may not go back. Reports of one
/// request come from its task in order; the lock only makes that safe to rely on.
private final class ProgressFloor: Sendable {
    let value = Mutex<Int64>(0)
}

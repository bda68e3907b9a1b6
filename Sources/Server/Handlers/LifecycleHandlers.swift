import JSONRPC
import MinosProtocol

extension MinosServer {
    /// `initialize` answers either protocol: Minos's result, or MCP's in MCP mode.
    private enum InitializeEither: RPCMethod {
        static let name = Initialize.name
        typealias Params = Initialize.Params
        enum Result: Encodable, Sendable {
            case minos(Initialize.Result)
            case mcp(MCP.InitializeResult)
            func encode(to encoder: Encoder) throws {
                switch self {
                case .minos(let result): try result.encode(to: encoder)
                case .mcp(let result): try result.encode(to: encoder)
                }
            }
        }
    }

    func registerLifecycleHandlers() {
        // initialize and shutdown run inline, so the lifecycle changes before the next message is read.
        connection.registerInline(InitializeEither.self) { [self] params, _ in
            let (accepted, mcp) = lifecycle.initialize(mcp: params.isMCP)
            guard accepted else {
                throw RPCError(.invalidRequest, "initialize was already received")
            }
            if let client = params.clientInfo {
                logger.info("client: \(client.name) \(client.version ?? "")\(mcp ? " (MCP)" : "")")
            }
            let serverInfo = Initialize.Result.ServerInfo(name: "minosd", version: MinosVersion.current)
            if mcp {
                return .mcp(MCP.InitializeResult(protocolVersion: MCP.negotiatedVersion(params.protocolVersion),
                                                 serverInfo: serverInfo))
            }
            return .minos(Initialize.Result(
                serverInfo: serverInfo,
                protocolVersion: OpenRPCDocument.protocolVersion,
                capabilities: .init(
                    methods: MethodRegistry.names,
                    framings: ["content-length", "newline-delimited"],
                    batches: true, cancellation: true, workDoneProgress: true, partialResults: true)))
        }
        connection.onNotification(Initialized.self) { [self] _ in
            logger.debug("client initialized")
        }
        connection.registerInline(Shutdown.self) { [self] _, _ in
            lifecycle.shutDown()
            logger.info("shutdown requested")
            return NullResult()
        }
        connection.onNotification(Exit.self) { [self] _ in
            exitProcess()
        }
    }
}

import JSONRPC
import MinosProtocol

extension MinosServer {
    func registerLifecycleHandlers() {
        // initialize and shutdown run inline, so the lifecycle changes before the next message is read.
        connection.registerInline(Initialize.self) { [self] params, _ in
            guard lifecycle.initialize() else {
                throw RPCError(.invalidRequest, "initialize was already received")
            }
            if let client = params.clientInfo {
                logger.info("client: \(client.name) \(client.version ?? "")")
            }
            return Initialize.Result(
                serverInfo: .init(name: "minosd", version: MinosVersion.current),
                protocolVersion: OpenRPCDocument.protocolVersion,
                capabilities: .init(
                    methods: MethodRegistry.names,
                    framings: ["content-length", "newline-delimited"],
                    batches: true, cancellation: true, workDoneProgress: true, partialResults: true))
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

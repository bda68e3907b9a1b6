import Engine
import Glibc
import JSON
import JSONRPC
import Logging
import MinosProtocol
import Sandbox
import Store
import Synchronization

/// The daemon: a JSON-RPC connection over a byte transport (stdio in `minosd`, an in-memory pair in
/// tests), the store, and the handlers for every method. `minosd` builds one and calls `run()`.
public final class MinosServer: Sendable {
    let configuration: ServerConfiguration
    let connection: Connection
    let store: Store
    let sandbox: SandboxPool
    let engine: Engine
    let lifecycle: Lifecycle
    let logger: Logger
    let startedAt = ProcessStats.monotonicSeconds()
    private let runID: Int64?
    /// Set once the store has recorded this run's end, so exit paths that race record it once.
    private let stopped = Mutex(false)
    /// Ends the process for the `exit` notification (`Glibc.exit` in minosd; a test's own hook in
    /// process, which must make `run()` return).
    private let exitHandler: @Sendable (Int32) -> Void

    /// Serves stdio-style descriptors (minosd).
    public convenience init(configuration: ServerConfiguration, input: Int32, output: Int32, logger: Logger) throws {
        try self.init(configuration: configuration, transport: FileDescriptorTransport(input: input, output: output),
                      logger: logger, exit: { Glibc.exit($0) })
    }

    /// Opens the store and wires the handlers. Throws `StoreError` when the store cannot be opened.
    public init(configuration: ServerConfiguration, transport: any ByteTransport, logger: Logger,
                exit: @escaping @Sendable (Int32) -> Void) throws {
        self.exitHandler = exit
        self.configuration = configuration
        self.logger = logger
        self.lifecycle = Lifecycle(noHandshake: configuration.noHandshake, mcp: configuration.mcp)
        self.store = try Store(path: configuration.storePath, createDirectory: configuration.createStoreDirectory)
        self.sandbox = SandboxPool(configuration: configuration.sandbox)
        self.engine = Engine(threads: configuration.threads, memoryLimit: configuration.memoryLimit,
                             precision: configuration.activations, sessionDirectory: configuration.resolvedSessionDirectory,
                             prefixEntries: configuration.prefixCacheEntries)
        self.connection = Connection(
            transport: transport,
            configuration: .init(maxMessageBytes: configuration.maxMessageBytes, taskExecutor: configuration.taskExecutor),
            logger: logger)
        do {
            self.runID = try store.recordStart(pid: Int(getpid()), version: MinosVersion.current)
        } catch {
            logger.warning("could not record this run in the store: \(error)")
            self.runID = nil
        }
        let lifecycle = lifecycle
        connection.setGate { method, isRequest in lifecycle.admit(method: method, isRequest: isRequest) }
        connection.setErrorMapper(ErrorMapping.rpcError(for:))
        // Bounds are declared once, in each method's params schema (what rpc.discover publishes).
        connection.setParamsPreparer { method, params throws(RPCError) in try ParamValidator.prepare(method: method, params: params) }
        registerLifecycleHandlers()
        registerDaemonHandlers()
        registerVerifyHandlers()
        registerVerifierModelHandlers()
        registerRankHandler()
        registerProfileHandlers()
        registerCritiqueHandler()
        registerInstructionCheckHandlers()
        registerInstructionFunctionHandlers()
        registerModelHandlers()
        registerMergeHandlers()
        registerDataHandlers()
        registerRoleplayHandlers()
        registerTextHandlers()
        registerSessionHandlers()
        registerDecodeHandlers()
        registerBackendHandlers()
        registerEmbedHandlers()
        registerRouteHandlers()
        registerMCPHandlers()
        logger.info("minosd \(MinosVersion.current) ready; store \(configuration.storePath) (schema \(store.schemaVersion), \(store.journalMode))")
    }

    /// Serves until the input ends; returns the process exit code.
    public func run() -> Int32 {
        connection.run()
        logger.info("input closed; exiting")
        finish()
        return 0
    }

    /// Handles SIGTERM: cancels in-flight work (each request replies -32800), flushes replies and
    /// the store, and exits.
    public func terminate() -> Never {
        logger.info("terminating: cancelling \(connection.statistics.inFlight) in-flight requests")
        connection.cancelAll(reason: "server terminated")
        finish()
        exit(0)
    }

    /// Ends the process for the `exit` notification: in-flight work is cancelled (each request
    /// replies -32800), replies and the store are flushed, then the exit handler runs.
    func exitProcess() {
        let code: Int32 = lifecycle.hasShutDown ? 0 : 1
        connection.cancelAll(reason: "server exited")
        finish()
        exitHandler(code)
    }

    /// Flushes replies, records the run's end, and checkpoints the store. Runs once.
    private func finish() {
        connection.flush()
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        let stats = connection.statistics
        if let runID {
            do {
                try store.recordStop(run: runID, served: stats.served, failed: stats.failed, cancelled: stats.cancelled)
            } catch {
                logger.warning("could not record the end of this run: \(error)")
            }
        }
        store.close()
    }
}

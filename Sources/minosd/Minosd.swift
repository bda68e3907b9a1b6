import ArgumentParser
import Dispatch
import Engine
import Kernels
import Glibc
import Logging
import MinosProtocol
import Sandbox
import Server
import Store

@main
struct Minosd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "minosd",
        abstract: "Minos daemon: JSON-RPC 2.0 over stdin/stdout.",
        discussion: """
            Reads requests on stdin and writes replies on stdout, framed with LSP Content-Length \
            headers or, when the first byte is '{' or '[', as newline-delimited JSON. Logs go to \
            stderr. See protocol/README.md for the methods.
            """,
        version: MinosVersion.current)

    @Option(name: .customLong("db"), help: ArgumentHelp(
        "SQLite store path, or :memory: for a throwaway store.",
        discussion: "Default: $XDG_DATA_HOME/minos/minos.db, else ~/.local/share/minos/minos.db."))
    var storePath: String?

    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Flag(help: "Accept requests without initialize first (one-shot shell use).")
    var noHandshake = false

    @Flag(help: "Serve as a Model Context Protocol server (tools/list, tools/call) whatever initialize looks like.")
    var mcp = false

    @Option(help: "Refuse messages larger than this many bytes, without buffering them.")
    var maxMessageBytes: Int = 64 << 20

    @Option(help: "Python 3 interpreter for verification functions (default: python3 on PATH).")
    var python: String?

    @Option(help: "Sandbox worker processes for verification functions.")
    var sandboxWorkers: Int = 2

    @Option(help: "Default time limit, in seconds, for one call of a verification function.")
    var sandboxTimeout: Double = 5

    @Option(help: "Address-space limit per sandbox worker, in MiB.")
    var sandboxMemoryMb: Int = 512

    @Option(help: "Threads for matrix work (default: the number of CPU cores).")
    var threads: Int?

    @Option(help: ArgumentHelp(
        "Memory for weights, KV caches and scratch together, e.g. 8G, 512M or bytes (default: no limit).",
        discussion: "A model load or generation that would exceed it is refused before anything is allocated."))
    var memoryLimit: String?

    @Option(help: ArgumentHelp("Directory for saved sessions (session/save, and named sessions evicted under --memory-limit).",
                               discussion: "Default: sessions/ beside the store; none with --db :memory:."))
    var sessionDir: String?

    @Option(help: "Recent sequences each model keeps so requests sharing a prefix reuse it (0: off).")
    var prefixCache: Int = 4

    @Option(help: "Activations against quantized weights: exact (f32, the default) or q8 (8-bit blocks and integer dot products, as llama.cpp; faster for 4-bit weights, logits within ~2%).")
    var activations: String = "exact"

    @Option(help: "Instruction sets for the kernels: native (everything the CPU has, the default), avx512, avx2 or scalar. Same as MINOS_CPU.")
    var cpu: String?

    @Flag(help: "Print the OpenRPC document (protocol/minos.openrpc.json) and exit.")
    var printOpenrpc = false

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown log level '\(logLevel)'")
        }
        guard maxMessageBytes >= 1024 else {
            throw ValidationError("--max-message-bytes must be at least 1024")
        }
        guard (1...64).contains(sandboxWorkers) else {
            throw ValidationError("--sandbox-workers must be between 1 and 64")
        }
        guard sandboxTimeout > 0, sandboxTimeout <= 300 else {
            throw ValidationError("--sandbox-timeout must be above 0 and at most 300 seconds")
        }
        guard sandboxMemoryMb >= 64 else {
            throw ValidationError("--sandbox-memory-mb must be at least 64")
        }
        guard ActivationPrecision(rawValue: activations) != nil else {
            throw ValidationError("--activations must be exact or q8")
        }
        if let cpu, CPUPath(rawValue: cpu.lowercased()) == nil {
            throw ValidationError("--cpu must be one of \(CPUPath.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let threads, !(1...256).contains(threads) {
            throw ValidationError("--threads must be between 1 and 256")
        }
        if let memoryLimit, Self.parseSize(memoryLimit) == nil {
            throw ValidationError("--memory-limit '\(memoryLimit)' is not a size such as 8G, 512M, 1.5GiB or a number of bytes")
        }
    }

    func run() throws {
        if printOpenrpc {
            print(OpenRPCDocument.make().prettyPrinted(), terminator: "")
            return
        }

        // The connection writes to a duplicate of stdout; fd 1 itself now points at stderr, so a
        // stray print anywhere in the process cannot corrupt the protocol stream.
        // The kernels read MINOS_CPU once, when they first run: set it before anything loads.
        if let cpu { setenv("MINOS_CPU", cpu.lowercased(), 1) }
        let protocolOut = dup(STDOUT_FILENO)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        signal(SIGPIPE, SIG_IGN)

        let level = Logger.Level(rawValue: logLevel)!
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "minosd")

        let path = storePath ?? Store.defaultPathFromEnvironment()
        let server: MinosServer
        do {
            var configuration = ServerConfiguration(
                    storePath: path, createStoreDirectory: storePath == nil, noHandshake: noHandshake, maxMessageBytes: maxMessageBytes,
                    sandbox: SandboxConfiguration(
                        pythonPath: python, workers: sandboxWorkers,
                        callTimeout: .milliseconds(Int64(sandboxTimeout * 1000)),
                        memoryBytes: sandboxMemoryMb << 20),
                    threads: threads ?? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))),
                    memoryLimit: memoryLimit.flatMap(Self.parseSize))
            configuration.activations = ActivationPrecision(rawValue: activations)!
            configuration.sessionDirectory = sessionDir
            configuration.mcp = mcp
            configuration.prefixCacheEntries = max(0, prefixCache)
            server = try MinosServer(configuration: configuration, input: STDIN_FILENO, output: protocolOut, logger: logger)
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode(2)
        }

        signal(SIGTERM, SIG_IGN)
        let termination = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        termination.setEventHandler { server.terminate() }
        termination.resume()

        let code = server.run()
        throw ExitCode(code)
    }

    /// Bytes from "8G", "512M", "1.5GiB", "64k" or a plain number (binary units).
    static func parseSize(_ text: String) -> Int? {
        let lower = String(text.lowercased().filter { $0 != " " })
        let (g, m, k) = (Double(1 << 30), Double(1 << 20), Double(1 << 10))
        let units: [(String, Double)] = [("gib", g), ("mib", m), ("kib", k), ("gb", g), ("mb", m), ("kb", k),
                                         ("g", g), ("m", m), ("k", k), ("b", 1)]
        for (suffix, scale) in units where lower.hasSuffix(suffix) {
            guard let value = Double(lower.dropLast(suffix.count)), value > 0 else { return nil }
            return Int(value * scale)
        }
        guard let value = Int(lower), value > 0 else { return nil }
        return value
    }
}

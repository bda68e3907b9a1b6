import Foundation
import JSON
import JSONRPC
import Logging
import Server

/// A `MinosServer` serving this process over an in-memory transport: the daemon's behaviour without
/// spawning `minosd` (no process start-up, no pipes). Flags that only `minosd` parses (`--cpu`,
/// logging) are not here; give the server configuration directly.
public final class InProcessDaemon: DaemonClient, @unchecked Sendable {
    public private(set) var inbox: MessageInbox
    private let client: InMemoryTransport
    private let ids = RequestIDs()
    /// Signalled when `run()` has returned; guards `exitCode`.
    private let finished = NSCondition()
    private var exitCode: Int32?

    /// A configuration like `minosd --db :memory: --no-handshake --threads 2`.
    public static func configuration(store: String = ":memory:", noHandshake: Bool = true) -> ServerConfiguration {
        ServerConfiguration(storePath: store, noHandshake: noHandshake, threads: 2)
    }

    public init(_ configuration: ServerConfiguration = configuration()) throws {
        var configuration = configuration
        // Tests block threads of Swift's shared pool while they wait for replies; on a 2-core
        // machine that pool has 2 threads, so each server's handlers get threads of their own
        // (not shared with other servers, whose handlers may be busy), stopped with the server.
        let executor = ThreadPoolExecutor(threads: 4)
        if configuration.taskExecutor == nil { configuration.taskExecutor = executor }
        let (server, client) = InMemoryTransport.pair()
        self.client = client
        inbox = MessageInbox(endFailure: { .exited(-1, "in-process server stopped") })
        var logger = Logger(label: "minosd-in-process")
        logger.logLevel = .critical
        // `exit` makes run() return: the server stops reading, as the process would have ended.
        let code = ExitCode()
        let daemon = try MinosServer(configuration: configuration, transport: server, logger: logger, exit: { value in
            code.set(value)
            server.closeInput()
        })
        let inbox = inbox, finished = finished
        Thread.detachNewThread { [self] in
            let status = daemon.run()
            server.closeOutput()
            executor.stop()
            finished.lock()
            exitCode = code.value ?? status
            finished.broadcast()
            finished.unlock()
        }
        Thread.detachNewThread {
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = chunk.withUnsafeMutableBytes { client.read(into: $0) }
                if count <= 0 { break }
                inbox.feed(chunk[0..<count])
            }
            inbox.end()
        }
    }

    public func nextRequestID() -> Int64 { ids.next() }

    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = client.write($0) }
    }

    public func closeInput() { client.closeOutput() }

    /// Stops reading the server's output, as a client that went away.
    public func closeOutput() { client.closeInput() }

    /// Waits for the server to stop; returns what the process's exit status would have been.
    public func waitForExit(timeout: Double = 20) throws -> Int32 {
        let deadline = Date(timeIntervalSinceNow: timeout)
        finished.lock()
        defer { finished.unlock() }
        while exitCode == nil {
            guard finished.wait(until: deadline) else { throw DaemonFailure.timedOut("the in-process server to stop") }
        }
        return exitCode!
    }
}

/// The code the `exit` notification asked for.
private final class ExitCode: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Int32?
    var value: Int32? { lock.lock(); defer { lock.unlock() }; return stored }
    func set(_ code: Int32) { lock.lock(); stored = code; lock.unlock() }
}

/// A task executor on threads of its own (see `InProcessDaemon.init`): jobs run in FIFO order on
/// whichever of its threads is free. `condition` guards `jobs`.
final class ThreadPoolExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [self] in self.work() }
            thread.name = "in-process-server-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    /// Lets the threads end once the queue is empty (jobs still queued run first).
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

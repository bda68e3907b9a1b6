import CSandbox
import Foundation
import JSON

/// One sandboxed Python process. Not thread-safe: the pool hands it to one caller at a time (that
/// exclusivity is the invariant behind `@unchecked Sendable`), and every method blocks, so it runs
/// on a dispatch queue, never on Swift's cooperative pool.
final class SandboxWorker: @unchecked Sendable {
    let pid: pid_t
    private(set) var isolation = SandboxIsolation(networkNamespace: false, seccomp: false, landlock: false, python: "?")
    private let requestFD: Int32
    private let replyFD: Int32
    private let stderrFD: Int32
    private let directory: String
    private var pending: [UInt8] = []
    private var stderrTail: [UInt8] = []
    private(set) var alive = true

    enum Event {
        case line(JSONValue)
        case timedOut
        case cancelled
        case died(String)
    }

    /// Starts a worker and waits for its ready line.
    init(python: String, configuration: SandboxConfiguration) throws(SandboxError) {
        var template = Array("/tmp/minos-sandbox-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SandboxError("cannot create a sandbox directory: \(String(cString: strerror(errno)))")
        }
        let directory = String(cString: made)
        self.directory = directory
        var requestPipe: [Int32] = [0, 0], replyPipe: [Int32] = [0, 0], errorPipe: [Int32] = [0, 0]
        guard minos_pipe_cloexec(&requestPipe) == 0, minos_pipe_cloexec(&replyPipe) == 0, minos_pipe_cloexec(&errorPipe) == 0 else {
            throw SandboxError("cannot create pipes: \(String(cString: strerror(errno)))")
        }
        let argv = [python, "-I", "-c", WorkerScript.source]
        let environment = ["PATH=/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "HOME=\(directory)",
                           "PYTHONIOENCODING=utf-8", "PYTHONHASHSEED=0"]
        var limits = minos_sandbox_limits(
            memory_bytes: configuration.memoryBytes, cpu_seconds: 3600,
            file_size_bytes: configuration.fileSizeBytes, open_files: configuration.openFiles, isolate_network: 1)
        var report = minos_sandbox_report()
        let spawned = withCStrings(argv) { argvPointers in
            withCStrings(environment) { envPointers in
                minos_sandbox_spawn(python, argvPointers, envPointers, directory, requestPipe[0], replyPipe[1],
                                    -1, errorPipe[1], &limits, &report)
            }
        }
        close(requestPipe[0])
        close(replyPipe[1])
        close(errorPipe[1])
        requestFD = requestPipe[1]
        replyFD = replyPipe[0]
        stderrFD = errorPipe[0]
        guard spawned > 0 else {
            close(requestFD); close(replyFD); close(stderrFD)
            Self.removeDirectory(directory)
            throw SandboxError("cannot start \(python) (setup step \(report.failed_step)): \(String(cString: strerror(report.exec_errno)))")
        }
        pid = spawned
        // From here on a failed start is cleaned up by terminate() and deinit.
        _ = fcntl(replyFD, F_SETFL, fcntl(replyFD, F_GETFL) | O_NONBLOCK)
        _ = fcntl(stderrFD, F_SETFL, fcntl(stderrFD, F_GETFL) | O_NONBLOCK)

        var ready: JSONValue?
        switch nextEvent(deadline: monotonicNow() + 20, isCancelled: { false }) {
        case .line(let line): ready = line
        case .timedOut: break
        case .cancelled: break
        case .died(let why):
            terminate()
            throw SandboxError("the sandbox worker failed to start: \(why)")
        }
        guard let ready, ready["ready"] == true else {
            terminate()
            throw SandboxError("the sandbox worker did not become ready")
        }
        isolation = SandboxIsolation(networkNamespace: report.network_isolated != 0,
                                     seccomp: ready["seccomp"] == true,
                                     landlock: ready["landlock"] == true,
                                     python: ready["python"]?.stringValue ?? "?")
    }

    deinit {
        terminate()
        close(requestFD)
        close(replyFD)
        close(stderrFD)
    }

    /// Sends one request line. False if the worker is gone.
    func send(_ request: JSONValue) -> Bool {
        var bytes = request.serialized()
        bytes.append(UInt8(ascii: "\n"))
        return bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(requestFD, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }

    /// Caps the worker's total CPU time at what it has used plus `seconds` (RLIMIT_CPU via prlimit):
    /// a backstop behind the wall-clock deadline.
    func limitCPU(toAdditional seconds: Double) {
        let used = cpuSecondsUsed()
        let soft = Int((used + seconds).rounded(.up)) + 1
        _ = minos_limit_cpu(pid, soft, soft + 1)
    }

    /// Waits for the next reply line, the deadline, cancellation, or the worker's death.
    func nextEvent(deadline: Double, isCancelled: () -> Bool) -> Event {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                guard let value = try? JSONValue.parse(line) else {
                    return .died("sent an unreadable reply")
                }
                return .line(value)
            }
            if isCancelled() { return .cancelled }
            let remaining = deadline - monotonicNow()
            if remaining <= 0 { return .timedOut }
            var fds = [pollfd(fd: replyFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)]
            let wait = Int32(min(remaining, 0.1) * 1000) + 1
            let ready = poll(&fds, 2, wait)
            if ready < 0 && errno != EINTR { return .died("poll failed: \(String(cString: strerror(errno)))") }
            drainStderr()
            if fds[0].revents != 0 {
                var chunk = [UInt8](repeating: 0, count: 65536)
                let n = chunk.withUnsafeMutableBytes { read(replyFD, $0.baseAddress, $0.count) }
                if n > 0 {
                    pending.append(contentsOf: chunk[0..<n])
                } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                    return .died(reapReason())
                }
            }
        }
    }

    /// Kills the worker's whole process group and removes its directory.
    func terminate() {
        guard alive else { return }
        alive = false
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        Self.removeDirectory(directory)
    }

    /// Why the worker ended, from its exit status and the last of its stderr.
    private func reapReason() -> String {
        var status: Int32 = 0
        var reason = "exited"
        for _ in 0..<50 {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                alive = false
                Self.removeDirectory(directory)
                let signal = status & 0x7F
                if signal == 0 {
                    reason = "exited with code \((status >> 8) & 0xFF)"
                } else {
                    let name = [SIGKILL: "SIGKILL", SIGXCPU: "SIGXCPU (CPU limit)", SIGSEGV: "SIGSEGV",
                                SIGABRT: "SIGABRT", SIGSYS: "SIGSYS (forbidden system call)"][signal] ?? "signal \(signal)"
                    reason = "killed by \(name)"
                }
                break
            }
            usleep(2_000)
        }
        drainStderr()
        let tail = String(decoding: stderrTail.suffix(300), as: UTF8.self)
            .split(separator: "\n").last.map(String.init) ?? ""
        return tail.isEmpty ? reason : "\(reason): \(tail)"
    }

    private func drainStderr() {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(stderrFD, $0.baseAddress, $0.count) }
            guard n > 0 else { return }
            stderrTail.append(contentsOf: chunk[0..<n])
            if stderrTail.count > 8192 { stderrTail.removeFirst(stderrTail.count - 4096) }
        }
    }

    private func cpuSecondsUsed() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func removeDirectory(_ path: String) {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            // Already gone, or a file the function made unremovable: leave it to the OS's /tmp cleaning.
        }
    }
}

func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Calls `body` with a NULL-terminated C array of the strings.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

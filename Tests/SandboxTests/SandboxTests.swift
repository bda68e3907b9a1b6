import Sandbox
import Foundation
import Testing

/// The sandbox against hostile verification functions, with a real Python interpreter.
@Suite("Sandbox", .serialized)
struct SandboxTests {
    static let pool = SandboxPool(configuration: SandboxConfiguration(workers: 2, callTimeout: .seconds(2), memoryBytes: 256 << 20))

    private func run(_ source: String, _ inputs: [String] = ["some response"], timeout: Duration? = nil) async throws -> FunctionRun {
        try await Self.pool.run(source: source, inputs: inputs, timeout: timeout)
    }

    private func failure(_ run: FunctionRun) -> String? {
        switch run {
        case .compileError(let message): return message
        case .outcomes(let outcomes): return outcomes.first?.failureReason
        }
    }

    /// True when a reason says the sandbox refused: its audit hook ("not allowed"), the kernel's
    /// seccomp filter ("Operation not permitted") or Landlock ("Permission denied").
    private func refused(_ reason: String?) -> Bool {
        guard let reason else { return false }
        return reason.contains("not allowed") || reason.contains("not permitted") || reason.contains("Permission denied")
    }

    @Test("an ordinary function returns its verdicts, in order")
    func ordinary() async throws {
        let run = try await run("import re\ndef evaluate(r):\n    return len(re.findall(r'\\w+', r)) >= 3",
                                ["one two three", "one", "a b c d"])
        #expect(run == .outcomes([.value(true), .value(false), .value(true)]))
    }

    @Test("the worker is isolated: seccomp and Landlock, and a network namespace where the kernel allows")
    func isolation() async throws {
        _ = try await run("def evaluate(r):\n    return True")
        let isolation = try #require(await Self.pool.isolation)
        #expect(isolation.seccomp)
        #expect(isolation.landlock)
        if getuid() == 0 { #expect(isolation.networkNamespace) }
    }

    @Test("a syntax error or a missing evaluate is a compile error")
    func compileErrors() async throws {
        #expect(try await run("def evaluate(r) return True") == .compileError("SyntaxError: expected ':' (<verification function>, line 1)"))
        guard case .compileError(let message) = try await run("def check(r):\n    return True") else {
            Issue.record("a source without evaluate compiled")
            return
        }
        #expect(message.contains("evaluate"))
    }

    @Test("an infinite loop times out; the next call gets a fresh worker")
    func infiniteLoop() async throws {
        let run = try await run("def evaluate(r):\n    while True:\n        pass", ["a", "b"], timeout: .milliseconds(300))
        #expect(run == .outcomes([.timeout, .timeout]))
        #expect(try await self.run("def evaluate(r):\n    return r == 'x'", ["x"]) == .outcomes([.value(true)]))
    }

    @Test("unbounded allocation fails within the memory limit")
    func unboundedAllocation() async throws {
        let reason = failure(try await run("def evaluate(r):\n    x = []\n    while True:\n        x.append(' ' * 10**7)"))
        #expect(reason?.contains("MemoryError") == true || reason?.contains("worker died") == true, "\(reason ?? "no failure")")
    }

    @Test("forking is refused", arguments: [
        "import os\ndef evaluate(r):\n    return os.fork() >= 0",
        "import posix\ndef evaluate(r):\n    return posix.fork() >= 0",
        "import os\ndef evaluate(r):\n    return os.system('true') == 0",
    ])
    func fork(source: String) async throws {
        let reason = failure(try await run(source))
        #expect(refused(reason), "\(reason ?? "no failure")")
    }

    @Test("subprocess cannot even be imported")
    func subprocessImport() async throws {
        guard case .compileError(let message) = try await run("import subprocess\ndef evaluate(r):\n    return True") else {
            Issue.record("subprocess was importable")
            return
        }
        #expect(message.contains("not allowed"))
    }

    @Test("files outside the working directory cannot be read or listed", arguments: [
        "def evaluate(r):\n    return len(open('/etc/passwd').read()) > 0",
        "def evaluate(r):\n    return len(open('../../../etc/hostname').read()) > 0",
        "import os\ndef evaluate(r):\n    return len(os.listdir('/')) > 0",
        "import io\ndef evaluate(r):\n    return io.open('/proc/self/environ', 'rb').read() != b''",
    ])
    func filesOutside(source: String) async throws {
        let reason = failure(try await run(source))
        #expect(refused(reason), "\(reason ?? "no failure")")
    }

    @Test("files inside the working directory work, and are gone by the next call")
    func filesInside() async throws {
        let write = "import os\ndef evaluate(r):\n    existed = os.path.exists('note.txt')\n    open('note.txt', 'w').write(r)\n    return not existed and open('note.txt').read() == r"
        #expect(try await run(write, ["hello"]) == .outcomes([.value(true)]))
        #expect(try await run(write, ["again"]) == .outcomes([.value(true)]))
    }

    @Test("sockets cannot be opened", arguments: [
        "import socket\ndef evaluate(r):\n    return socket.socket() is not None",
        "import _socket\ndef evaluate(r):\n    return _socket.socket() is not None",
        "def evaluate(r):\n    s = __import__('socket').create_connection(('127.0.0.1', 9))\n    return True",
    ])
    func sockets(source: String) async throws {
        let reason = failure(try await run(source))
        #expect(refused(reason), "\(reason ?? "no failure")")
    }

    @Test("a function that kills its own worker fails; others carry on", arguments: [
        "import os\ndef evaluate(r):\n    os.kill(os.getpid(), 9)",
        "import os\ndef evaluate(r):\n    os._exit(3)",
    ])
    func killsWorker(source: String) async throws {
        let run = try await run(source, ["a", "b"])
        guard case .outcomes(let outcomes) = run else {
            Issue.record("unexpected \(run)")
            return
        }
        #expect(outcomes.count == 2)
        #expect(outcomes.allSatisfy { if case .crashed = $0 { return true }; return false })
        #expect(try await self.run("def evaluate(r):\n    return True") == .outcomes([.value(true)]))
    }

    @Test("a worker killed while idle is replaced without failing the next call")
    func idleWorkerKilled() async throws {
        let pool = SandboxPool(configuration: SandboxConfiguration(workers: 1, callTimeout: .seconds(2)))
        let source = "import os\ndef evaluate(r):\n    return os.getpid() > 0"
        #expect(try await pool.run(source: source, inputs: ["a"]) == .outcomes([.value(true)]))
        // Kill every idle worker from outside, as an OOM killer or an operator might.
        let pids = try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap(Int32.init)
        for pid in pids {
            let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            if cmdline.contains("Minos sandbox worker") && getppid() != pid && isChild(pid) { kill(pid, SIGKILL) }
        }
        usleep(100_000)
        #expect(try await pool.run(source: source, inputs: ["b"]) == .outcomes([.value(true)]))
    }

    /// Whether `pid`'s parent is this process.
    private func isChild(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 && Int32(fields[1]) == getpid()
    }

    @Test("signalling another process is refused")
    func killOthers() async throws {
        let reason = failure(try await run("import os\ndef evaluate(r):\n    os.kill(os.getppid(), 9)\n    return True"))
        #expect(refused(reason), "\(reason ?? "no failure")")
    }

    @Test("the environment is scrubbed")
    func environment() async throws {
        setenv("MINOS_SECRET_FOR_TEST", "leak", 1)
        let run = try await run("import os\ndef evaluate(r):\n    return 'MINOS_SECRET_FOR_TEST' not in os.environ and os.environ.get('PATH') == '/usr/bin:/bin'")
        #expect(run == .outcomes([.value(true)]))
    }

    @Test("a non-bool result or an exception fails that call only")
    func perCallErrors() async throws {
        let run = try await run("def evaluate(r):\n    if r == 'boom':\n        raise ValueError('bad')\n    return 1 if r == 'int' else True",
                                ["ok", "boom", "int"])
        guard case .outcomes(let outcomes) = run else {
            Issue.record("unexpected \(run)")
            return
        }
        #expect(outcomes[0] == .value(true))
        #expect(outcomes[1].failureReason?.contains("ValueError") == true)
        #expect(outcomes[2].failureReason?.contains("not bool") == true)
    }

    @Test("cancellation stops a long call promptly")
    func cancellation() async throws {
        let task = Task { try await Self.pool.run(source: "def evaluate(r):\n    while True:\n        pass", inputs: ["x"], timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}

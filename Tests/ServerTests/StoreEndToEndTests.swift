import Foundation
import JSON
import TestSupport
import Testing

@Suite("Store (end to end)")
struct StoreEndToEndTests {
    @Test("the default store lives under XDG_DATA_HOME")
    func defaultUnderXDG() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("minos-xdg-\(UUID().uuidString)").path
        let d = try DaemonProcess(arguments: ["--no-handshake"], environment: ["XDG_DATA_HOME": data])
        let store = try d.call("daemon/status")["result"]?["store"]
        #expect(store?["path"] == .string(data + "/minos/minos.db"))
        #expect(store?["journalMode"] == "wal")
        #expect(FileManager.default.fileExists(atPath: data + "/minos/minos.db"))
    }

    @Test("without XDG_DATA_HOME the store is under ~/.local/share")
    func defaultUnderHome() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("minos-home-\(UUID().uuidString)").path
        let d = try DaemonProcess(arguments: ["--no-handshake"], environment: ["HOME": home, "XDG_DATA_HOME": ""])
        #expect(try d.call("daemon/status")["result"]?["store"]?["path"] == .string(home + "/.local/share/minos/minos.db"))
    }

    @Test("--db :memory: is a throwaway store")
    func memory() throws {
        let d = try DaemonProcess(arguments: ["--no-handshake", "--db", ":memory:"])
        #expect(try d.call("daemon/status")["result"]?["store"]?["path"] == ":memory:")
    }

    @Test("two daemons share one store safely")
    func twoDaemons() throws {
        let path = temporaryStorePath()
        let first = try DaemonProcess(arguments: ["--no-handshake", "--db", path])
        let second = try DaemonProcess(arguments: ["--no-handshake", "--db", path])
        for _ in 0..<20 {
            #expect(try first.call("daemon/status")["result"] != nil)
            #expect(try second.call("daemon/status")["result"] != nil)
        }
        first.closeInput()
        second.closeInput()
        #expect(try first.waitForExit() == 0)
        #expect(try second.waitForExit() == 0)
        let store = try openStore(path)
        #expect(try store.integrityCheck() == "ok")
        let rows = try store.withDatabase { try $0.query("SELECT served FROM daemon_runs WHERE stopped_at IS NOT NULL") }
        #expect(rows.count == 2)
    }

    @Test("a corrupt store is refused with a clear error and left untouched")
    func corruptStore() throws {
        let path = temporaryStorePath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let garbage = Data(repeating: 0x5A, count: 8192)
        try garbage.write(to: URL(fileURLWithPath: path))
        let d = try DaemonProcess(arguments: ["--db", path])
        #expect(try d.waitForExit() == 2)
        #expect(d.stderrText.contains("not a database"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test("an explicit --db in a missing directory is refused; nothing is created")
    func explicitMissingDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("minos-missing-\(UUID().uuidString)").path
        let d = try DaemonProcess(arguments: ["--db", directory + "/sub/minos.db"])
        #expect(try d.waitForExit() == 2)
        #expect(d.stderrText.contains("does not exist"))
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test("a clean exit leaves no -wal or -shm files")
    func cleanExit() throws {
        let path = temporaryStorePath()
        let d = try DaemonProcess(arguments: ["--no-handshake", "--db", path])
        _ = try d.call("daemon/status")
        d.closeInput()
        #expect(try d.waitForExit() == 0)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
    }

    @Test("each run is recorded and survives a restart")
    func survivesRestart() throws {
        let path = temporaryStorePath()
        for _ in 0..<2 {
            let d = try DaemonProcess(arguments: ["--no-handshake", "--db", path])
            _ = try d.call("daemon/ping")
            d.closeInput()
            #expect(try d.waitForExit() == 0)
        }
        #expect(try openStore(path).runCount() == 2)
    }
}

import Foundation
import Store
import Testing

private func temporaryPath(_ name: String = "minos.db") -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("minos-store-\(UUID().uuidString)")
    return directory.appendingPathComponent(name).path
}

@Suite("SQLite store")
struct StoreTests {
    @Test("opens in WAL mode, creating its directory, and applies every migration")
    func opens() throws {
        let path = temporaryPath()
        let store = try Store(path: path, createDirectory: true)
        #expect(store.journalMode == "wal")
        #expect(store.schemaVersion == Migration.all.last!.version)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try store.integrityCheck() == "ok")
    }

    @Test("data survives reopening, and migrations run once")
    func persists() throws {
        let path = temporaryPath()
        do {
            let store = try Store(path: path, createDirectory: true)
            let run = try store.recordStart(pid: 1, version: "t")
            try store.recordStop(run: run, served: 3, failed: 1, cancelled: 0)
        }
        let reopened = try Store(path: path, createDirectory: true)
        #expect(try reopened.runCount() == 1)
        let served = try reopened.withDatabase { try $0.query("SELECT served FROM daemon_runs") }
        #expect(served == [[.integer(3)]])
    }

    @Test("a newer schema than this build knows is refused, not touched")
    func newerSchema() throws {
        let path = temporaryPath()
        _ = try Store(path: path, createDirectory: true)
        let future = Migration.all + [Migration(version: 99, name: "future", sql: "CREATE TABLE future (x);")]
        _ = try Store(path: path, createDirectory: true, migrations: future)
        #expect {
            try Store(path: path, createDirectory: true)
        } throws: { error in
            "\(error)".contains("newer than this minosd supports")
        }
    }

    @Test("a file that is not a database is refused with SQLite's reason and left as it was")
    func notADatabase() throws {
        let path = temporaryPath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: path))
        #expect {
            try Store(path: path, createDirectory: true)
        } throws: { error in
            "\(error)".contains("not a database")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test("a failing migration leaves the store at its previous version")
    func failingMigration() throws {
        let path = temporaryPath()
        _ = try Store(path: path, createDirectory: true)
        let latest = Migration.all.last!.version
        let broken = Migration.all + [Migration(version: latest + 1, name: "broken", sql: "CREATE TABLE t (x); NOT SQL;")]
        #expect(throws: StoreError.self) { try Store(path: path, createDirectory: true, migrations: broken) }
        let store = try Store(path: path, createDirectory: true)
        #expect(store.schemaVersion == latest)
        let tables = try store.withDatabase { try $0.query("SELECT name FROM sqlite_master WHERE name = 't'") }
        #expect(tables.isEmpty)
    }

    @Test("two connections write to one store concurrently without losing rows")
    func concurrentWriters() async throws {
        let path = temporaryPath()
        let first = try Store(path: path, createDirectory: true)
        let second = try Store(path: path, createDirectory: true)
        await withTaskGroup(of: Void.self) { group in
            for store in [first, second] {
                group.addTask {
                    for index in 0..<100 { _ = try? store.recordStart(pid: index, version: "c") }
                }
            }
        }
        #expect(try first.runCount() == 200)
        #expect(try second.integrityCheck() == "ok")
    }

    @Test("several connections opening a new store at once all succeed", arguments: 0..<5)
    func concurrentOpen(round: Int) async throws {
        let path = temporaryPath()
        let opened = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<6 {
                group.addTask { (try? Store(path: path, createDirectory: true)) != nil }
            }
            return await group.reduce(into: 0) { count, ok in count += ok ? 1 : 0 }
        }
        #expect(opened == 6)
        #expect(try Store(path: path).journalMode == "wal")
    }

    @Test("the default path follows XDG_DATA_HOME, then HOME")
    func defaultPath() {
        #expect(Store.defaultPath(environment: ["XDG_DATA_HOME": "/x/data", "HOME": "/h"]) == "/x/data/minos/minos.db")
        #expect(Store.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/share/minos/minos.db")
        #expect(Store.defaultPath(environment: ["XDG_DATA_HOME": "relative", "HOME": "/h"]) == "/h/.local/share/minos/minos.db")
    }

    @Test("an explicit path in a missing directory is refused unless asked to create it")
    func missingDirectory() throws {
        let path = temporaryPath()
        #expect {
            try Store(path: path)
        } throws: { error in
            "\(error)".contains("does not exist")
        }
        #expect(!FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent))
        _ = try Store(path: path, createDirectory: true)
        let mode = try FileManager.default.attributesOfItem(atPath: (path as NSString).deletingLastPathComponent)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test("closing checkpoints, removes the WAL files, and refuses later use")
    func close() throws {
        let path = temporaryPath()
        let store = try Store(path: path, createDirectory: true)
        _ = try store.recordStart(pid: 1, version: "c")
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        store.close()
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
        #expect(throws: StoreError.self) { try store.runCount() }
        #expect(try Store(path: path).runCount() == 1)
    }

    @Test(":memory: works for throwaway runs")
    func memory() throws {
        let store = try Store(path: ":memory:")
        _ = try store.recordStart(pid: 1, version: "m")
        #expect(try store.runCount() == 1)
    }
}

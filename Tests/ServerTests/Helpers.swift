import Foundation
import Store

/// A store path in a new, existing directory.
func temporaryStorePath() -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("minos-e2e-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("minos.db").path
}

func openStore(_ path: String) throws -> Store {
    try Store(path: path)
}

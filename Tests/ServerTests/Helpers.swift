import Foundation
import Store

func temporaryStorePath() -> String {
    FileManager.default.temporaryDirectory
        .appendingPathComponent("minos-e2e-\(UUID().uuidString)/minos.db").path
}

func openStore(_ path: String) throws -> Store {
    try Store(path: path)
}

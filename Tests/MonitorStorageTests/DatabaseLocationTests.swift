import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorStorage
import Testing

/// `--db` takes a file: a server's address is refused in words, its password never shown.
@Suite struct DatabaseLocationTests {
    @Test(arguments: [
        "postgres://cronicle:s3cret@db.internal:5432/cronicle",
        "postgresql://cronicle:s3cret@127.0.0.1/cronicle?sslmode=require",
    ])
    func aPostgreSQLAddressIsRefusedWithoutItsPassword(_ address: String) throws {
        let error = try #require(throws: MonitorError.self) { try MonitorStore(path: address) }
        #expect(error.code == .invalidRequest)
        #expect(error.message.contains("is a PostgreSQL address"), "\(error.message)")
        #expect(error.message.contains("give the path of a database file, such as ./cronicle.db"))
        #expect(error.message.contains("cronicle:***@"), "\(error.message)")
        #expect(!error.message.contains("s3cret"), "\(error.message)")
    }

    @Test func anotherAddressIsRefusedAndAPlainPathIsNot() throws {
        let folder = try TemporaryFolder()
        #expect(throws: MonitorError.self) { try MonitorStore(path: "mysql://root:pw@localhost/db") }
        #expect(throws: MonitorError.self) { try DatabaseBackup.copy(from: "postgres://u:pw@h/db", to: "copy.db") }
        // A file whose name only contains a colon is still a file.
        _ = try MonitorStore(path: folder.url("c:d.db"))
        #expect(FileManager.default.fileExists(atPath: folder.url("c:d.db")))
    }
}

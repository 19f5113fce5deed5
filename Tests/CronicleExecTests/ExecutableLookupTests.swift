import CronicleExec
import CronicleTestSupport
import Foundation
import Testing

/// PATH lookup as execvp does it: 127 for nothing found, 126 for found but not runnable.
@Suite struct ExecutableLookupTests {
    static func folderWithFiles() throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        try folder.write("bin1/tool", "#!/bin/sh\n")
        try folder.write("bin2/tool", "#!/bin/sh\n")
        try folder.write("bin2/plain", "text\n")
        try FileManager.default.createDirectory(atPath: folder.url("bin2/dir"), withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: folder.url("bin1/tool"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.url("bin2/tool"))
        return folder
    }

    static func failure(_ result: Result<String, ExecutableLookup.Failure>) -> ExecutableLookup.Failure? {
        if case .failure(let failure) = result { return failure }
        return nil
    }

    @Test func aSiblingIsFoundOnlyBesideAnAbsolutePath() {
        #expect(
            ExecutableLookup.sibling("cronicle-server", of: "/opt/cronicle-1.0/cronicle")
                == "/opt/cronicle-1.0/cronicle-server")
        #expect(ExecutableLookup.sibling("cronicle-server", of: "/cronicle") == "/cronicle-server")
        // Relative or bare names would run whatever the current folder holds.
        #expect(ExecutableLookup.sibling("cronicle-server", of: "cronicle") == nil)
        #expect(ExecutableLookup.sibling("cronicle-server", of: "./bin/cronicle") == nil)
        #expect(ExecutableLookup.sibling("cronicle-server", of: "") == nil)
    }

    @Test func findsTheFirstExecutableOnThePath() throws {
        let folder = try Self.folderWithFiles()
        let path = "\(folder.url("bin1")):\(folder.url("bin2"))"
        #expect(ExecutableLookup.resolve("tool", searchPath: path) == .success(folder.url("bin2/tool")))
        #expect(ExecutableLookup.resolve("sh", searchPath: "/nonexistent:/bin") == .success("/bin/sh"))
    }

    @Test func nothingFoundIs127() throws {
        let failure = ExecutableLookup.Failure.notFound(command: "nosuchcmd", isPath: false)
        #expect(ExecutableLookup.resolve("nosuchcmd", searchPath: "/bin:/usr/bin") == .failure(failure))
        #expect(failure.exitStatus == 127)
        #expect(failure.message == "nosuchcmd: command not found")
        let missingPath = ExecutableLookup.resolve("/nonexistent/tool", searchPath: nil)
        #expect(missingPath == .failure(.notFound(command: "/nonexistent/tool", isPath: true)))
        #expect((try? missingPath.get()) == nil)
    }

    @Test func foundButNotRunnableIs126() throws {
        let folder = try Self.folderWithFiles()
        let plain = ExecutableLookup.resolve("plain", searchPath: folder.url("bin2"))
        #expect(plain == .failure(.notExecutable(command: "plain", reason: "Permission denied")))
        let directory = Self.failure(ExecutableLookup.resolve(folder.url("bin2/dir"), searchPath: nil))
        #expect(directory?.exitStatus == 126)
        #expect(directory?.message.hasSuffix("dir: Is a directory") == true)
        let onlyRefused = ExecutableLookup.resolve("tool", searchPath: folder.url("bin1"))
        #expect(Self.failure(onlyRefused)?.message == "tool: Permission denied")
        #expect(Self.failure(onlyRefused)?.exitStatus == 126)
    }
}

import Config
import CronicleTestSupport
import Foundation
import Testing

/// Credentials over HTTP(S): where they come from, that a refusal ends the fetch at
/// once with a message saying whose credentials were refused, and that no password or
/// token ever shows in a message or in the cache.
@Suite struct GitHTTPCredentialsTests {
    let cache: TemporaryFolder

    init() throws {
        cache = try TemporaryFolder()
    }

    func source(_ url: String, _ access: GitRemoteAccess = GitRemoteAccess()) -> GitDefinitions {
        GitDefinitions(repository: url, ref: "main", cacheDirectory: cache.path, access: access)
    }

    @Test func refusedCredentialsFromTheEnvironmentEndTheFetch() async throws {
        let server = try await RefusingHTTPServer.start()
        let url = "http://url-user:url-secret-1@127.0.0.1:\(server.port)/ops/jobs.git"
        let access = GitRemoteAccess(environment: [
            "CRONICLE_GIT_USERNAME": "bot", "CRONICLE_GIT_PASSWORD": "env-secret-2",
        ])
        let started = ContinuousClock.now
        let error = try #require(await source(url, access).readFailureInBackground())
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(
            error.message
                == "cannot fetch 'http://127.0.0.1:\(server.port)/ops/jobs.git': the server refused the user name "
                + "and password from CRONICLE_GIT_USERNAME/CRONICLE_GIT_PASSWORD for "
                + "http://127.0.0.1:\(server.port)/ops/jobs.git")
        // The URL's credentials are not even tried when the environment has some.
        #expect(server.credentials == ["-", "bot:env-secret-2"])
        try expectNoSecret(["url-secret-1", "env-secret-2"], in: error.message)
    }

    @Test func refusedCredentialsFromTheURL() async throws {
        let server = try await RefusingHTTPServer.start()
        let url = "http://bot:url-secret-3@127.0.0.1:\(server.port)/ops/jobs.git"
        let error = try #require(await source(url).readFailureInBackground())
        #expect(
            error.message.hasSuffix(
                "the server refused the user name and password in the URL of "
                    + "http://127.0.0.1:\(server.port)/ops/jobs.git"))
        #expect(server.credentials == ["-", "bot:url-secret-3"])
        try expectNoSecret(["url-secret-3"], in: error.message)
    }

    @Test func noCredentialsSaysWhichToSet() async throws {
        let server = try await RefusingHTTPServer.start()
        let error = try #require(await source("http://127.0.0.1:\(server.port)/ops/jobs.git").readFailureInBackground())
        #expect(
            error.message.hasSuffix(
                "asks for a user name and password: set CRONICLE_GIT_USERNAME and CRONICLE_GIT_PASSWORD "
                    + "(a token as the password)"))
        #expect(server.credentials == ["-"])
    }

    @Test func aTokenInAnHTTPSURLNeverShows() async throws {
        for url in ["https://bot:SECRET123@127.0.0.1:1/x.git", "https://SECRET123@127.0.0.1:1/x.git"] {
            let error = try #require(await source(url).readFailureInBackground())
            #expect(error.message.hasPrefix("cannot fetch 'https://"))
            try expectNoSecret(["SECRET123"], in: error.message)
        }
        let error = try #require(
            await source("https://bot:SECRET123@127.0.0.1:1/x.git", GitRemoteAccess(password: "SECRET456"))
                .readFailureInBackground())
        try expectNoSecret(["SECRET123", "SECRET456"], in: error.message)
    }

    /// Neither `text` nor any file of the cache (a cache repository's config records its URL).
    func expectNoSecret(_ secrets: [String], in text: String) throws {
        for secret in secrets {
            #expect(!text.contains(secret))
            let files = FileManager.default.enumerator(atPath: cache.path)?.allObjects as? [String] ?? []
            for file in files {
                let contents = (try? Data(contentsOf: URL(fileURLWithPath: cache.url(file)))) ?? Data()
                #expect(!String(decoding: contents, as: UTF8.self).contains(secret), "\(file) holds \(secret)")
            }
        }
    }

}

import Testing

@testable import Config

/// `--repo` values taken apart as git does, and handed to libgit2 without credentials.
@Suite struct GitRemoteURLTests {
    @Test func scpLikeAddresses() {
        let remote = GitRemoteURL("git@github.com:acme/jobs.git")
        #expect(remote.kind == .ssh && remote.isSCPLike)
        #expect(remote.user == "git" && remote.host == "github.com" && remote.port == 22)
        #expect(remote.withoutCredentials == "git@github.com:acme/jobs.git")
        #expect(remote.knownHostsName == "github.com")
        let noUser = GitRemoteURL("github.com:/srv/jobs.git")
        #expect(noUser.kind == .ssh && noUser.user == nil && noUser.host == "github.com")
        // A slash before the colon makes it a path, as in git.
        #expect(GitRemoteURL("./jobs:2024").kind == .local)
        #expect(GitRemoteURL("/srv/jobs:2024").kind == .local)
        #expect(GitRemoteURL("jobs.d").kind == .local)
    }

    @Test func sshURLs() {
        let remote = GitRemoteURL("ssh://git@127.0.0.1:2222/srv/jobs.git")
        #expect(remote.kind == .ssh && !remote.isSCPLike)
        #expect(remote.user == "git" && remote.host == "127.0.0.1" && remote.port == 2222)
        #expect(remote.knownHostsName == "[127.0.0.1]:2222")
        #expect(GitRemoteURL("ssh://host/srv/jobs.git").port == 22)
        #expect(GitRemoteURL("ssh://git:pw@host/x.git").withoutCredentials == "ssh://git@host/x.git")
        #expect(GitRemoteURL("git+ssh://git@host:2222/x.git").withoutCredentials == "ssh://git@host:2222/x.git")
        #expect(GitRemoteURL("ssh://git@[::1]:2222/x.git").host == "::1")
    }

    @Test func httpURLsLoseTheirCredentials() {
        let remote = GitRemoteURL("https://bot:p%40ss@git.example.com/ops/jobs.git")
        #expect(remote.kind == .http && remote.port == 443)
        #expect(remote.user == "bot" && remote.password == "p@ss")
        #expect(remote.withoutCredentials == "https://git.example.com/ops/jobs.git")
        #expect(GitRemoteURL("https://TOKEN@host:8443/x.git").withoutCredentials == "https://host:8443/x.git")
        #expect(GitRemoteURL("http://host/x.git").port == 80)
        #expect(GitRemoteURL("file:///srv/jobs").kind == .local)
    }
}

import Config
import Testing

/// What may be stored, logged and shown of a repository's address (DESIGN 12).
@Suite struct RepositoryAddressTests {
    @Test(arguments: [
        ("https://bot:ghp_token@GitHub.com/acme/jobs.git/", "https://github.com/acme/jobs.git"),
        ("https://ghp_token@github.com/acme/jobs.git", "https://github.com/acme/jobs.git"),
        ("HTTPS://github.com/acme/jobs.git", "https://github.com/acme/jobs.git"),
        ("ssh://git:pw@git.example.com:2222/ops/jobs.git", "ssh://git@git.example.com:2222/ops/jobs.git"),
        ("ssh://git@git.example.com/ops/jobs.git", "ssh://git@git.example.com/ops/jobs.git"),
        ("git@github.com:acme/jobs.git", "git@github.com:acme/jobs.git"),
        ("/srv/jobs", "/srv/jobs"),
        ("https://host/a?token=x", "https://host/a?token=x"),
    ])
    func credentialsAreStripped(address: String, redacted: String) {
        #expect(RepositoryAddress.redacted(address) == redacted)
    }

    @Test func messagesLoseTheSecretsButNotAnSSHLogin() {
        let https = "https://bot:ghp_s3cret@host/x.git"
        #expect(
            RepositoryAddress.scrub("failed to fetch \(https): ghp_s3cret refused", of: https)
                == "failed to fetch https://host/x.git: *** refused")
        let ssh = "ssh://root:hunter22@host/x.git"
        #expect(
            RepositoryAddress.scrub("key /root/.ssh/id refused; password hunter22", of: ssh)
                == "key /root/.ssh/id refused; password ***")
    }
}

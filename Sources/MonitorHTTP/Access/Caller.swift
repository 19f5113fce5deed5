import MonitorDomain

/// Who sent a request, as ``AccessGuard`` found out: a key, the `--api-token`, or nobody
/// (an open monitor). Handlers name it in the audit log.
public struct Caller: Sendable {
    /// What proved who it is.
    public enum Credential: Sendable {
        /// A key made with `cronicle keys create`.
        case key(APIKey)
        /// `--api-token` (`CRONICLE_API_TOKEN`): an admin key that lives in the server's settings.
        case apiToken
    }

    public var credential: Credential?
    /// The hash of the secret sent, for sessions opened with it.
    public var secretHash: String?
    public var via: ChangeAuthor.Via
    /// The caller's address, for anonymous changes.
    public var address: String?

    public init(credential: Credential?, secretHash: String? = nil, via: ChangeAuthor.Via, address: String?) {
        self.credential = credential
        self.secretHash = secretHash
        self.via = via
        self.address = address
    }

    /// What this caller may do; nil when it sent no credential.
    public var scope: AccessScope? {
        switch credential {
        case .key(let key): key.scope
        case .apiToken: .admin
        case nil: nil
        }
    }

    /// The name the audit log and pages give: the key's, `api-token`, or the address.
    public var name: String {
        switch credential {
        case .key(let key): key.name
        case .apiToken: "api-token"
        case nil: "anonymous at \(address ?? "an unknown address")"
        }
    }

    /// The author of a change this caller makes; `statedBy` is the request's own `by`, which
    /// a key's name follows so the log says which key vouched for it.
    public func author(statedBy: String? = nil) -> ChangeAuthor {
        guard let statedBy else { return ChangeAuthor(name, via: via) }
        return ChangeAuthor(credential == nil ? statedBy : "\(statedBy) (\(name))", via: via)
    }
}

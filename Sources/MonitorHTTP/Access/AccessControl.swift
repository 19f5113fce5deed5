import Foundation
import HTTPTypes
import Hummingbird
import MonitorDomain

/// What the ``AccessGuard``s of every route group share: the key ring, the store (for a
/// ping key's tags and for sessions) and how to tell who called.
public struct AccessControl: Sendable {
    public let keyRing: KeyRing
    let store: any MonitorStoring
    let trustProxy: Bool

    /// The dashboard's session cookie.
    static let sessionCookie = "cronicle_session"

    public init(store: any MonitorStoring, apiToken: String?, trustProxy: Bool = false) {
        keyRing = KeyRing(store: store, apiToken: apiToken)
        self.store = store
        self.trustProxy = trustProxy
    }

    /// The middleware for a group whose routes need `requirement`.
    func guarding(_ requirement: AccessGuard.Requirement) -> AccessGuard {
        AccessGuard(requirement: requirement, access: self)
    }

    /// Who sent `request`: the key or token of its `Authorization: Bearer`, else of its
    /// session cookie, else nobody; and, for a Bearer that is no key, why. The guard
    /// refuses such a request where the route needs a credential, and lets it pass where
    /// the route is open: before keys exist, pings that send their ping key as a Bearer
    /// worked and keep working.
    func caller(_ request: Request, _ context: CronicleRequestContext) async throws -> (Caller, MonitorError?) {
        let address = context.remoteAddress?.ipAddress
        var caller = Caller(credential: nil, secretHash: nil, via: Self.via(request), address: address)
        if let authorization = request.headers[.authorization] {
            guard authorization.hasPrefix("Bearer "), authorization.count > 7 else {
                return (
                    caller,
                    MonitorError(
                        .unauthorized,
                        "the Authorization header must be 'Bearer <key>', the key as `cronicle keys create` printed it")
                )
            }
            let hash = KeySecret.hash(String(authorization.dropFirst(7)))
            switch try await keyRing.credential(secretHash: hash) {
            case .success(let credential):
                caller.credential = credential
                caller.secretHash = hash
                return (caller, nil)
            case .failure(let error):
                return (caller, error)
            }
        }
        if let token = Self.cookie(Self.sessionCookie, in: request) {
            let tokenHash = KeySecret.hash(token)
            if let secretHash = try await keyRing.session(tokenHash: tokenHash, now: store.clock.now),
                case .success(let credential) = try await keyRing.credential(secretHash: secretHash)
            {
                caller.credential = credential
                caller.secretHash = secretHash
                caller.via = .ui
            }
        }
        return (caller, nil)
    }

    /// How a request reached the monitor: `cronicle` commands say so in their User-Agent,
    /// and the dashboard's own requests come from a page of the same origin.
    static func via(_ request: Request) -> ChangeAuthor.Via {
        if let agent = request.headers[.userAgent], agent.hasPrefix("cronicle/") || agent.hasPrefix("cronicle-sync/") {
            return .cli
        }
        return request.headers[CrossSiteRequestGuard<CronicleRequestContext>.fetchSite] == "same-origin" ? .ui : .api
    }

    /// The value of the cookie `name`, if the request sends it.
    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return String(parts[1]).trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }
}

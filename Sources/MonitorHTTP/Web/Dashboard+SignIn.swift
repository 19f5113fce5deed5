import Foundation
import HTTPTypes
import Hummingbird
import MonitorDomain
import NIOCore

extension Dashboard {
    /// How long a dashboard session lasts after sign-in.
    static let sessionLifetime: TimeInterval = 12 * 3600

    /// `/login` asks for a key (read scope or more) and opens a session: an HttpOnly,
    /// SameSite=Strict cookie (Secure when the monitor is reached over HTTPS) naming a
    /// random token whose hash the database keeps with the key's. `/logout` ends it.
    func addSignInRoutes(to router: Router<CronicleRequestContext>, access: AccessControl) {
        router.get("/login") { request, _ in
            let next = Self.localPath(request.uri.queryParameters["next"].map(String.init))
            return try await signInPage(next: next, message: nil, access: access)
        }
        router.post("/login") { request, _ in
            let form = try await Self.form(request)
            let next = Self.localPath(form["next"])
            let secret = (form["key"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let hash = KeySecret.hash(secret)
            guard !secret.isEmpty, case .success(let credential) = try await access.keyRing.credential(secretHash: hash)
            else {
                return try await signInPage(
                    next: next,
                    message: "That is not a key of this monitor, or it was revoked. Paste the whole key "
                        + "as `cronicle keys create` printed it (crk_…), or the server's --api-token.",
                    access: access, status: .unauthorized)
            }
            let caller = Caller(credential: credential, secretHash: hash, via: .ui, address: nil)
            guard let scope = caller.scope, scope.grants(.read) || scope == .sync else {
                return try await signInPage(
                    next: next,
                    message: "The key '\(caller.name)' has the ping scope, which records runs only; "
                        + "sign in with a key of the read scope or more.", access: access, status: .forbidden)
            }
            let token = KeySecret.generate()
            let expires = store.clock.now.addingTimeInterval(Self.sessionLifetime)
            try await store.openSession(
                tokenHash: KeySecret.hash(token), secretHash: hash, name: caller.name, expires: expires)
            access.keyRing.remember(session: KeySecret.hash(token), secretHash: hash, expires: expires)
            return Response(
                status: .seeOther,
                headers: [
                    .location: next, .cacheControl: "no-store",
                    .setCookie: sessionCookie(token, maxAge: Int(Self.sessionLifetime), request: request),
                ])
        }
        router.post("/logout") { request, _ in
            if let token = AccessControl.cookie(AccessControl.sessionCookie, in: request) {
                try await store.closeSession(tokenHash: KeySecret.hash(token))
                access.keyRing.forget(session: KeySecret.hash(token))
            }
            return Response(
                status: .seeOther,
                headers: [
                    .location: "/login", .cacheControl: "no-store",
                    .setCookie: sessionCookie("", maxAge: 0, request: request),
                ])
        }
    }

    private func signInPage(
        next: String, message: String?, access: AccessControl, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var context: [String: Any] = ["title": "Sign in", "next": next]
        if let message { context["message"] = message }
        if try await !access.keyRing.keysRequired() && !access.keyRing.hasAPIToken {
            context["open"] = true
        }
        return try await page("login", context, section: .login, status: status, caller: nil)
    }

    /// `Secure` when the monitor is reached over HTTPS (its public URL, or a proxy that says so).
    private func sessionCookie(_ token: String, maxAge: Int, request: Request) -> String {
        let secure =
            publicURL?.lowercased().hasPrefix("https://") == true
            || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
        return "\(AccessControl.sessionCookie)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
            + (secure ? "; Secure" : "")
    }

    /// Where to go after signing in: a path of this monitor only, never another site.
    static func localPath(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
            !next.unicodeScalars.contains(where: { $0.value < 0x20 })
        else { return "/" }
        return next
    }

    /// An `application/x-www-form-urlencoded` body of at most 4 KiB. A field whose escapes
    /// are not UTF-8 is left out (URLComponents traps on such text instead of failing).
    static func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await RequestParsing.body(request, limit: 4096)
        var fields: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decoded = parts.map { $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decoded[0], let value = decoded.count > 1 ? decoded[1] : "" else { continue }
            fields[name] = value
        }
        return fields
    }
}

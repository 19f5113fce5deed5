import Foundation
import MonitorDomain

extension MonitorServerClient {
    /// A key as the monitor lists it.
    public struct KeySummary: Sendable {
        public var name: String
        public var scope: String
        public var jobs: [String]
        public var tags: [String]
        public var hint: String
        public var createdAt: String
        public var createdBy: String
        public var revokedAt: String?
        /// Only in the answer to a create.
        public var secret: String?

        init(_ object: [String: Any]) {
            name = object["name"] as? String ?? ""
            scope = object["scope"] as? String ?? ""
            jobs = object["jobs"] as? [String] ?? []
            tags = object["tags"] as? [String] ?? []
            hint = object["hint"] as? String ?? ""
            createdAt = object["created_at"] as? String ?? ""
            createdBy = object["created_by"] as? String ?? ""
            revokedAt = object["revoked_at"] as? String
            secret = object["secret"] as? String
        }
    }

    /// `POST /keys` (an admin key): the new key with its secret.
    public func createKey(name: String, scope: String, jobs: [String], tags: [String]) async throws -> KeySummary {
        let body = try JSONSerialization.data(withJSONObject: [
            "name": name, "scope": scope, "jobs": jobs, "tags": tags,
        ])
        return KeySummary(try object(try await request("POST", "/keys", body: body, accept: [201])))
    }

    /// `GET /keys` (an admin key).
    public func keys() async throws -> [KeySummary] {
        let list = try object(try await request("GET", "/keys", body: nil, accept: [200]))["keys"] as? [[String: Any]]
        return (list ?? []).map(KeySummary.init)
    }

    /// `DELETE /keys/{name}` (an admin key).
    public func revokeKey(name: String) async throws -> KeySummary {
        let escaped = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
        return KeySummary(try object(try await request("DELETE", "/keys/\(escaped)", body: nil, accept: [200])))
    }

    private func object(_ data: Data) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure(status: 200, code: "invalid_answer", message: "the monitor's answer is not a JSON object")
        }
        return object
    }
}

import Foundation
import MonitorDomain

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A plain HTTP client for tests that holds every answer to the OpenAPI document: a
/// response the document does not allow throws ``OpenAPIContract/Violation``, so the test
/// that received it fails, whichever test it is.
///
/// ```swift
/// let response = try await ContractClient(port: port).request("GET", "/jobs/a")
/// ```
public struct ContractClient: Sendable {
    public let port: Int
    public let contract: OpenAPIContract

    public init(port: Int, contract: OpenAPIContract = .server) {
        self.port = port
        self.contract = contract
    }

    /// A port as the server printed it (`listening on http://127.0.0.1:PORT`).
    public init(port: String, contract: OpenAPIContract = .server) throws {
        guard let number = Int(port) else { throw LiveMonitor.LiveMonitorError("'\(port)' is not a port") }
        self.init(port: number, contract: contract)
    }

    /// Sends one request. `json` is serialised as the body; `body` is sent as is.
    public func request(
        _ method: String, _ path: String, json: JSONValue? = nil, body: Data? = nil, headers: [String: String] = [:]
    ) async throws -> MonitorResponse {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.httpBody = try JSONEncoder().encode(json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = body
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else {
            throw LiveMonitor.LiveMonitorError("not an HTTP response")
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        let answer = MonitorResponse(status: http.statusCode, headers: headers, body: data)
        try contract.check(
            method: method, path: path, status: answer.status, contentType: headers["content-type"], body: data)
        return answer
    }
}

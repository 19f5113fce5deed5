import CronicleTestSupport
import Foundation
import Hummingbird
import MonitorDomain
import MonitorEngine
import MonitorHTTP
import MonitorStorage
import MonitorTestSupport
import SyncClient
import Testing

@Suite struct ServerConfigurationTests {
    @Test func environmentThenValidation() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(environment: [
            "CRONICLE_HOST": "0.0.0.0", "CRONICLE_PORT": "9000", "CRONICLE_DB": "/var/lib/cronicle/db",
            "CRONICLE_API_TOKEN": "t", "CRONICLE_TRUST_PROXY": "true", "CRONICLE_MAX_BODY": "131072",
        ])
        #expect(configuration.host == "0.0.0.0" && configuration.port == 9000)
        #expect(configuration.databasePath == "/var/lib/cronicle/db" && configuration.apiToken == "t")
        #expect(configuration.trustProxy && configuration.maxBodyBytes == 131_072)
        try configuration.validate()
    }

    @Test func refusesAnOpenAPIBeyondLoopbackWithoutAToken() throws {
        var configuration = ServerConfiguration()
        configuration.host = "0.0.0.0"
        #expect(throws: ServerConfiguration.Problem.self) { try configuration.validate() }
        configuration.insecure = true
        try configuration.validate()
        var loopback = ServerConfiguration()
        loopback.host = "::1"
        try loopback.validate()
    }

    @Test func badEnvironmentValuesAreNamed() {
        var configuration = ServerConfiguration()
        #expect(throws: ServerConfiguration.Problem(description: "CRONICLE_PORT must be a number, found 'http'")) {
            try configuration.apply(environment: ["CRONICLE_PORT": "http"])
        }
        #expect(
            throws: ServerConfiguration.Problem(description: "CRONICLE_INSECURE must be true or false, found 'maybe'")
        ) {
            try configuration.apply(environment: ["CRONICLE_INSECURE": "maybe"])
        }
    }
}

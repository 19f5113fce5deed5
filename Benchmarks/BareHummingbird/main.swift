import Foundation
import Hummingbird
import Logging

// The ceiling for `scripts/bench-api`: Hummingbird answering the same routes with a
// small JSON body and doing nothing else (no parsing, no database).
// Usage: bare-hummingbird PORT
let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8001 : 8001
let router = Router()
let body = #"{"run_id":"00000000-0000-0000-0000-000000000000","status":"running"}"#
router.post("/jobs/:job_id/start") { _, _ in
    Response(
        status: .created, headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
}
router.post("/jobs/:job_id/end") { _, _ in
    Response(
        status: .ok, headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
}
var logger = Logger(label: "bare-hummingbird")
logger.logLevel = .warning
let application = Application(
    router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)), logger: logger
)
try await application.runService()

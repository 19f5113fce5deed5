import Foundation
import MonitorDomain
import MonitorTestSupport
import Testing

/// The checker every test's answers go through: each way an answer can leave the document
/// is caught, with a message that says where.
@Suite struct OpenAPIContractTests {
    let contract = OpenAPIContract.server
    let job = #"""
        {"job_id": "a", "description": null, "schedule": "@daily", "schedule_description": "every day",
         "timezone": "UTC", "tolerance": 1, "tolerance_seconds": 60, "max_runtime": null, "max_runtime_seconds": null,
         "every_seconds": null, "is_health_check": false, "tags": [],
         "paused": false, "notify": [], "every": null, "expect": "start", "watch_from": "creation",
         "ping_uuid": "5f2b1c1e-9a7d-4c1e-8f3a-2b6d4e8a1c0f", "ping_url": null, "managed_by": "api", "source": null,
         "created_at": "2026-11-28T06:00:00.000Z", "updated_at": "2026-11-28T06:00:00.000Z",
         "min_runtime": null, "min_runtime_seconds": null, "failure_threshold": 1, "labels": {}, "paused_at": null,
         "paused_by": null, "pause_reason": null, "snoozed_until": null, "snoozed_by": null, "snooze_reason": null}
        """#

    func check(_ method: String, _ path: String, _ status: Int, _ body: String, type: String = "application/json")
        throws(OpenAPIContract.Violation)
    {
        try contract.check(method: method, path: path, status: status, contentType: type, body: Data(body.utf8))
    }

    func violation(_ method: String, _ path: String, _ status: Int, _ body: String, type: String = "application/json")
        -> String?
    {
        do {
            try check(method, path, status, body, type: type)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aDocumentedAnswerPasses() throws {
        try check("POST", "/jobs", 201, job)
        try check("GET", "/jobs/a?x=1", 200, job)
        try check("GET", "/jobs/a", 404, #"{"error": {"code": "not_found", "message": "job a does not exist"}}"#)
        try check("DELETE", "/jobs/a", 204, "", type: "")
        try check("GET", "/ui/jobs/a", 200, "<html></html>", type: "text/html; charset=utf-8")
        try check("PUT", "/nowhere", 404, #"{"error": {"code": "not_found", "message": "no route"}}"#)
    }

    @Test func aFieldTheDocumentDoesNotListFails() {
        let extra = job.replacingOccurrences(of: #""job_id": "a","#, with: #""job_id": "a", "colour": "red","#)
        #expect(
            violation("GET", "/jobs/a", 200, extra)?.contains("/colour: a field the document does not list") == true)
    }

    @Test func aMissingRequiredFieldOrAWrongTypeFails() {
        let missing = job.replacingOccurrences(of: #""paused": false, "#, with: "")
        #expect(violation("GET", "/jobs/a", 200, missing)?.contains("/paused: missing") == true)
        let wrong = job.replacingOccurrences(of: #""tolerance": 1"#, with: #""tolerance": "1m""#)
        #expect(
            violation("GET", "/jobs/a", 200, wrong)?.contains("/tolerance: a string, where the document says number")
                == true)
        let badTime = job.replacingOccurrences(
            of: "2026-11-28T06:00:00.000Z\", \"updated", with: "yesterday\", \"updated")
        #expect(violation("GET", "/jobs/a", 200, badTime)?.contains("is not an RFC 3339 date-time") == true)
    }

    @Test func anUnlistedStatusContentTypeOrErrorCodeFails() {
        #expect(
            violation("GET", "/jobs/a", 418, "{}")
                == "GET /jobs/a answered 418, which the document does not list for /jobs/{job_id}")
        #expect(violation("GET", "/jobs/a", 200, job, type: "text/plain")?.contains("as text/plain") == true)
        #expect(
            violation("GET", "/jobs/a", 404, #"{"error": {"code": "gone", "message": "x"}}"#)?.contains(
                #"/error/code: "gone" is not one of"#) == true)
        #expect(violation("GET", "/nowhere", 200, "{}")?.contains("the document has no such operation") == true)
        #expect(
            violation("DELETE", "/jobs/a", 204, "{}")?.contains("with a body the document does not describe") == true)
    }
}

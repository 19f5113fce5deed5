import Config
import CronicleBuildInfo
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// The OpenAPI 3.1 description of the REST API, served at `GET /openapi.json`.
///
/// It cannot drift from the server: a test compares its paths and methods with the
/// router's, every answer the test suite receives is checked against it
/// (`OpenAPIContract` in the monitor's test kit), and `scripts/conformance` runs
/// schemathesis against a live server with it. Response objects list every field
/// (`additionalProperties: false`), so a field added to an answer must be added here.
public enum OpenAPIDocument {
    public static let json: Data = {
        // The document is a literal of plain JSON values; serialising it cannot fail.
        try! JSONSerialization.data(
            withJSONObject: refusingCrossSiteChanges(document), options: [.sortedKeys, .withoutEscapingSlashes])
    }()

    /// Adds the answers every operation may give: 403 from ``HostGuard`` (an unknown
    /// `Host`) and, on changes, from ``CrossSiteRequestGuard``; 503 when the server is at
    /// its connection limit or the database cannot be written.
    private static func refusingCrossSiteChanges(_ document: [String: Any]) -> [String: Any] {
        var document = document
        guard var paths = document["paths"] as? [String: [String: Any]] else { return document }
        for (path, operations) in paths {
            var operations = operations
            for method in ["get", "head", "post", "put", "patch", "delete"] {
                guard var operation = operations[method] as? [String: Any],
                    var responses = operation["responses"] as? [String: Any]
                else { continue }
                let changes = method != "get" && method != "head"
                let guarded = !openPaths.contains(where: { path.hasPrefix($0) })
                if responses["403"] == nil {
                    responses["403"] = response(
                        (changes
                            ? "Sent by a browser from another site, or addressed to a name the server does not answer to"
                            : "Addressed to a name the server does not answer to (see --allowed-host)")
                            + (guarded
                                ? "; or a key whose scope does not allow this (the message names the scope)" : ""),
                        reference("Error"))
                }
                if guarded {
                    // Once keys exist, every route but the open ones needs one (DESIGN 13).
                    responses["401"] = response(
                        "No key where one is needed, or one that is not this monitor's or was revoked",
                        reference("Error"))
                    operation["security"] = bearer
                    if path == "/" || path.hasPrefix("/ui/") {
                        responses["303"] = ["description": "Not signed in, once keys exist: Location /login?next=..."]
                    }
                }
                responses["503"] =
                    responses["503"]
                    ?? [
                        "description":
                            "Too many connections (unavailable), or the database cannot be written (storage_full, "
                            + "storage_unavailable): nothing was recorded; retry after Retry-After seconds",
                        "headers": ["Retry-After": ["schema": ["type": "integer"]]],
                    ].merging(jsonContent(reference("Error"))) { first, _ in first }
                operation["responses"] = responses
                operations[method] = operation
            }
            paths[path] = operations
        }
        document["paths"] = paths
        return document
    }

    /// The paths no key guards: pings through a secret URL (the slug form checks its own
    /// key), signed badges, the health check, sign-in, and the dashboard's static files.
    private static let openPaths = [
        "/ping/", "/login", "/logout", "/static/", "/badges/job/", "/badges/tag/", "/health",
    ]

    /// Every alert type, from the model.
    private static var alertTypes: [String] { JobAlert.Kind.allCases.map(\.rawValue) }

    private static func reference(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }

    private static func jsonContent(_ schema: [String: Any]) -> [String: Any] {
        ["content": ["application/json": ["schema": schema]]]
    }

    private static func response(_ description: String, _ schema: [String: Any]) -> [String: Any] {
        ["description": description].merging(jsonContent(schema)) { first, _ in first }
    }

    private static var error: [String: Any] { response("An error in the JSON envelope", reference("Error")) }

    private static func errors(_ codes: String...) -> [String: Any] {
        Dictionary(uniqueKeysWithValues: codes.map { ($0, error) })
    }

    /// A run id a client chooses: the same shape as a job id; null is the same as absent.
    private static var runID: [String: Any] {
        ["type": ["string", "null"], "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"]
    }

    private static var jobID: [String: Any] {
        [
            "name": "job_id", "in": "path", "required": true,
            "schema": ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"],
        ]
    }
    private static var pageParameters: [[String: Any]] {
        [
            pageParameter,
            [
                "name": "per_page", "in": "query",
                "schema": ["type": "integer", "minimum": 1, "maximum": 500, "default": 10],
            ],
        ]
    }

    /// A page's number, from 1.
    private static var pageParameter: [String: Any] {
        [
            "name": "page", "in": "query",
            "schema": ["type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1],
        ]
    }

    private static var htmlPage: [String: Any] { ["description": "The page", "content": ["text/html": [:]]] }

    private static var bearer: [[String: Any]] { [["bearerToken": [String]()], [String: Any]()] }

    private static func operation(
        _ summary: String, parameters: [[String: Any]] = [], body: [String: Any]? = nil, bodyRequired: Bool = false,
        responses: [String: Any], secured: Bool = false
    ) -> [String: Any] {
        var operation: [String: Any] = ["summary": summary, "responses": responses]
        if !parameters.isEmpty { operation["parameters"] = parameters }
        if let body {
            operation["requestBody"] = ["required": bodyRequired].merging(jsonContent(body)) { first, _ in first }
        }
        if secured { operation["security"] = bearer }
        return operation
    }

    private static var nullableString: [String: Any] { ["type": ["string", "null"]] }
    private static var nullableTime: [String: Any] { ["type": ["string", "null"], "format": "date-time"] }
    private static var time: [String: Any] { ["type": "string", "format": "date-time"] }
    /// Who did an operator's action, or why: free text the job's page shows.
    private static var operatorText: [String: Any] { ["type": ["string", "null"], "maxLength": 200] }
    private static var duration: [String: Any] {
        [
            "oneOf": [
                [
                    "type": "number", "minimum": 0, "maximum": JobFieldRules.longestTolerance.seconds / 60,
                    "description": "minutes, at most \(JobFieldRules.longestTolerance)",
                ],
                [
                    "type": "string", "pattern": "^([0-9.]+[smhd])+$",
                    "description": "with units: 90s, 15m, 2h, 1d, 1h30m; at most \(JobFieldRules.longestTolerance)",
                ],
            ]
        ]
    }

    private static var schemas: [String: Any] {
        [
            "Error": [
                "type": "object", "additionalProperties": false, "required": ["error"],
                "properties": ["error": reference("ErrorBody")],
            ],
            "ErrorBody": [
                "type": "object", "additionalProperties": false, "required": ["code", "message"],
                "properties": [
                    "code": ["type": "string", "enum": MonitorError.Code.allCases.map(\.description)],
                    "message": ["type": "string"],
                ],
            ],
            "Health": [
                "type": "object", "additionalProperties": false, "required": ["status", "checks"],
                "properties": [
                    "status": ["type": "string", "enum": ["ok", "unhealthy"]],
                    "checks": [
                        "type": "object", "additionalProperties": false, "required": ["engine", "database"],
                        "properties": [
                            "engine": [
                                "type": "object", "additionalProperties": false,
                                "required": ["status", "last_evaluation", "detail"],
                                "properties": [
                                    "status": ["type": "string", "enum": ["ok", "failing"]],
                                    "last_evaluation": nullableTime, "detail": nullableString,
                                ],
                            ],
                            "database": [
                                "type": "object", "additionalProperties": false, "required": ["status", "detail"],
                                "properties": [
                                    "status": ["type": "string", "enum": ["ok", "failing"]],
                                    "detail": nullableString,
                                ],
                            ],
                        ],
                    ],
                ],
            ],
            "JobInput": [
                "type": "object", "required": ["job_id"], "additionalProperties": false,
                "oneOf": [["required": ["schedule"]], ["required": ["every"]]],
                "properties": [
                    "job_id": ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"],
                    "description": nullableString,
                    "schedule": [
                        "type": "string", "description": "5-field cron expression or macro, see docs/cron.md",
                    ],
                    "every": [
                        "description": "instead of schedule: a ping is due this long after the last one",
                        "oneOf": [
                            [
                                "type": "number", "minimum": 1.0 / 60,
                                "maximum": JobFieldRules.longestEvery.seconds / 60,
                                "description": "minutes, from 1s to \(JobFieldRules.longestEvery)",
                            ],
                            [
                                "type": "string", "pattern": "^([0-9.]+[smhd])+$",
                                "description": "with units: 30s, 5m, 1h; 1s to \(JobFieldRules.longestEvery)",
                            ],
                        ],
                    ],
                    "expect": ["type": "string", "enum": ["start", "end"], "default": "start"],
                    "watch_from": ["type": "string", "enum": ["creation", "first_run"], "default": "creation"],
                    "ping_uuid": [
                        "type": "string", "format": "uuid", "description": "generated once when absent, then kept",
                    ],
                    "timezone": ["type": "string", "default": "UTC", "description": "IANA time zone"],
                    "tolerance": duration.merging(["default": 1]) { first, _ in first },
                    "max_runtime": ["oneOf": (duration["oneOf"] as! [[String: Any]]) + [["type": "null"]]],
                    "is_health_check": ["type": "boolean", "default": false],
                    "tags": ["type": "array", "items": ["type": "string", "minLength": 1]],
                    "notify": [
                        "type": "array", "items": ["type": "string", "minLength": 1],
                        "description":
                            "channels to notify, by name; each must exist (channels come from cronicle-sync)",
                    ],
                    "paused": ["type": "boolean", "default": false],
                    "min_runtime": [
                        "oneOf": (duration["oneOf"] as! [[String: Any]]) + [["type": "null"]],
                        "description": "a successful run shorter than this opens a too_fast alert",
                    ],
                    "failure_threshold": [
                        "type": "integer", "minimum": 1, "maximum": JobFieldRules.largestFailureThreshold,
                        "default": 1, "description": "the failed alert opens at this many failed runs in a row",
                    ],
                    "labels": [
                        "type": "object", "maxProperties": JobFieldRules.mostLabels,
                        "propertyNames": ["pattern": "^[a-zA-Z_][a-zA-Z0-9_]*$"],
                        "additionalProperties": [
                            "type": "string", "minLength": 1, "maxLength": JobFieldRules.longestLabelValue,
                        ],
                        "description": "exported with the job's metrics",
                    ],
                ],
            ],
            "Job": [
                "type": "object", "additionalProperties": false,
                "required": [
                    "job_id", "schedule", "timezone", "tolerance", "max_runtime", "is_health_check", "tags", "paused",
                    "notify", "managed_by", "source", "created_at", "updated_at", "every", "expect", "watch_from",
                    "ping_uuid", "ping_url", "every_seconds", "tolerance_seconds", "max_runtime_seconds",
                    "min_runtime", "min_runtime_seconds", "failure_threshold", "labels", "paused_at", "paused_by",
                    "pause_reason", "snoozed_until", "snoozed_by", "snooze_reason",
                ],
                "properties": [
                    "job_id": ["type": "string"], "description": nullableString,
                    "schedule": ["type": ["string", "null"], "description": "null for an interval job"],
                    "every": ["type": ["number", "null"], "description": "minutes; null for a cron job"],
                    "every_seconds": ["type": ["integer", "null"], "description": "every, in seconds"],
                    "expect": ["type": "string", "enum": ["start", "end"]],
                    "watch_from": ["type": "string", "enum": ["creation", "first_run"]],
                    "ping_uuid": ["type": "string", "format": "uuid"],
                    "ping_url": [
                        "type": ["string", "null"], "description": "GET, HEAD or POST it from the job (docs/pings.md)",
                    ],
                    "schedule_description": nullableString, "timezone": ["type": "string"],
                    "tolerance": ["type": "number", "description": "minutes"],
                    "tolerance_seconds": ["type": "integer", "description": "tolerance, in seconds"],
                    "max_runtime": ["type": ["number", "null"], "description": "minutes"],
                    "max_runtime_seconds": ["type": ["integer", "null"], "description": "max_runtime, in seconds"],
                    "is_health_check": ["type": "boolean"], "tags": ["type": "array", "items": ["type": "string"]],
                    "paused": [
                        "type": "boolean",
                        "description": "paused in its definition, or by an operator (paused_by, paused_at)",
                    ],
                    "paused_at": [
                        "type": ["string", "null"], "format": "date-time",
                        "description": "when an operator paused it (POST /jobs/{job_id}/pause); null otherwise",
                    ],
                    "paused_by": nullableString, "pause_reason": nullableString,
                    "snoozed_until": [
                        "type": ["string", "null"], "format": "date-time",
                        "description": "its notifications are held until then (POST /jobs/{job_id}/snooze)",
                    ],
                    "snoozed_by": nullableString, "snooze_reason": nullableString,
                    "min_runtime": ["type": ["number", "null"], "description": "minutes"],
                    "min_runtime_seconds": ["type": ["integer", "null"], "description": "min_runtime, in seconds"],
                    "failure_threshold": ["type": "integer", "minimum": 1],
                    "labels": ["type": "object", "additionalProperties": ["type": "string"]],
                    "failure_streak": [
                        "type": "integer",
                        "description": "in GET /jobs only: failed runs in a row, the latest included",
                    ],
                    "notify": [
                        "type": "array", "items": ["type": "string"],
                        "description": "the channels the job names; channels whose match selects it come on top",
                    ],
                    "managed_by": ["type": "string", "enum": ["api", "sync"]],
                    "source": [
                        "type": ["object", "null"], "additionalProperties": false,
                        "properties": [
                            "identity": [
                                "type": "string",
                                "description": "the sync source that owns it: REPOSITORY#PATH, or a --source name",
                            ],
                            "repository": ["type": "string"], "file": ["type": "string"], "line": ["type": "integer"],
                            "commit": ["type": "string"],
                        ],
                    ],
                    "created_at": time, "updated_at": time,
                    "status": [
                        "type": "string", "enum": JobStatus.State.allCases.map(\.rawValue),
                        "description": "in GET /jobs only: the derived status, as in GET /jobs/{job_id}/status",
                    ],
                    "next_fire_time": [
                        "type": ["string", "null"], "format": "date-time", "description": "in GET /jobs only",
                    ],
                    "deadline": [
                        "type": ["string", "null"], "format": "date-time", "description": "in GET /jobs only",
                    ],
                ],
            ],
            "SyncSource": [
                "type": "object",
                "properties": [
                    "identity": [
                        "type": "string",
                        "description":
                            "whose jobs these are: REPOSITORY#PATH (no credentials), or a --source name; "
                            + "required unless repository is given",
                    ],
                    "repository": nullableString, "ref": nullableString, "commit": nullableString,
                    "path": nullableString,
                    "dirty": ["type": "boolean", "description": "the work tree had changes not in commit"],
                    "legacy_repository": [
                        "type": ["string", "null"],
                        "description": "the repository as syncs before identities recorded it, to claim their jobs",
                    ],
                ],
            ],
            "SyncRequest": [
                "type": "object", "required": ["source", "files"],
                "properties": [
                    "source": reference("SyncSource"),
                    "files": [
                        "type": "array",
                        "items": [
                            "type": "object", "required": ["path", "contents"],
                            "properties": ["path": ["type": "string"], "contents": ["type": "string"]],
                        ],
                    ],
                    "prune": ["type": ["boolean", "null"], "default": true],
                    "adopt": ["type": ["boolean", "null"], "default": false],
                    "allow_mass_delete": [
                        "type": ["boolean", "null"], "default": false,
                        "description": "delete every job of the source, or over half of more than ten",
                    ],
                    "allow_empty": [
                        "type": ["boolean", "null"], "default": false,
                        "description": "apply a source that defines nothing",
                    ],
                    "request_id": [
                        "type": ["string", "null"],
                        "description":
                            "names an apply: sending it again answers the first apply's record instead of applying twice",
                    ],
                ],
            ],
            "SyncRecord": [
                "type": "object", "additionalProperties": false,
                "properties": [
                    "id": ["type": "integer"], "applied_at": time, "source": reference("SyncSource"),
                    "result": ["type": "string", "enum": ["applied", "failed"]], "created": ["type": "integer"],
                    "updated": ["type": "integer"], "deleted": ["type": "integer"], "unchanged": ["type": "integer"],
                    "error": nullableString,
                ],
            ],
            "SyncReport": [
                "type": "object", "additionalProperties": false,
                "properties": [
                    "diagnostics": [
                        "type": "array",
                        "items": [
                            "type": "object",
                            "properties": [
                                "file": ["type": "string"], "line": ["type": "integer"], "column": ["type": "integer"],
                                "severity": ["type": "string", "enum": ["error", "warning"]],
                                "rule": ["type": "string"], "message": ["type": "string"],
                            ],
                        ],
                    ],
                    "plan": [
                        "type": ["object", "null"],
                        "description":
                            "creates (job_id, file, line, fields, fire_times), updates (job_id, file, line, changes of field, old, new; old_fire_times, fire_times), refusal, deletes (job_id, file, line, commit), unchanged, conflicts (job_id, file, line, message), source, and channels (creates, updates, deletes, conflicts: channel, file, line, changes, message; unchanged)",
                    ],
                    "record": ["oneOf": [reference("SyncRecord"), ["type": "null"]]],
                    "repeated": [
                        "type": "boolean",
                        "description":
                            "true when this request_id had been applied before: record is that apply's, nothing was done now",
                    ],
                    "error": reference("ErrorBody"),
                ],
            ],
            "Run": [
                "type": "object", "additionalProperties": false,
                "required": [
                    "run_id", "job_id", "status", "start_time", "end_time", "duration", "exit_code", "message",
                    "duration_seconds",
                ],
                "properties": [
                    "run_id": ["type": "string"], "job_id": ["type": "string"],
                    "status": ["type": "string", "enum": ["running", "succeeded", "failed"]],
                    "start_time": nullableTime, "end_time": nullableTime,
                    "duration": ["type": ["number", "null"], "description": "minutes"],
                    "duration_seconds": ["type": ["number", "null"], "description": "duration, in seconds"],
                    "exit_code": ["type": ["integer", "null"]], "message": nullableString,
                    "client_info": ["type": ["object", "null"], "description": "as the client sent it"],
                    "remote_addr": nullableString, "user_agent": nullableString,
                    "output": [
                        "type": ["string", "null"],
                        "description": "in GET /job_runs/{run_id} only: what the run's pings carried, cut at the "
                            + "ping body limit",
                    ],
                    "output_bytes": [
                        "type": ["integer", "null"], "description": "bytes of output sent, kept or not",
                    ],
                    "output_truncated": ["type": "boolean"],
                ],
            ],
            "Alert": [
                "type": "object", "additionalProperties": false,
                "required": [
                    "id", "job_id", "channel", "type", "created_at", "missed_count", "acknowledged", "resolved_at",
                ],
                "properties": [
                    "id": ["type": "integer"],
                    "job_id": ["type": ["string", "null"], "description": "null for a channel_failing alert"],
                    "channel": [
                        "type": ["string", "null"], "description": "channel_failing: the channel whose deliveries fail",
                    ],
                    "type": ["type": "string", "enum": alertTypes],
                    "created_at": time, "fire_time": nullableTime, "last_fire_time": nullableTime,
                    "run_id": nullableString, "last_run_id": nullableString, "missed_count": ["type": "integer"],
                    "failure_count": ["type": "integer"], "acknowledged": ["type": "boolean"],
                    "acknowledged_at": nullableTime, "resolved_at": nullableTime,
                    "silenced": [
                        "type": ["string", "null"],
                        "description": "why its opening was not notified (snooze, or window:NAME); null once told",
                    ],
                ],
            ],
            "Delivery": [
                "type": "object", "additionalProperties": false,
                "required": [
                    "delivery_id", "channel", "event", "alert_id", "job_id", "sync_id", "status", "attempts",
                    "last_status_code", "last_error", "created_at", "delivered_at", "next_attempt_at",
                ],
                "properties": [
                    "delivery_id": [
                        "type": "string", "description": "stable across retries; the webhook-id header",
                    ],
                    "channel": ["type": "string"],
                    "event": ["type": "string", "enum": Delivery.Event.allCases.map(\.rawValue)],
                    "alert_id": ["type": ["integer", "null"]], "job_id": nullableString,
                    "sync_id": ["type": ["integer", "null"], "description": "sync_failed: the refused apply's id"],
                    "status": ["type": "string", "enum": Delivery.Status.allCases.map(\.rawValue)],
                    "attempts": ["type": "integer"], "last_status_code": ["type": ["integer", "null"]],
                    "last_error": nullableString, "created_at": time, "delivered_at": nullableTime,
                    "next_attempt_at": nullableTime,
                ],
            ],
            "Key": [
                "type": "object", "additionalProperties": false,
                "required": [
                    "name", "scope", "jobs", "tags", "hint", "created_at", "created_by", "revoked", "revoked_at",
                    "revoked_by",
                ],
                "properties": [
                    "name": ["type": "string"],
                    "scope": ["type": "string", "enum": AccessScope.allCases.map(\.rawValue)],
                    "jobs": ["type": "array", "items": ["type": "string"], "description": "a ping key's job globs"],
                    "tags": ["type": "array", "items": ["type": "string"], "description": "a ping key's tags"],
                    "hint": ["type": "string", "description": "the secret's first characters"],
                    "created_at": time, "created_by": ["type": "string"], "revoked": ["type": "boolean"],
                    "revoked_at": nullableTime, "revoked_by": nullableString,
                    "secret": [
                        "type": "string", "description": "only in the answer to POST /keys: shown this once",
                    ],
                ],
            ],
            "BadgeLinks": [
                "type": "object", "additionalProperties": false,
                "required": ["svg", "json", "shields", "markdown"],
                "properties": [
                    "job_id": ["type": "string"], "tag": ["type": "string"], "svg": ["type": "string"],
                    "json": ["type": "string"], "shields": ["type": "string"], "markdown": ["type": "string"],
                ],
            ],
            "AuditEntry": [
                "type": "object", "additionalProperties": false,
                "required": ["id", "at", "actor", "via", "kind", "target", "job_id", "commit", "before", "after"],
                "properties": [
                    "id": ["type": "integer"], "at": time,
                    "actor": ["type": "string", "description": "a key's name, a sync source, or an address"],
                    "via": ["type": "string", "enum": ChangeAuthor.Via.allCases.map(\.rawValue)],
                    "kind": ["type": "string", "enum": AuditEntry.Kind.allCases.map(\.rawValue)],
                    "target": ["type": "string"], "job_id": nullableString, "commit": nullableString,
                    "before": ["description": "the values before the change, or null"],
                    "after": ["description": "the values after the change, or null"],
                ],
            ],
            "Channel": [
                "type": "object", "additionalProperties": false,
                "required": [
                    "channel", "type", "match", "types", "send_resolved", "repeat_every", "group_interval", "state",
                    "last_delivery", "source",
                ],
                "properties": [
                    "channel": ["type": "string"],
                    "type": ["type": "string", "enum": ChannelDefinition.Kind.allCases.map(\.rawValue)],
                    "match": [
                        "type": ["object", "null"], "additionalProperties": false,
                        "properties": [
                            "tags": ["type": "array", "items": ["type": "string"]],
                            "jobs": ["type": "array", "items": ["type": "string"]],
                        ],
                    ],
                    "types": [
                        "type": ["array", "null"],
                        "items": ["type": "string", "enum": ChannelDefinition.AlertType.allCases.map(\.rawValue)],
                    ],
                    "send_resolved": ["type": "boolean"], "repeat_every": nullableString,
                    "group_interval": nullableString,
                    "state": [
                        "type": "string", "enum": ["ok", "failing"],
                        "description":
                            "failing when its latest delivery failed for good, or one has waited over 10 minutes",
                    ],
                    "last_delivery": ["oneOf": [reference("Delivery"), ["type": "null"]]],
                    "source": [
                        "type": ["object", "null"], "additionalProperties": false,
                        "properties": [
                            "identity": [
                                "type": "string",
                                "description": "the sync source that owns it: REPOSITORY#PATH, or a --source name",
                            ],
                            "repository": ["type": "string"], "file": ["type": "string"], "line": ["type": "integer"],
                            "commit": ["type": "string"],
                        ],
                    ],
                ],
            ],
            "WebhookPayload": [
                "type": "object", "additionalProperties": false,
                "description":
                    "The body a webhook channel receives, with Standard Webhooks headers webhook-id, webhook-timestamp "
                    + "and, with a secret, webhook-signature (v1, HMAC-SHA256 over id.timestamp.body)",
                "required": [
                    "version", "event", "delivery_id", "created_at", "channel", "alert", "job", "run", "sync", "text",
                    "dashboard_url",
                ],
                "properties": [
                    "version": ["type": "integer", "enum": [1]],
                    "event": ["type": "string", "enum": Delivery.Event.allCases.map(\.rawValue)],
                    "delivery_id": ["type": "string"], "created_at": time, "channel": ["type": "string"],
                    "alert": ["oneOf": [reference("Alert"), ["type": "null"]]],
                    "job": ["oneOf": [reference("Job"), ["type": "null"]]],
                    "run": ["oneOf": [reference("Run"), ["type": "null"]]],
                    "sync": [
                        "oneOf": [reference("SyncRecord"), ["type": "null"]],
                        "description": "sync_failed: the refused apply",
                    ],
                    "text": ["type": "string", "description": "the one line chat channels show"],
                    "dashboard_url": ["type": "string"],
                ],
            ],
            "Window": [
                "type": "object", "additionalProperties": false,
                "required": [
                    "window", "description", "mode", "match", "start", "end", "schedule", "duration",
                    "duration_seconds", "timezone", "active", "opens_at", "closes_at", "source",
                ],
                "properties": [
                    "window": ["type": "string"], "description": nullableString,
                    "mode": [
                        "type": "string", "enum": WindowDefinition.Mode.allCases.map(\.rawValue),
                        "description": "suppress: alerts open but are notified when it ends, if still open; skip: "
                            + "fire times inside are not expected",
                    ],
                    "match": [
                        "type": ["object", "null"], "description": "null: every job",
                        "properties": [
                            "tags": ["type": "array", "items": ["type": "string"]],
                            "jobs": ["type": "array", "items": ["type": "string"]],
                        ],
                    ],
                    "start": nullableTime, "end": nullableTime,
                    "schedule": ["type": ["string", "null"], "description": "a recurring window's opening times"],
                    "duration": ["type": ["number", "null"], "description": "minutes"],
                    "duration_seconds": ["type": ["integer", "null"]],
                    "timezone": nullableString,
                    "active": ["type": "boolean", "description": "open now"],
                    "opens_at": [
                        "type": ["string", "null"], "format": "date-time",
                        "description":
                            "the current opening's start, else the next one's; null once a one-off has ended",
                    ],
                    "closes_at": nullableTime,
                    "source": [
                        "type": ["object", "null"],
                        "properties": [
                            "identity": ["type": "string"], "repository": ["type": "string"],
                            "file": ["type": "string"], "line": ["type": "integer"], "commit": ["type": "string"],
                        ],
                    ],
                ],
            ],
            "Status": [
                "type": "object", "additionalProperties": false,
                "required": ["job_id", "status", "last_run", "next_fire_time", "deadline", "open_alerts"],
                "properties": [
                    "job_id": ["type": "string"],
                    "status": [
                        "type": "string",
                        "enum": JobStatus.State.allCases.map(\.rawValue),
                    ],
                    "last_run": ["oneOf": [reference("Run"), ["type": "null"]]],
                    "next_fire_time": nullableTime, "deadline": nullableTime,
                    "failure_streak": [
                        "type": "integer",
                        "description":
                            "failed runs in a row, the latest included; below failure_threshold no alert opens",
                    ],
                    "open_alerts": ["type": "array", "items": reference("Alert")],
                ],
            ],
        ]
    }

    /// `end` and `fail` take the same body and give the same answers.
    private static func endOperation(_ summary: String) -> [String: Any] {
        withPlainTextOutput(
            operation(
                summary,
                parameters: [
                    jobID, ["name": "run_id", "in": "query", "schema": runID],
                    ["name": "exit_code", "in": "query", "schema": ["type": "integer"]],
                    ["name": "message", "in": "query", "schema": ["type": "string"]],
                ],
                body: [
                    "type": "object", "additionalProperties": false,
                    "properties": [
                        "run_id": runID, "exit_code": ["type": ["integer", "null"]], "message": nullableString,
                        "client_info": [
                            "type": ["object", "null"], "description": "kept when the run has none (an end alone)",
                        ],
                    ],
                ],
                responses: ["200": response("The run", reference("Run"))].merging(errors("400", "404", "409", "413")) {
                    first, _ in first
                }))
    }

    /// Lets a run route take a `text/plain` body, kept as the run's output, beside JSON.
    private static func withPlainTextOutput(_ operation: [String: Any]) -> [String: Any] {
        var operation = operation
        var body = operation["requestBody"] as! [String: Any]
        var content = body["content"] as! [String: Any]
        content["text/plain"] = [
            "schema": [
                "type": "string",
                "description": "the run's output (the query parameters say the rest), cut at the ping body limit",
            ]
        ]
        body["content"] = content
        operation["requestBody"] = body
        return operation
    }

    /// One form of the Healthchecks ping grammar (docs/pings.md), answered in plain text.
    private static func pingOperations(_ summary: String, parameters: [[String: Any]]) -> [String: Any] {
        let text: (String) -> [String: Any] = { description in
            [
                "description": description,
                "headers": [
                    "Ping-Body-Limit": [
                        "schema": ["type": "integer"], "description": "how many bytes of a body are kept",
                    ]
                ],
                "content": ["text/plain": ["schema": ["type": "string"]]],
            ]
        }
        let ping: [String: Any] = [
            "summary": summary,
            "parameters": parameters + [
                ["name": "rid", "in": "query", "schema": runID.merging(["type": "string"]) { _, new in new }]
            ],
            "requestBody": [
                "required": false,
                "content": [
                    "text/plain": [
                        "schema": ["type": "string", "description": "kept as the run's output, cut at Ping-Body-Limit"]
                    ]
                ],
            ],
            "responses": [
                "200": text("OK: recorded"), "400": text("A reason: an exit status over 255, a bad rid"),
                "404": text("not found: no job has this uuid, or the key or job id is wrong"),
                "403": [
                    "description":
                        "A ping key that does not cover the job (text), or a name the server does not answer to (JSON)",
                    "content": [
                        "text/plain": ["schema": ["type": "string"]],
                        "application/json": ["schema": reference("Error")],
                    ],
                ],
            ],
        ]
        var head = ping
        head["requestBody"] = nil
        return ["get": head, "head": head, "post": ping]
    }

    /// A badge at a signed URL from `GET /badges`, of a job or a tag.
    private static func badgeOperation(_ whose: String) -> [String: Any] {
        operation(
            "\(whose) status badge at a signed URL (from GET /badges): {name}.svg, .json or .shields.json",
            parameters: [
                ["name": "signature", "in": "path", "required": true, "schema": ["type": "string"]],
                ["name": "file", "in": "path", "required": true, "schema": ["type": "string"]],
            ],
            responses: [
                "200": [
                    "description": "The badge: up, late or down (paused for a paused job)",
                    "headers": ["ETag": ["schema": ["type": "string"]]],
                    "content": ["image/svg+xml": [:], "application/json": [:]],
                ],
                "304": ["description": "Unchanged since the ETag sent in If-None-Match"],
            ].merging(errors("403", "404")) { first, _ in first })
    }

    private static func pathParameter(_ name: String, _ description: String) -> [String: Any] {
        ["name": name, "in": "path", "required": true, "description": description, "schema": ["type": "string"]]
    }

    private static func page(_ key: String, _ item: String) -> [String: Any] {
        [
            "type": "object", "required": [key, "page", "per_page", "total"], "additionalProperties": false,
            "properties": [
                key: ["type": "array", "items": reference(item)], "page": ["type": "integer"],
                "per_page": ["type": "integer"], "total": ["type": "integer"],
            ],
        ]
    }

    private static var document: [String: Any] {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "Cronicle", "version": CronicleVersion.current,
                "description":
                    "Job monitor: runs are reported by start/end pings; missed, long and failed runs raise alerts.",
            ],
            "servers": [["url": "http://127.0.0.1:8000"]],
            "components": [
                "schemas": schemas,
                "securitySchemes": ["bearerToken": ["type": "http", "scheme": "bearer"]],
            ],
            "paths": [
                "/jobs": [
                    "get": operation(
                        "Every job configuration",
                        responses: [
                            "200": response(
                                "The jobs",
                                [
                                    "type": "object",
                                    "properties": ["jobs": ["type": "array", "items": reference("Job")]],
                                ])
                        ]),
                    "post": operation(
                        "Create (201) or update (200) a job", body: reference("JobInput"), bodyRequired: true,
                        responses: [
                            "200": response("Updated", reference("Job")), "201": response("Created", reference("Job")),
                        ].merging(errors("400", "401", "409", "413")) { first, _ in first }, secured: true),
                ],
                "/jobs/{job_id}": [
                    "get": operation(
                        "One job configuration", parameters: [jobID],
                        responses: ["200": response("The job", reference("Job"))].merging(errors("404")) { first, _ in
                            first
                        }),
                    "delete": operation(
                        "Delete a job; its runs and alerts stay in history", parameters: [jobID],
                        responses: ["204": ["description": "Deleted"]].merging(errors("401", "404", "409")) {
                            first, _ in first
                        },
                        secured: true),
                ],
                "/jobs/{job_id}/status": [
                    "get": operation(
                        "Derived status, last run, next fire time, deadline and open alerts", parameters: [jobID],
                        responses: ["200": response("The status", reference("Status"))].merging(errors("404")) {
                            first, _ in first
                        })
                ],
                "/jobs/{job_id}/start": [
                    "post": withPlainTextOutput(
                        operation(
                            "Record a start (a whole run for a health check)",
                            parameters: [jobID, ["name": "run_id", "in": "query", "schema": runID]],
                            body: [
                                "type": "object", "additionalProperties": false,
                                "properties": ["client_info": ["type": ["object", "null"]], "run_id": runID],
                            ],
                            responses: [
                                "201": response("The new run", reference("Run")),
                                "200": response("The run already recorded under this run_id", reference("Run")),
                            ].merging(errors("400", "404", "409", "413")) { first, _ in first }))
                ],
                "/ping/{uuid_or_key}": pingOperations(
                    "Success: ends the run (rid, else the oldest open one, else a run of its own)",
                    parameters: [pathParameter("uuid_or_key", "the job's ping_uuid")]),
                "/ping/{uuid_or_key}/{action_or_job_id}": pingOperations(
                    "/ping/{ping_uuid}/{start|fail|log|exit status 0-255}, or the slug form's success "
                        + "/ping/{ping_key}/{job_id}",
                    parameters: [
                        pathParameter("uuid_or_key", "a ping_uuid, or the server's ping key"),
                        pathParameter("action_or_job_id", "start, fail, log or an exit status; or a job id"),
                    ]),
                "/ping/{uuid_or_key}/{action_or_job_id}/{action}": pingOperations(
                    "The slug form /ping/{ping_key}/{job_id}/{start|fail|log|exit status 0-255}",
                    parameters: [
                        pathParameter("uuid_or_key", "the server's --ping-key"),
                        pathParameter("action_or_job_id", "the job's id"),
                        pathParameter("action", "start, fail, log or an exit status 0-255"),
                    ]),
                "/jobs/{job_id}/end": [
                    "post": endOperation("Record an end: the named run, the oldest open one, or a run without a start")
                ],
                "/jobs/{job_id}/fail": ["post": endOperation("Record an end with failure")],
                "/jobs/{job_id}/pause": [
                    "post": operation(
                        "An operator's pause, apart from the definition's paused: an apply never lifts it",
                        parameters: [jobID],
                        body: [
                            "type": "object", "additionalProperties": false,
                            "properties": ["by": operatorText, "reason": operatorText],
                        ],
                        responses: ["200": response("The job", reference("Job"))].merging(errors("400", "401", "404")) {
                            first, _ in first
                        },
                        secured: true)
                ],
                "/jobs/{job_id}/resume": [
                    "post": operation(
                        "Resume alerting; fire times are expected from now on. 409 for a synced job paused in its file",
                        parameters: [jobID],
                        body: [
                            "type": "object", "additionalProperties": false, "properties": ["by": operatorText],
                        ],
                        responses: ["200": response("The job", reference("Job"))].merging(
                            errors("400", "401", "404", "409")
                        ) { first, _ in first },
                        secured: true)
                ],
                "/jobs/{job_id}/snooze": [
                    "post": operation(
                        "Hold the job's notifications until it expires (at most 7 days); alerts still open",
                        parameters: [jobID],
                        body: [
                            "type": "object", "additionalProperties": false,
                            "properties": [
                                "for": duration.merging(["description": "how long, such as \"2h\"; or until"]) {
                                    _, new in new
                                },
                                "until": time, "by": operatorText, "reason": operatorText,
                            ],
                        ],
                        bodyRequired: true,
                        responses: ["200": response("The job", reference("Job"))].merging(
                            errors("400", "401", "404", "413")
                        ) { first, _ in first },
                        secured: true),
                    "delete": operation(
                        "End the snooze; the alerts it held that are still open are notified now", parameters: [jobID],
                        responses: ["200": response("The job", reference("Job"))].merging(errors("401", "404")) {
                            first, _ in first
                        },
                        secured: true),
                ],
                "/job_runs": [
                    "get": operation(
                        "Runs, newest first",
                        parameters: pageParameters + [
                            ["name": "job_id", "in": "query", "schema": ["type": "string"]],
                            [
                                "name": "status", "in": "query",
                                "schema": ["type": "string", "enum": ["running", "succeeded", "failed"]],
                            ],
                            ["name": "since", "in": "query", "schema": time],
                            ["name": "until", "in": "query", "schema": time],
                        ],
                        responses: ["200": response("A page of runs", page("job_runs", "Run"))].merging(errors("400")) {
                            first, _ in first
                        })
                ],
                "/job_runs/{run_id}": [
                    "get": operation(
                        "One run with its output",
                        parameters: [pathParameter("run_id", "the run's id")],
                        responses: ["200": response("The run", reference("Run"))].merging(errors("404")) {
                            first, _ in first
                        })
                ],
                "/job_runs/{run_id}/output": [
                    "get": operation(
                        "A run's output as plain text", parameters: [pathParameter("run_id", "the run's id")],
                        responses: [
                            "200": [
                                "description": "What the run's pings carried (empty when none)",
                                "headers": [
                                    "Output-Bytes": [
                                        "schema": ["type": "integer"], "description": "bytes sent, kept or not",
                                    ]
                                ],
                                "content": ["text/plain": ["schema": ["type": "string"]]],
                            ]
                        ].merging(errors("404")) { first, _ in first })
                ],
                "/alerts": [
                    "get": operation(
                        "Alerts, newest first",
                        parameters: pageParameters + [
                            ["name": "job_id", "in": "query", "schema": ["type": "string"]],
                            [
                                "name": "type", "in": "query",
                                "schema": ["type": "string", "enum": alertTypes],
                            ],
                            ["name": "acknowledged", "in": "query", "schema": ["type": "boolean"]],
                            ["name": "resolved", "in": "query", "schema": ["type": "boolean"]],
                        ],
                        responses: ["200": response("A page of alerts", page("alerts", "Alert"))].merging(errors("400"))
                        { first, _ in first })
                ],
                "/alerts/{alert_id}/acknowledge": [
                    "post": operation(
                        "Acknowledge an alert: it is silenced, and still resolves by itself",
                        parameters: [
                            ["name": "alert_id", "in": "path", "required": true, "schema": ["type": "integer"]]
                        ],
                        responses: ["200": response("The alert", reference("Alert"))].merging(errors("401", "404")) {
                            first, _ in first
                        },
                        secured: true)
                ],
                "/sync/plan": [
                    "post": operation(
                        "Validate job definition files and compare them with the monitor's jobs; changes nothing",
                        body: reference("SyncRequest"), bodyRequired: true,
                        responses: [
                            "200": response("The plan", reference("SyncReport")),
                            "422": response(
                                "Errors in the definitions, or conflicts; the report with an error envelope",
                                reference("SyncReport")),
                        ].merging(errors("400", "401", "413")) { first, _ in first },
                        secured: true)
                ],
                "/sync/apply": [
                    "post": operation(
                        "Validate, then make the jobs match the files in one transaction; recorded in the history",
                        body: reference("SyncRequest"), bodyRequired: true,
                        responses: [
                            "200": response("Applied: the plan carried out and its record", reference("SyncReport")),
                            "422": response(
                                "Nothing changed: errors in the definitions, or conflicts", reference("SyncReport")),
                        ].merging(errors("400", "401", "413")) { first, _ in first },
                        secured: true)
                ],
                "/sync/history": [
                    "get": operation(
                        "The latest applies, newest first",
                        parameters: [
                            [
                                "name": "limit", "in": "query",
                                "schema": ["type": "integer", "minimum": 1, "maximum": 500, "default": 20],
                            ]
                        ],
                        responses: [
                            "200": response(
                                "Applies",
                                [
                                    "type": "object",
                                    "properties": ["history": ["type": "array", "items": reference("SyncRecord")]],
                                ])
                        ].merging(errors("400")) { first, _ in first })
                ],
                "/": [
                    "get": operation(
                        "The dashboard's job list (HTML)",
                        parameters: [
                            [
                                "name": "status", "in": "query",
                                "schema": ["type": "string", "enum": JobStatus.State.allCases.map(\.rawValue)],
                            ],
                            ["name": "tag", "in": "query", "schema": ["type": "string"]],
                            [
                                "name": "q", "in": "query", "schema": ["type": "string"],
                                "description": "part of a job id",
                            ],
                            pageParameter,
                        ],
                        responses: ["200": htmlPage].merging(errors("400")) { first, _ in first })
                ],
                "/ui/jobs/{job_id}": [
                    "get": operation(
                        "The dashboard's page of one job: definition, source, next fire times, durations, alerts, runs (HTML)",
                        parameters: [jobID, pageParameter],
                        responses: [
                            "200": htmlPage, "404": ["description": "No such job", "content": ["text/html": [:]]],
                        ].merging(errors("400")) { first, _ in first })
                ],
                "/ui/alerts": [
                    "get": operation(
                        "The dashboard's alerts by state, acknowledged from the page (HTML)",
                        parameters: [
                            [
                                "name": "state", "in": "query",
                                "schema": [
                                    "type": "string", "enum": AlertListPage.State.allCases.map(\.rawValue),
                                    "default": AlertListPage.State.open.rawValue,
                                ],
                            ],
                            [
                                "name": "type", "in": "query",
                                "schema": ["type": "string", "enum": JobAlert.Kind.allCases.map(\.rawValue)],
                            ],
                            ["name": "job_id", "in": "query", "schema": ["type": "string"]],
                            pageParameter,
                        ],
                        responses: ["200": htmlPage].merging(errors("400")) { first, _ in first })
                ],
                "/ui/sync": [
                    "get": operation(
                        "The dashboard's sync history with commits (HTML)", parameters: [pageParameter],
                        responses: ["200": htmlPage].merging(errors("400")) { first, _ in first })
                ],
                "/ui/notifications": [
                    "get": operation(
                        "The dashboard's channels and delivery log (HTML)",
                        parameters: [
                            pageParameter, ["name": "channel", "in": "query", "schema": ["type": "string"]],
                            ["name": "job_id", "in": "query", "schema": ["type": "string"]],
                            [
                                "name": "status", "in": "query",
                                "schema": ["type": "string", "enum": Delivery.Status.allCases.map(\.rawValue)],
                            ],
                        ],
                        responses: ["200": htmlPage].merging(errors("400")) { first, _ in first })
                ],
                "/static/{file}": [
                    "get": operation(
                        "The dashboard's stylesheet and scripts",
                        parameters: [["name": "file", "in": "path", "required": true, "schema": ["type": "string"]]],
                        responses: [
                            "200": ["description": "The file", "content": ["text/css": [:], "text/javascript": [:]]]
                        ].merging(errors("404")) { first, _ in first })
                ],
                "/health": [
                    "get": operation(
                        "Whether this monitor can do its work, for a load balancer or a container's health check: "
                            + "the alert engine checked its deadlines in the last 10 s and the database answers",
                        responses: [
                            "200": response("Healthy", reference("Health")),
                            "503": response("Not healthy: each failing check says why", reference("Health")),
                        ])
                ],
                "/metrics": [
                    "get": operation(
                        "Every job's status, run times, runs by result and open alerts, and the monitor's pings, "
                            + "detection lag, notification queue and results and last apply, in the Prometheus "
                            + "text format (version 0.0.4); docs/metrics.md lists the series",
                        responses: [
                            "200": [
                                "description": "The exposition",
                                "content": ["text/plain": ["schema": ["type": "string"]]],
                            ]
                        ])
                ],
                "/events": [
                    "get": operation(
                        "Server-sent events, one JSON object per message: run_started, run_ended, alert_opened, "
                            + "alert_updated, alert_acknowledged, alert_resolved, jobs_changed, sync_recorded",
                        responses: ["200": ["description": "The stream", "content": ["text/event-stream": [:]]]])
                ],
                "/windows": [
                    "get": operation(
                        "Every maintenance window, whether it is open now, and its current or next opening",
                        responses: [
                            "200": response(
                                "The windows",
                                [
                                    "type": "object",
                                    "properties": ["windows": ["type": "array", "items": reference("Window")]],
                                ])
                        ])
                ],
                "/channels": [
                    "get": operation(
                        "Notification channels (defined in git, applied by sync), each with its state and latest delivery",
                        responses: [
                            "200": response(
                                "The channels",
                                [
                                    "type": "object", "additionalProperties": false,
                                    "properties": ["channels": ["type": "array", "items": reference("Channel")]],
                                ])
                        ])
                ],
                "/channels/{channel}/test": [
                    "post": operation(
                        "Queue a test event to a channel; answers its delivery, which GET /notifications follows",
                        parameters: [
                            ["name": "channel", "in": "path", "required": true, "schema": ["type": "string"]]
                        ],
                        responses: ["202": response("Queued", reference("Delivery"))].merging(errors("401", "404")) {
                            first, _ in first
                        },
                        secured: true)
                ],
                "/notifications": [
                    "get": operation(
                        "The delivery log, newest first",
                        parameters: pageParameters + [
                            ["name": "channel", "in": "query", "schema": ["type": "string"]],
                            ["name": "alert_id", "in": "query", "schema": ["type": "integer", "minimum": 1]],
                            ["name": "job_id", "in": "query", "schema": ["type": "string"]],
                            [
                                "name": "status", "in": "query",
                                "schema": ["type": "string", "enum": Delivery.Status.allCases.map(\.rawValue)],
                            ],
                        ],
                        responses: [
                            "200": response("A page of deliveries", page("notifications", "Delivery"))
                        ].merging(errors("400")) { first, _ in first })
                ],
                "/jobs/{job_id}/stats": [
                    "get": operation(
                        "Success rate, on-time rate and duration p50/p95 over the last 7 and 30 days",
                        parameters: [jobID],
                        responses: [
                            "200": response(
                                "The stats",
                                [
                                    "type": "object", "additionalProperties": false, "required": ["job_id", "windows"],
                                    "properties": [
                                        "job_id": ["type": "string"],
                                        "windows": [
                                            "type": "array",
                                            "items": [
                                                "type": "object", "additionalProperties": false,
                                                "properties": [
                                                    "days": ["type": "integer"], "runs": ["type": "integer"],
                                                    "succeeded": ["type": "integer"], "failed": ["type": "integer"],
                                                    "success_rate": ["type": ["number", "null"]],
                                                    "expected": ["type": "integer"], "missed": ["type": "integer"],
                                                    "on_time_rate": ["type": ["number", "null"]],
                                                    "duration_p50_seconds": ["type": ["number", "null"]],
                                                    "duration_p95_seconds": ["type": ["number", "null"]],
                                                ],
                                            ],
                                        ],
                                    ],
                                ])
                        ].merging(errors("404")) { first, _ in first })
                ],
                "/keys": [
                    "get": operation(
                        "Every key made, revoked ones too (never a secret)",
                        responses: [
                            "200": response(
                                "The keys",
                                [
                                    "type": "object", "additionalProperties": false,
                                    "properties": ["keys": ["type": "array", "items": reference("Key")]],
                                ])
                        ], secured: true),
                    "post": operation(
                        "Make a key; its secret is in this answer only",
                        body: [
                            "type": "object", "additionalProperties": false, "required": ["name", "scope"],
                            "properties": [
                                "name": ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"],
                                "scope": ["type": "string", "enum": AccessScope.allCases.map(\.rawValue)],
                                "jobs": ["type": ["array", "null"], "items": ["type": "string", "minLength": 1]],
                                "tags": ["type": ["array", "null"], "items": ["type": "string", "minLength": 1]],
                            ],
                        ], bodyRequired: true,
                        responses: ["201": response("Made", reference("Key"))].merging(errors("400", "409", "413")) {
                            first, _ in first
                        },
                        secured: true),
                ],
                "/keys/{name}": [
                    "delete": operation(
                        "Revoke a key at once; its sessions end with it",
                        parameters: [["name": "name", "in": "path", "required": true, "schema": ["type": "string"]]],
                        responses: ["200": response("Revoked", reference("Key"))].merging(errors("404")) {
                            first, _ in first
                        },
                        secured: true)
                ],
                "/audit": [
                    "get": operation(
                        "The audit log, newest first: every change with who, how, when, and the values before and after",
                        parameters: pageParameters + [
                            ["name": "job_id", "in": "query", "schema": ["type": "string"]],
                            ["name": "actor", "in": "query", "schema": ["type": "string"]],
                            [
                                "name": "kind", "in": "query",
                                "schema": ["type": "string", "enum": AuditEntry.Kind.allCases.map(\.rawValue)],
                            ],
                            ["name": "since", "in": "query", "schema": time],
                            ["name": "until", "in": "query", "schema": time],
                        ],
                        responses: ["200": response("A page of changes", page("audit", "AuditEntry"))].merging(
                            errors("400")
                        ) { first, _ in first })
                ],
                "/ui/audit": [
                    "get": operation(
                        "The dashboard's audit log (HTML)",
                        parameters: [
                            pageParameter, ["name": "job_id", "in": "query", "schema": ["type": "string"]],
                            ["name": "actor", "in": "query", "schema": ["type": "string"]],
                            [
                                "name": "kind", "in": "query",
                                "schema": ["type": "string", "enum": AuditEntry.Kind.allCases.map(\.rawValue)],
                            ],
                        ],
                        responses: ["200": htmlPage].merging(errors("400")) { first, _ in first })
                ],
                "/login": [
                    "get": operation(
                        "The dashboard's sign-in page (HTML)",
                        parameters: [["name": "next", "in": "query", "schema": ["type": "string"]]],
                        responses: ["200": htmlPage]),
                    "post": [
                        "summary": "Sign in with a key (a form: key, next); a session cookie and back to next",
                        "requestBody": [
                            "required": true,
                            "content": [
                                "application/x-www-form-urlencoded": [
                                    "schema": [
                                        "type": "object",
                                        "properties": ["key": ["type": "string"], "next": ["type": "string"]],
                                    ]
                                ]
                            ],
                        ],
                        "responses": [
                            "303": ["description": "Signed in: Set-Cookie, and Location the page asked for"],
                            "401": ["description": "Not a key of this monitor", "content": ["text/html": [:]]],
                            "403": ["description": "A ping key, which cannot sign in", "content": ["text/html": [:]]],
                            "413": error,
                        ],
                    ],
                ],
                "/logout": [
                    "post": [
                        "summary": "End the dashboard session",
                        "responses": ["303": ["description": "Signed out: the cookie cleared, Location /login"]],
                    ]
                ],
                "/badges/job/{signature}/{file}": ["get": badgeOperation("A job's")],
                "/badges/tag/{signature}/{file}": ["get": badgeOperation("A tag's (the worst of its jobs)")],
                "/badges": [
                    "get": operation(
                        "Every job's and tag's badge URLs, signed, with Markdown to paste",
                        responses: [
                            "200": response(
                                "The badges",
                                [
                                    "type": "object", "additionalProperties": false,
                                    "properties": [
                                        "jobs": ["type": "array", "items": reference("BadgeLinks")],
                                        "tags": ["type": "array", "items": reference("BadgeLinks")],
                                    ],
                                ])
                        ])
                ],
                "/openapi.json": [
                    "get": operation(
                        "This document",
                        responses: ["200": ["description": "OpenAPI 3.1", "content": ["application/json": [:]]]])
                ],
            ],
        ]
    }
}

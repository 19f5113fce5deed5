import Config
import CronicleTestSupport
import Crypto
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage
import MonitorTestSupport
import Testing

/// The outbox and its sender against a real HTTP receiver on loopback: what each
/// delivery carries, retries and their order, and what is given up.
@Suite struct NotificationDeliveryTests {
    static let secret = "whsec_" + Data("a signing key of 24 bytes".utf8).base64EncodedString()

    /// A job that names a webhook channel, applied through sync like any repository's.
    static func apply(_ monitor: LiveMonitor, channel: String, job: String = "billing") async throws {
        let files = [
            DefinitionFile(
                path: "jobs.d/\(job).yaml",
                contents: Data("job_id: \(job)\nschedule: \"@daily\"\nnotify: [hook]\n".utf8)),
            DefinitionFile(path: "jobs.d/channels.yaml", contents: Data(channel.utf8)),
        ]
        let report = try await monitor.store.applySync(
            files: files, source: SyncSource(repository: "git@example.com:ops/jobs.git", ref: "main", commit: "abc"))
        #expect(report.failure == nil, "\(report.formatted())")
    }

    /// `count` jobs `j0`, `j1`, ... tagged `prod`, and `channel` beside them.
    static func applyTaggedJobs(_ count: Int, channel: String, to monitor: LiveMonitor) async throws {
        var files = [DefinitionFile(path: "jobs.d/channels.yaml", contents: Data(channel.utf8))]
        for index in 0..<count {
            files.append(
                DefinitionFile(
                    path: "jobs.d/j\(index).yaml",
                    contents: Data("job_id: j\(index)\nschedule: \"@daily\"\ntags: [prod]\n".utf8)))
        }
        let report = try await monitor.store.applySync(
            files: files, source: SyncSource(repository: "r", ref: "main", commit: "c"))
        #expect(report.failure == nil, "\(report.formatted())")
    }

    static func secrets(_ receiver: WebhookReceiver) -> ProcessSecrets {
        ProcessSecrets(environment: ["HOOK_URL": receiver.url, "HOOK_SECRET": secret])
    }

    static let webhook = "channel: hook\ntype: webhook\nurl: ${env:HOOK_URL}\nsecret: ${env:HOOK_SECRET}\n"

    @Test func aFailedRunReachesTheWebhookSignedWithTheAlertJobAndRun() async throws {
        try await WebhookReceiver.with { receiver in
            try await LiveMonitor.with(secrets: Self.secrets(receiver)) { monitor in
                try await Self.apply(monitor, channel: Self.webhook)
                _ = try await monitor.request(
                    "POST", "/jobs/billing/fail", json: ["exit_code": 3, "message": "disk full"])
                #expect(try await monitor.sender.sendDue() == 1)
                let request = try #require(receiver.requests.first)
                #expect(request.path == "/hook")
                let body = try request.object()
                try OpenAPIContract.server.check(Data(request.body.utf8), isA: "WebhookPayload")
                #expect(body["version"] as? Int == 1 && body["event"] as? String == "alert_opened")
                #expect((body["alert"] as? [String: Any])?["type"] as? String == "failed")
                #expect((body["job"] as? [String: Any])?["job_id"] as? String == "billing")
                #expect((body["run"] as? [String: Any])?["exit_code"] as? Int == 3)
                #expect(body["text"] as? String == "billing failed with exit code 3: \"disk full\"")
                #expect(body["dashboard_url"] as? String == "http://127.0.0.1:\(monitor.port)/ui/jobs/billing")
                // Standard Webhooks, checked here with the receiver's own HMAC.
                let id = try #require(request.headers["webhook-id"])
                let timestamp = try #require(request.headers["webhook-timestamp"])
                #expect(id == body["delivery_id"] as? String)
                let key = SymmetricKey(data: Data(base64Encoded: String(Self.secret.dropFirst(6)))!)
                let mac = HMAC<SHA256>.authenticationCode(
                    for: Data("\(id).\(timestamp).\(request.body)".utf8), using: key)
                #expect(request.headers["webhook-signature"] == "v1," + Data(mac).base64EncodedString())

                let log = try await monitor.request("GET", "/notifications?channel=hook").object()
                let entry = try #require((log["notifications"] as? [[String: Any]])?.first)
                #expect(entry["status"] as? String == "delivered" && entry["attempts"] as? Int == 1)
                #expect(entry["last_status_code"] as? Int == 200 && entry["delivery_id"] as? String == id)
                let channels = try await monitor.request("GET", "/channels").object()["channels"] as? [[String: Any]]
                #expect(channels?.first?["state"] as? String == "ok")
            }
        }
    }

    @Test func aJobMadeThroughTheAPINotifiesTheChannelsItNamesAndUnknownNamesAreRefused() async throws {
        try await WebhookReceiver.with { receiver in
            try await LiveMonitor.with(secrets: Self.secrets(receiver)) { monitor in
                try await Self.apply(monitor, channel: Self.webhook + "match: {jobs: [\"billing\"]}\n")
                // A name no apply defined: refused with the nearest one, and no job made.
                let typo = try await monitor.request(
                    "POST", "/jobs", json: ["job_id": "api_made", "schedule": "@daily", "notify": ["hok"]])
                #expect(typo.status == 400)
                #expect(
                    typo.errorMessage
                        == "notify names channel 'hok', which this monitor does not have; did you mean 'hook'?")
                #expect(try await monitor.request("GET", "/jobs/api_made").status == 404)
                let badName = try await monitor.request(
                    "POST", "/jobs", json: ["job_id": "api_made", "schedule": "@daily", "notify": ["a b"]])
                #expect(badName.status == 400)
                #expect(badName.errorMessage?.hasPrefix("notify:") == true, "\(badName.text)")
                // The channel matches only billing by its own rules: api_made reaches it
                // through notify alone, as a YAML job would.
                let made = try await monitor.request(
                    "POST", "/jobs", json: ["job_id": "api_made", "schedule": "@daily", "notify": ["hook", "hook"]])
                #expect(made.status == 201)
                #expect(try made.object()["notify"] as? [String] == ["hook"])
                _ = try await monitor.request("POST", "/jobs/api_made/fail", json: ["exit_code": 2])
                #expect(try await monitor.sender.sendDue() == 1)
                let body = try #require(receiver.requests.first).object()
                #expect((body["job"] as? [String: Any])?["job_id"] as? String == "api_made")
            }
        }
    }

    @Test func a500IsRetriedWithTheSameIdAndA400IsNot() async throws {
        try await WebhookReceiver.with(answers: [500, 503]) { receiver in
            try await LiveMonitor.with(secrets: Self.secrets(receiver)) { monitor in
                try await Self.apply(monitor, channel: Self.webhook)
                _ = try await monitor.request("POST", "/jobs/billing/fail")
                try await monitor.sender.sendDue()
                var pending = try await monitor.store.deliveries(DeliveryQuery(page: PageRequest())).items
                #expect(pending.first?.status == .pending && pending.first?.lastStatusCode == 500)
                #expect(try await monitor.sender.sendDue() == 0, "not before its backoff")
                monitor.clock.advance(by: 1.01)
                try await monitor.sender.sendDue()
                pending = try await monitor.store.deliveries(DeliveryQuery(page: PageRequest())).items
                #expect(pending.first?.status == .pending && pending.first?.attempts == 2)
                monitor.clock.advance(by: 2.01)
                try await monitor.sender.sendDue()
                let done = try await monitor.store.deliveries(DeliveryQuery(page: PageRequest())).items
                #expect(done.first?.status == .delivered && done.first?.attempts == 3)
                #expect(
                    Set(receiver.requests.compactMap { $0.headers["webhook-id"] }).count == 1, "one id, three tries")

                // The resolve and the next failure's open are both refused.
                receiver.answer([400, 400])
                _ = try await monitor.request("POST", "/jobs/billing/end", json: ["exit_code": 0])
                _ = try await monitor.request("POST", "/jobs/billing/fail")
                try await monitor.sender.sendDue()
                monitor.clock.advance(by: 600)
                try await monitor.sender.sendDue()
                let refused = try await monitor.store.deliveries(DeliveryQuery(status: .failed, page: PageRequest()))
                #expect(refused.items.map(\.lastError) == Array(repeating: "the receiver answered HTTP 400", count: 2))
                #expect(refused.items.allSatisfy { $0.attempts == 1 }, "never retried")
                let channels = try await monitor.request("GET", "/channels").object()["channels"] as? [[String: Any]]
                #expect(channels?.first?["state"] as? String == "failing")
            }
        }
    }

    @Test func aResolveWaitsForItsOpenAndRetryAfterIsHonoured() async throws {
        try await WebhookReceiver.with(answers: [.init(429, retryAfter: "120")]) { receiver in
            try await LiveMonitor.with(secrets: Self.secrets(receiver)) { monitor in
                try await Self.apply(monitor, channel: Self.webhook)
                _ = try await monitor.request("POST", "/jobs/billing/fail")
                try await monitor.sender.sendDue()
                let open = try #require(
                    try await monitor.store.deliveries(DeliveryQuery(page: PageRequest())).items.first)
                let wait = try #require(open.nextAttemptAt).timeIntervalSince(monitor.clock.now)
                #expect(wait >= 119.9 && wait <= 120.1, "\(wait)")
                _ = try await monitor.request("POST", "/jobs/billing/end", json: ["exit_code": 0])
                monitor.clock.advance(by: 60)
                #expect(try await monitor.sender.sendDue() == 0, "the resolve waits behind its open")
                monitor.clock.advance(by: 61)
                try await monitor.sender.sendDue()
                try await monitor.sender.sendDue()
                let events = try receiver.requests.map { try $0.object()["event"] as? String }
                #expect(events == ["alert_opened", "alert_opened", "alert_resolved"])
            }
        }
    }

    @Test func aReceiverThatIsDownIsRetriedUntilItAnswers() async throws {
        let refusing = try RefusingPort()
        let closed = refusing.port
        let secrets = ProcessSecrets(environment: [
            "HOOK_URL": "http://127.0.0.1:\(closed)/hook", "HOOK_SECRET": Self.secret,
        ])
        try await LiveMonitor.with(secrets: secrets) { monitor in
            try await Self.apply(monitor, channel: Self.webhook)
            _ = try await monitor.request("POST", "/jobs/billing/fail")
            try await monitor.sender.sendDue()
            let pending = try #require(
                try await monitor.store.deliveries(DeliveryQuery(page: PageRequest())).items.first)
            #expect(pending.status == .pending && pending.lastStatusCode == nil)
            #expect(pending.lastError?.contains("could not be reached") == true, "\(pending.lastError ?? "")")
            monitor.clock.advance(by: 86_401)
            try await monitor.sender.sendDue()
            let given = try #require(try await monitor.store.deliveries(DeliveryQuery(page: PageRequest())).items.first)
            #expect(given.status == .failed && given.lastError?.hasSuffix("given up after 24 hours") == true)
        }
        withExtendedLifetime(refusing) {}
    }

    @Test func chatChannelsGroupWhatArrivesTogether() async throws {
        try await WebhookReceiver.with { receiver in
            let secrets = ProcessSecrets(environment: ["CHAT_URL": receiver.url])
            try await LiveMonitor.with(secrets: secrets) { monitor in
                try await Self.applyTaggedJobs(
                    30,
                    channel:
                        "channel: chat\ntype: slack\nurl: ${env:CHAT_URL}\nmatch: {tags: [prod]}\ngroup_interval: 1m\n",
                    to: monitor)
                _ = try await monitor.request("POST", "/jobs/j0/fail")
                try await monitor.sender.sendDue()
                #expect(receiver.requests.count == 1, "the first event goes at once")
                for index in 1..<30 { _ = try await monitor.request("POST", "/jobs/j\(index)/fail") }
                try await monitor.sender.sendDue()
                #expect(receiver.requests.count == 1, "held for group_interval")
                monitor.clock.advance(by: 61)
                try await monitor.sender.sendDue()
                #expect(receiver.requests.count == 2)
                let message = try receiver.requests[1].object()
                #expect(message["text"] as? String == "Cronicle: 29 alerts")
                let blocks = message["blocks"] as? [[String: Any]] ?? []
                #expect(blocks.count == 10)
                #expect(((message["attachments"] as? [[String: Any]])?.first?["text"] as? String) == "… and 19 more")
                let delivered = try await monitor.store.deliveries(
                    DeliveryQuery(status: .delivered, page: PageRequest(perPage: 100)))
                #expect(delivered.total == 30, "every event is delivered, in two messages")
            }
        }
    }

    @Test func aThousandAlertsAtOnceReachAChatChannelInAFewMessages() async throws {
        try await WebhookReceiver.with { receiver in
            let secrets = ProcessSecrets(environment: ["CHAT_URL": receiver.url])
            try await LiveMonitor.with(secrets: secrets) { monitor in
                try await Self.applyTaggedJobs(
                    1_000, channel: "channel: chat\ntype: discord\nurl: ${env:CHAT_URL}\nmatch: {tags: [prod]}\n",
                    to: monitor)
                // The alerts open while the sender keeps passing, as in a server.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for start in stride(from: 0, to: 1_000, by: 125) {
                        group.addTask {
                            for index in start..<(start + 125) {
                                _ = try await monitor.request("POST", "/jobs/j\(index)/fail")
                            }
                        }
                    }
                    group.addTask {
                        for _ in 0..<20 { try await monitor.sender.sendDue() }
                    }
                    try await group.waitForAll()
                }
                while try await monitor.store.deliveries(DeliveryQuery(status: .pending, page: PageRequest())).total > 0
                {
                    monitor.clock.advance(by: 31)
                    try await monitor.sender.sendDue()
                }
                let delivered = try await monitor.store.deliveries(
                    DeliveryQuery(status: .delivered, page: PageRequest(perPage: 1)))
                #expect(delivered.total == 1_000)
                #expect(receiver.requests.count <= 5, "\(receiver.requests.count) messages")
                let last = try #require(receiver.requests.last).object()
                #expect((last["embeds"] as? [Any])?.count == 10, "ten listed, the rest counted")
            }
        }
    }

    @Test func remindersRepeatWhileOpenAndStopAtTheAcknowledgement() async throws {
        try await WebhookReceiver.with { receiver in
            try await LiveMonitor.with(secrets: Self.secrets(receiver)) { monitor in
                try await Self.apply(monitor, channel: Self.webhook + "repeat_every: 1h\n")
                _ = try await monitor.request("POST", "/jobs/billing/fail", json: ["exit_code": 2])
                try await monitor.sender.sendDue()
                monitor.clock.advance(by: 1800)
                try await monitor.sender.sendDue()
                #expect(receiver.requests.count == 1, "not before an hour")
                monitor.clock.advance(by: 1801)
                try await monitor.sender.sendDue()
                try await monitor.sender.sendDue()
                let events = try receiver.requests.map { try $0.object()["event"] as? String }
                #expect(events == ["alert_opened", "alert_reminder"])
                #expect(
                    try receiver.requests[1].object()["text"] as? String
                        == "still open: billing failed with exit code 2")
                let alert = try #require(try await monitor.store.alerts(AlertQuery(page: PageRequest())).items.first)
                _ = try await monitor.request("POST", "/alerts/\(alert.id)/acknowledge")
                monitor.clock.advance(by: 7200)
                try await monitor.sender.sendDue()
                #expect(receiver.requests.count == 2, "an acknowledged alert is not reminded of")
            }
        }
    }

    @Test func aFailingReceiverIsProbedOnceAPassNotOncePerDelivery() async throws {
        try await WebhookReceiver.with(answers: [503]) { receiver in
            try await LiveMonitor.with(secrets: Self.secrets(receiver)) { monitor in
                try await Self.apply(monitor, channel: Self.webhook + "match: {jobs: [\"extra_*\"]}\n")
                for job in ["extra_a", "extra_b"] {
                    _ = try await monitor.store.saveJob(JobDefinition(jobID: job, schedule: "@daily"))
                }
                for job in ["billing", "extra_a", "extra_b"] {
                    _ = try await monitor.request("POST", "/jobs/\(job)/fail")
                }
                try await monitor.sender.sendDue()
                #expect(receiver.requests.count == 1, "the first answered 503; the others were not sent")
                let pending = try await monitor.store.deliveries(DeliveryQuery(status: .pending, page: PageRequest()))
                #expect(pending.total == 3 && pending.items.allSatisfy { $0.attempts == 1 })
                monitor.clock.advance(by: 2.01)
                try await monitor.sender.sendDue()
                #expect(receiver.requests.count == 4, "the receiver is back: all three are sent")
            }
        }
    }

    @Test func deliveriesWaitingBehindAProbeAreGivenUpAfter24Hours() async throws {
        let refusing = try RefusingPort()
        let closed = refusing.port
        let secrets = ProcessSecrets(environment: [
            "HOOK_URL": "http://127.0.0.1:\(closed)/hook", "HOOK_SECRET": Self.secret,
        ])
        try await LiveMonitor.with(secrets: secrets) { monitor in
            try await Self.apply(monitor, channel: Self.webhook + "match: {jobs: [\"extra_*\"]}\n")
            for job in ["extra_a", "extra_b"] {
                _ = try await monitor.store.saveJob(JobDefinition(jobID: job, schedule: "@daily"))
                _ = try await monitor.request("POST", "/jobs/\(job)/fail")
            }
            try await monitor.sender.sendDue()
            var waiting = try await monitor.store.deliveries(DeliveryQuery(status: .pending, page: PageRequest()))
            #expect(waiting.total == 2 && waiting.items.allSatisfy { $0.attempts == 1 })
            #expect(
                waiting.items.contains { $0.lastError?.hasSuffix("(not tried: the receiver had just failed)") == true })
            monitor.clock.advance(by: 86_401)
            try await monitor.sender.sendDue()
            waiting = try await monitor.store.deliveries(DeliveryQuery(status: .failed, page: PageRequest()))
            #expect(waiting.total == 2, "the probe and the one behind it")
            #expect(waiting.items.allSatisfy { $0.lastError?.hasSuffix("given up after 24 hours") == true })
        }
        withExtendedLifetime(refusing) {}
    }

    @Test func aTestEventNeedsAKnownChannel() async throws {
        try await WebhookReceiver.with { receiver in
            try await LiveMonitor.with(secrets: Self.secrets(receiver)) { monitor in
                try await Self.apply(monitor, channel: Self.webhook)
                var response = try await monitor.request("POST", "/channels/hook/test")
                #expect(response.status == 202)
                #expect(try response.object()["event"] as? String == "test")
                try await monitor.sender.sendDue()
                #expect(
                    try receiver.requests.first?.object()["text"] as? String
                        == "Test notification from Cronicle for channel hook")
                response = try await monitor.request("POST", "/channels/nope/test")
                #expect(response.status == 404 && response.errorMessage == "channel 'nope' does not exist")
            }
        }
    }

    /// The failing `hook` and a second channel, `pager`, that no job reaches.
    static func failingPair(hook: WebhookReceiver, pager: WebhookReceiver) -> (ProcessSecrets, String) {
        let secrets = ProcessSecrets(environment: [
            "HOOK_URL": hook.url, "HOOK_SECRET": secret, "PAGER_URL": pager.url,
        ])
        return (secrets, webhook + "---\nchannel: pager\ntype: webhook\nurl: ${env:PAGER_URL}\n")
    }

    @Test func aChannelThatFailsForGoodOpensChannelFailingOnTheOthersUntilItDeliversAgain() async throws {
        try await WebhookReceiver.with(answers: [400]) { hook in
            try await WebhookReceiver.with { pager in
                let (secrets, channels) = Self.failingPair(hook: hook, pager: pager)
                try await LiveMonitor.with(secrets: secrets) { monitor in
                    try await Self.apply(monitor, channel: channels)
                    _ = try await monitor.request("POST", "/jobs/billing/fail")
                    try await monitor.sender.sendDue()
                    let alerts = try await monitor.request("GET", "/alerts?type=channel_failing").object()
                    let alert = try #require((alerts["alerts"] as? [[String: Any]])?.first)
                    #expect(alert["channel"] as? String == "hook" && alert["job_id"] is NSNull)
                    try await monitor.sender.sendDue()
                    let told = try #require(pager.requests.first).object()
                    try OpenAPIContract.server.check(Data(pager.requests[0].body.utf8), isA: "WebhookPayload")
                    #expect(told["event"] as? String == "alert_opened")
                    #expect((told["alert"] as? [String: Any])?["type"] as? String == "channel_failing")
                    #expect(
                        told["text"] as? String
                            == "channel hook is failing: its notifications are not being delivered: the receiver "
                            + "answered HTTP 400")
                    #expect(
                        told["dashboard_url"] as? String
                            == "http://127.0.0.1:\(monitor.port)/ui/notifications?channel=hook")
                    #expect(hook.requests.count == 1, "a channel is not told of its own failure")

                    // The next delivery goes through: the channel's alert resolves, and the other channel hears it.
                    _ = try await monitor.request("POST", "/jobs/billing/end", json: ["exit_code": 0])
                    try await monitor.sender.sendDue()
                    try await monitor.sender.sendDue()
                    let open = try await monitor.request("GET", "/alerts?type=channel_failing&resolved=false").object()
                    #expect((open["alerts"] as? [[String: Any]])?.isEmpty == true)
                    #expect(try pager.requests.last?.object()["event"] as? String == "alert_resolved")
                }
            }
        }
    }

    @Test func aFailingChannelThatIsRemovedResolvesItsAlert() async throws {
        try await WebhookReceiver.with(answers: [400]) { hook in
            try await WebhookReceiver.with { pager in
                let (secrets, channels) = Self.failingPair(hook: hook, pager: pager)
                try await LiveMonitor.with(secrets: secrets) { monitor in
                    try await Self.apply(monitor, channel: channels)
                    _ = try await monitor.request("POST", "/jobs/billing/fail")
                    try await monitor.sender.sendDue()
                    #expect(try await monitor.store.alertCounts(kind: .channelFailing).open == 1)
                    // The job now names the pager; the hook is gone from the repository.
                    let files = [
                        DefinitionFile(
                            path: "jobs.d/billing.yaml",
                            contents: Data("job_id: billing\nschedule: \"@daily\"\nnotify: [pager]\n".utf8)),
                        DefinitionFile(
                            path: "jobs.d/channels.yaml",
                            contents: Data("channel: pager\ntype: webhook\nurl: ${env:PAGER_URL}\n".utf8)),
                    ]
                    let report = try await monitor.store.applySync(
                        files: files,
                        source: SyncSource(repository: "git@example.com:ops/jobs.git", ref: "main", commit: "def"))
                    #expect(report.failure == nil, "\(report.formatted())")
                    #expect(try await monitor.store.alertCounts(kind: .channelFailing).open == 0)
                    // The open goes first, then its resolve.
                    try await monitor.sender.sendDue()
                    try await monitor.sender.sendDue()
                    let events = try pager.requests.map { try $0.object()["event"] as? String }
                    #expect(events == ["alert_opened", "alert_resolved"])
                }
            }
        }
    }

    @Test func aChannelWhoseOldestDeliveryWaitsTenMinutesIsFailing() async throws {
        try await WebhookReceiver.with(answers: Array(repeating: 503, count: 40)) { hook in
            try await WebhookReceiver.with { pager in
                let (secrets, channels) = Self.failingPair(hook: hook, pager: pager)
                try await LiveMonitor.with(secrets: secrets) { monitor in
                    try await Self.apply(monitor, channel: channels)
                    _ = try await monitor.request("POST", "/jobs/billing/fail")
                    var waited: TimeInterval = 0
                    while waited < 540 {
                        try await monitor.sender.sendDue()
                        monitor.clock.advance(by: 60)
                        waited += 60
                    }
                    try await monitor.sender.sendDue()
                    #expect(try await monitor.store.alertCounts(kind: .channelFailing).open == 0, "9 minutes: not yet")
                    monitor.clock.advance(by: 301)
                    try await monitor.sender.sendDue()
                    #expect(try await monitor.store.alertCounts(kind: .channelFailing).open == 1)
                }
            }
        }
    }

    @Test func aRefusedApplyIsToldAsSyncFailedButNotPagedByDefault() async throws {
        try await WebhookReceiver.with { receiver in
            try await LiveMonitor.with(secrets: Self.secrets(receiver)) { monitor in
                let pager =
                    "---\nchannel: oncall\ntype: pagerduty\nrouting_key: ${env:HOOK_SECRET}\nurl: ${env:HOOK_URL}\n"
                try await Self.apply(monitor, channel: Self.webhook + pager)
                let broken = [
                    DefinitionFile(
                        path: "jobs.d/billing.yaml", contents: Data("job_id: billing\nschedule: \"61 * * * *\"\n".utf8))
                ]
                let report = try await monitor.store.applySync(
                    files: broken,
                    source: SyncSource(
                        repository: "git@example.com:ops/jobs.git", ref: "main", commit: "0123456789abcdef"))
                let error = try #require(report.failure)
                #expect(try await monitor.sender.sendDue() == 1, "the webhook only")
                let request = try #require(receiver.requests.first)
                try OpenAPIContract.server.check(Data(request.body.utf8), isA: "WebhookPayload")
                let body = try request.object()
                #expect(body["event"] as? String == "sync_failed" && body["alert"] is NSNull)
                let sync = try #require(body["sync"] as? [String: Any])
                #expect(sync["result"] as? String == "failed" && sync["error"] as? String == error)
                #expect(
                    body["text"] as? String
                        == "Apply of git@example.com:ops/jobs.git at 0123456789ab was refused: \(error)")
                #expect(body["dashboard_url"] as? String == "http://127.0.0.1:\(monitor.port)/ui/sync")
                let log = try await monitor.request("GET", "/notifications?channel=hook").object()
                #expect((log["notifications"] as? [[String: Any]])?.first?["sync_id"] as? Int == sync["id"] as? Int)
            }
        }
    }
}

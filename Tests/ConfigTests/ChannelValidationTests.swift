import Config
import Foundation
import Testing

/// Channel documents beside the jobs (DESIGN 9.1): what a valid one becomes, and each
/// rule with the exact position and message it reports.
@Suite struct ChannelValidationTests {
    static let now = ISO8601DateFormatter().date(from: "2026-11-28T00:00:00Z")!

    static func validate(_ files: [(String, String)]) -> ValidationReport {
        JobValidator(now: now).validate(files.map { DefinitionFile(path: $0.0, contents: Data($0.1.utf8)) })
    }

    static let job = "job_id: billing_export\nschedule: \"@daily\"\ntags: [prod]\nnotify: [ops-hook]\n"

    /// Lines for a channel file checked beside a job that names `ops-hook`.
    static func lines(_ channel: String) -> [String] {
        validate([("jobs.d/billing_export.yaml", job), ("jobs.d/channels.yaml", channel)]).diagnostics.map(
            \.description)
    }

    @Test func aValidChannelKeepsItsReferencesUnresolved() throws {
        let report = Self.validate([
            ("jobs.d/billing_export.yaml", Self.job),
            (
                "jobs.d/channels.yaml",
                """
                channel: ops-hook
                type: webhook
                url: https://hooks.example.com/cronicle
                secret: ${env:OPS_HOOK_SECRET}
                headers: {X-Team: ops, Authorization: "Bearer ${file:/run/secrets/token}"}
                types: [missed_job, failed]
                send_resolved: false
                repeat_every: 4h
                ---
                channel: prod-chat
                type: slack
                url: ${env:SLACK_PROD_URL}
                match: {tags: [prod], jobs: ["billing_*"]}
                group_interval: 30s

                """
            ),
        ])
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
        #expect(report.summary == "0 errors, 0 warnings in 2 files, 1 job, 2 channels")
        let hook = try #require(report.channels.first)
        #expect(hook.name == "ops-hook" && hook.kind == .webhook)
        #expect(hook.secret?.written == "${env:OPS_HOOK_SECRET}")
        #expect(hook.headers["Authorization"]?.references == [.file("/run/secrets/token")])
        #expect(hook.types == [.missedJob, .failed] && !hook.sendResolved)
        #expect(hook.repeatEvery == JobDuration(seconds: 14_400))
        #expect(hook.location == SourceLocation(file: "jobs.d/channels.yaml", line: 1, column: 1))
        let chat = report.channels[1]
        #expect(chat.match == ChannelDefinition.Match(tags: ["prod"], jobs: ["billing_*"]))
        #expect(chat.groupInterval == JobDuration(seconds: 30))
        let job = try #require(report.jobs.first)
        #expect(job.notify == ["ops-hook"])
        #expect(hook.receives(job) && chat.receives(job))
        var other = job
        other.notify = []
        other.tags = []
        #expect(!hook.receives(other))
        other.jobID = "billing_daily"
        #expect(chat.receives(other), "selected by the job-id glob")
    }

    @Test func literalSecretsAreErrors() {
        #expect(
            Self.lines("channel: ops-hook\ntype: slack\nurl: https://hooks.slack.com/services/T0/B0/XXXX\n") == [
                "jobs.d/channels.yaml:3:6: error: url is a Slack webhook URL, which is itself a secret (anyone who has "
                    + "it can post); keep it out of git and write url: ${env:NAME} or url: ${file:/path} instead "
                    + "[literal-secret]"
            ])
        #expect(
            Self.lines(
                "channel: ops-hook\ntype: webhook\nurl: https://h.example/x\nsecret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n"
            )
                == [
                    "jobs.d/channels.yaml:4:9: error: secret holds a signing secret (whsec_...) in the file; keep it "
                        + "out of git and write ${env:NAME} or ${file:/path} instead [literal-secret]"
                ])
        #expect(
            Self.lines("channel: ops-hook\ntype: pagerduty\nrouting_key: R0123456789abcdef0123456789abcdef\n") == [
                "jobs.d/channels.yaml:3:14: error: routing_key is a secret and is written in the file; keep it out of "
                    + "git and write routing_key: ${env:NAME} or routing_key: ${file:/path} instead [literal-secret]"
            ])
        #expect(
            Self.lines("channel: ops-hook\ntype: discord\nurl: https://discord.com/api/webhooks/1/abc\n").first?
                .contains("Discord webhook URL") == true)
        #expect(
            Self.lines(
                "channel: ops-hook\ntype: webhook\nurl: https://h.example/x\nheaders: {Authorization: Bearer abc}\n"
            )
            .first?.contains("header Authorization is a credential written in the file") == true)
    }

    @Test func aJobNamingAMissingChannelGetsASuggestionAndIsLeftOut() {
        let report = Self.validate([
            ("jobs.d/billing_export.yaml", Self.job.replacingOccurrences(of: "ops-hook", with: "ops-hok")),
            ("jobs.d/channels.yaml", "channel: ops-hook\ntype: webhook\nurl: ${env:HOOK}\nmatch: {tags: [prod]}\n"),
        ])
        #expect(
            report.diagnostics.map(\.description) == [
                "jobs.d/billing_export.yaml:4:9: error: notify names channel 'ops-hok', which no file defines; did you "
                    + "mean 'ops-hook'? [unknown-channel]"
            ])
        #expect(report.jobs.isEmpty)
        let far = Self.validate([
            ("jobs.d/billing_export.yaml", Self.job.replacingOccurrences(of: "ops-hook", with: "pager"))
        ])
        #expect(far.diagnostics.first?.message.hasSuffix("define it in a document with channel: pager") == true)
    }

    @Test func aChannelNoJobReachesIsAWarning() {
        let report = Self.validate([
            ("jobs.d/billing_export.yaml", Self.job),
            (
                "jobs.d/channels.yaml",
                "channel: ops-hook\ntype: webhook\nurl: ${env:HOOK}\n---\nchannel: spare\ntype: ntfy\nurl: https://ntfy.sh/x\n"
            ),
        ])
        #expect(
            report.diagnostics.map(\.description) == [
                "jobs.d/channels.yaml:5:1: warning: channel 'spare' reaches no job: no job names it in notify, and its "
                    + "match selects none [unused-channel]"
            ])
        #expect(report.exitStatus(strict: false) == 0 && report.exitStatus(strict: true) == 1)
    }

    @Test(arguments: [
        (
            "channel: ops-hook\ntype: sms\nurl: https://h.example\n",
            "jobs.d/channels.yaml:2:7: error: type 'sms' is not a channel type; write one of webhook, slack, discord, "
                + "msteams, ntfy, pagerduty, email [unknown-channel-type]"
        ),
        (
            "channel: ops-hook\ntype: webhook\nurl: ftp://h.example/x\n",
            "jobs.d/channels.yaml:3:6: error: url 'ftp://h.example/x' is not an http or https URL with a host [invalid-url]"
        ),
        (
            "channel: ops-hook\ntype: webhook\nurl: https://h.example/${env:1X}\n",
            "jobs.d/channels.yaml:3:24: error: url: '${env:1X}' does not name an environment variable; write "
                + "${env:NAME} with letters, digits and _ [invalid-secret-reference]"
        ),
        (
            "channel: ops-hook\ntype: webhook\nurl: ${env:HOOK}\nmatch: [prod]\n",
            "jobs.d/channels.yaml:4:8: error: match must be a mapping with tags and jobs, such as {tags: [prod]}, "
                + "found a list [wrong-type]"
        ),
        (
            "channel: ops-hook\ntype: slack\nurl: ${env:HOOK}\nsecret: ${env:S}\n",
            "jobs.d/channels.yaml:4:1: error: secret does not apply to a slack channel; it is for webhook "
                + "[field-not-for-type]"
        ),
        (
            "channel: ops-hook\ntype: webhook\nurl: ${env:HOOK}\nrepeat_every: 30s\n",
            "jobs.d/channels.yaml:4:15: error: repeat_every must be from 1m to 31d, found 30s [out-of-range]"
        ),
        (
            "channel: ops-hook\ntype: webhook\nurl: ${env:HOOK}\ntypes: [missed]\n",
            "jobs.d/channels.yaml:4:8: error: types: 'missed' is not an alert type; write any of missed_job, "
                + "long_running, failed, too_fast, channel_failing, sync_failed [invalid-value]"
        ),
        (
            "channel: ops-hook\ntype: webhook\n",
            "jobs.d/channels.yaml:1:1: error: a webhook channel needs a url [missing-field]"
        ),
        (
            "channel: ops hook\ntype: webhook\nurl: ${env:HOOK}\n",
            "jobs.d/channels.yaml:1:13: error: channel 'ops hook' may contain only letters, digits, '_', '.' and '-'; "
                + "' ' is not allowed [invalid-channel-name]"
        ),
        (
            "channel: ops-hook\ntype: email\n",
            "jobs.d/channels.yaml:1:1: error: an email channel needs to: [address, ...] [missing-field]"
        ),
        (
            "channel: ops-hook\ntype: email\nto: [oncall@example.com, \"ops team@example.com\"]\n"
                + "from: cronicle@example.com\nsmtp: {host: smtp.example.com}\n",
            "jobs.d/channels.yaml:3:26: error: to: 'ops team@example.com' holds ' ', which an address may not; "
                + "write a plain address such as oncall@example.com [invalid-email-address]"
        ),
        (
            "channel: ops-hook\ntype: email\nto: [oncall@example.com]\nfrom: cronicle@\nsmtp: {host: smtp.example.com}\n",
            "jobs.d/channels.yaml:4:7: error: from: 'cronicle@' is not an address such as oncall@example.com "
                + "[invalid-email-address]"
        ),
        (
            "channel: ops-hook\ntype: email\nto: [oncall@example.com]\nfrom: cronicle@example.com\n",
            "jobs.d/channels.yaml:1:1: error: an email channel needs smtp: {host: smtp.example.com, port: 587} "
                + "[missing-field]"
        ),
        (
            "channel: ops-hook\ntype: email\nto: [oncall@example.com]\nfrom: cronicle@example.com\n"
                + "smtp: {host: smtp.example.com, username: cronicle, password: hunter2}\n",
            "jobs.d/channels.yaml:5:62: error: smtp.password is a secret and is written in the file; keep it out of "
                + "git and write smtp.password: ${env:NAME} or smtp.password: ${file:/path} instead [literal-secret]"
        ),
        (
            "channel: ops-hook\ntype: email\nto: [oncall@example.com]\nfrom: cronicle@example.com\n"
                + "smtp: {host: smtp.example.com, port: 70000}\n",
            "jobs.d/channels.yaml:5:38: error: smtp.port must be from 1 to 65535, found 70000 [out-of-range]"
        ),
        (
            "channel: ops-hook\ntype: email\nto: [oncall@example.com]\nfrom: cronicle@example.com\n"
                + "smtp: {host: smtp.example.com, security: ssl}\n",
            "jobs.d/channels.yaml:5:42: error: smtp.security 'ssl' is not one of starttls, tls, none [invalid-value]"
        ),
        (
            "channel: ops-hook\ntype: email\nto: [oncall@example.com]\nfrom: cronicle@example.com\n"
                + "smtp: {host: smtp.example.com, security: none, username: bot, password: \"${env:P}\"}\n",
            "jobs.d/channels.yaml:5:58: error: smtp.username with security: none would send the password "
                + "unencrypted; write security: starttls or tls [invalid-value]"
        ),
        (
            "channel: ops-hook\ntype: email\nto: [oncall@example.com]\nfrom: cronicle@example.com\n"
                + "smtp: {hots: smtp.example.com}\n",
            "jobs.d/channels.yaml:5:8: error: unknown key 'hots'; did you mean 'host'? [unknown-key]"
        ),
        (
            "channel: ops-hook\ntype: webhook\nurl: ${env:HOOK}\nsend_resolve: true\n",
            "jobs.d/channels.yaml:4:1: error: unknown key 'send_resolve'; did you mean 'send_resolved'? [unknown-key]"
        ),
    ])
    func eachBadValueIsNamedWhereItIs(channel: String, expected: String) {
        #expect(Self.lines(channel).contains(expected), "\(Self.lines(channel))")
    }

    @Test func anEmailChannelWithItsServer() throws {
        let report = Self.validate([
            ("jobs.d/billing_export.yaml", Self.job),
            (
                "jobs.d/channels.yaml",
                """
                channel: ops-hook
                type: email
                to: [oncall@example.com, ops@example.com]
                from: Cronicle <cronicle@example.com>
                smtp:
                  host: smtp.example.com
                  username: cronicle
                  password: ${env:SMTP_PASSWORD}
                  ca_file: /etc/ssl/relay-ca.pem
                group_interval: 2m

                """
            ),
        ])
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
        let email = try #require(report.channels.first)
        #expect(
            email.to == ["oncall@example.com", "ops@example.com"] && email.from == "Cronicle <cronicle@example.com>")
        let smtp = try #require(email.smtp)
        #expect(smtp.host == "smtp.example.com" && smtp.port == 587 && smtp.security == .starttls)
        #expect(smtp.password?.references == [.environment("SMTP_PASSWORD")] && smtp.caFile == "/etc/ssl/relay-ca.pem")
        #expect(email.references == [.environment("SMTP_PASSWORD")])
        #expect(ChannelDefinition.SMTP(host: "h", security: .tls).port == 465)
    }

    @Test func aSecondChannelOfTheSameNameIsAnError() {
        let report = Self.validate([
            ("jobs.d/billing_export.yaml", Self.job),
            ("jobs.d/a.yaml", "channel: ops-hook\ntype: webhook\nurl: ${env:A}\n"),
            ("jobs.d/b.yaml", "channel: ops-hook\ntype: webhook\nurl: ${env:B}\n"),
        ])
        #expect(
            report.diagnostics.map(\.description) == [
                "jobs.d/b.yaml:1:1: error: channel 'ops-hook' is already defined at jobs.d/a.yaml:1:1 [duplicate-channel]"
            ])
        #expect(report.channels.map(\.url?.written) == ["${env:A}"])
    }

    @Test func referencesResolveOnlyWhenAsked() throws {
        let text = SecretText("Bearer ${env:TOKEN}/${file:/x}")
        #expect(text.references == [.environment("TOKEN"), .file("/x")])
        #expect(text.description == "Bearer ${env:TOKEN}/${file:/x}")
        let resolved = try text.resolved { reference in
            switch reference {
            case .environment(let name): "<\(name)>"
            case .file(let path): "[\(path)]"
            }
        }
        #expect(resolved == "Bearer <TOKEN>/[/x]")
    }
}

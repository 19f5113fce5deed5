import Config
import Foundation
import MonitorDomain

/// What `/ui/notifications` shows: each channel with its state and latest delivery, and
/// the delivery log, newest first, filtered by channel, job and status.
struct NotificationsPage {
    static let perPage = 50

    let context: [String: Any]

    init(
        channels: [Channel], states: [String: ChannelDeliveryState], deliveries: Page<Delivery>, channel: String?,
        jobID: String?, status: Delivery.Status?, now: Date
    ) {
        var context: [String: Any] = [
            "title": "Notifications", "showJob": true,
            "channels": channels.map { channel -> [String: Any] in
                let state = states[channel.name] ?? ChannelDeliveryState()
                let failing = state.isFailing(now: now)
                var row: [String: Any] = [
                    "name": channel.name, "type": channel.definition.kind.rawValue,
                    "state": failing ? "failing" : "ok", "stateClass": failing ? "state-failed" : "state-ok",
                    "href": DashboardFormat.href("/ui/notifications", [("channel", channel.name)]),
                ]
                if let last = state.lastDelivery { row["last"] = DeliveryRow(last).context }
                if let origin = channel.origin { row["file"] = "\(origin.file):\(origin.line)" }
                return row
            },
            "deliveries": deliveries.items.map { DeliveryRow($0).context },
            "statuses": Delivery.Status.allCases.map { ["value": $0.rawValue, "selected": $0 == status] },
        ]
        if let channel { context["channelFilter"] = channel }
        if let jobID { context["jobFilter"] = jobID }
        context["pager"] = DashboardFormat.pager(
            page: deliveries.page.page, perPage: deliveries.page.perPage, total: deliveries.total,
            noun: "deliveries"
        ) {
            DashboardFormat.href(
                "/ui/notifications",
                [
                    ("channel", channel), ("job_id", jobID), ("status", status?.rawValue),
                    ("page", $0 > 1 ? String($0) : nil),
                ])
        }
        self.context = context
    }
}

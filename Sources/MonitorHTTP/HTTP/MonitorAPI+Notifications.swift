import Foundation
import Hummingbird
import MonitorDomain

extension MonitorAPI {
    /// Channels, their test, the delivery log (DESIGN 9.4), and maintenance windows (11.3).
    func addNotificationRoutes(
        reads: RouterGroup<CronicleRequestContext>, changes: RouterGroup<CronicleRequestContext>
    ) {
        reads.get("/channels") { _, _ in
            async let states = store.channelDeliveryStates()
            let channels = try await store.channels()
            let known = try await states
            let now = store.clock.now
            return json(
                ListRepresentation(
                    key: "channels",
                    items: channels.map {
                        ChannelRepresentation(channel: $0, state: known[$0.name] ?? ChannelDeliveryState(), now: now)
                    }))
        }
        reads.get("/windows") { _, _ in
            let now = store.clock.now
            return json(
                ListRepresentation(
                    key: "windows", items: try await store.windows().map { WindowRepresentation($0, now: now) }))
        }
        changes.post("/channels/:channel/test") { _, context in
            let name = try context.parameters.require("channel")
            let delivery = try await store.enqueueTest(channel: name.removingPercentEncoding ?? name)
            return json(DeliveryRepresentation(delivery: delivery), status: .accepted)
        }
        reads.get("/notifications") { request, _ in
            let query = try RequestParsing.Query(
                request, allowed: ["page", "per_page", "channel", "alert_id", "job_id", "status"])
            let page = try await store.deliveries(
                DeliveryQuery(
                    channel: query["channel"],
                    alertID: try query.integer("alert_id", range: 1...Int.max).map(Int64.init), jobID: query["job_id"],
                    status: try query.choice("status", Delivery.Status.self), page: try query.page()))
            return json(
                PageRepresentation(
                    key: "notifications", items: page.items.map(DeliveryRepresentation.init), page: page.page,
                    total: page.total))
        }
    }
}

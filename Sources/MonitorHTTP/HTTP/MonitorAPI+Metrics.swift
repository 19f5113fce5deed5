import Foundation
import Hummingbird
import MonitorDomain
import MonitorEngine
import NIOCore

extension MonitorAPI {
    /// `GET /metrics`: every job's series and the monitor's own, in the Prometheus text
    /// format (DESIGN 13). A read like every GET; from one store snapshot, so a scrape of
    /// 10,000 jobs costs a few queries (docs/performance.md). The snapshot is read before
    /// the answer begins, so a store that fails still gets its error envelope; the
    /// exposition is then sent in parts as it is written.
    func addMetricsRoute(to router: RouterGroup<CronicleRequestContext>) {
        router.get("/metrics") { _, _ in
            let snapshot = try await store.metricsSnapshot()
            return Response(
                status: .ok, headers: [.contentType: MetricsExposition.contentType],
                body: ResponseBody { writer in
                    var exposition = MetricsExposition(snapshot, labels: metricsLabels)
                    while exposition.writeNextPart() {
                        try await writer.write(ByteBuffer(bytes: exposition.bytes))
                        exposition.bytes.removeAll(keepingCapacity: true)
                    }
                    metrics.emit(into: &exposition.bytes)
                    try await writer.write(ByteBuffer(bytes: exposition.bytes))
                    try await writer.finish(nil)
                })
        }
    }
}

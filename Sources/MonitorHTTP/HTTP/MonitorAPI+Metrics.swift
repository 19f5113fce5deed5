import Foundation
import Hummingbird
import MonitorDomain
import MonitorEngine
import NIOCore

extension MonitorAPI {
    /// `GET /metrics`: every job's series and the monitor's own, in the Prometheus text
    /// format (DESIGN 13). A read like every GET; from one store snapshot, so a scrape of
    /// 10,000 jobs costs a few queries (docs/performance.md).
    func addMetricsRoute(to router: RouterGroup<CronicleRequestContext>) {
        router.get("/metrics") { _, _ in
            var exposition = MetricsExposition()
            exposition.append(try await store.metricsSnapshot())
            metrics.emit(into: &exposition.bytes)
            return Response(
                status: .ok, headers: [.contentType: MetricsExposition.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: exposition.bytes)))
        }
    }
}

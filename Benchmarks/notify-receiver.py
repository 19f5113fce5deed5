#!/usr/bin/env python3
"""A webhook and chat receiver for scripts/bench-notify: answers 200 at once and records,
per path, when each request arrived and, for webhooks, how long after its alert was
created. Prints a JSON summary to the file named by its third argument on SIGTERM.
Usage: notify-receiver.py PORT READY_FILE SUMMARY_FILE"""
import http.server, json, signal, sys, threading, time
from datetime import datetime

port, ready, summary_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()
arrivals = {}       # path -> [arrival times]
latencies = {}      # path -> seconds from the alert's created_at to arrival (webhooks)
first_created = []  # created_at of each /hook webhook's alert

class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        now = time.time()
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        with lock:
            arrivals.setdefault(self.path, []).append(now)
            if self.path != "/chat":
                alert = json.loads(body).get("alert") or {}
                created = alert.get("created_at")
                if created:
                    at = datetime.fromisoformat(created.replace("Z", "+00:00")).timestamp()
                    latencies.setdefault(self.path, []).append(now - at)
                    if self.path == "/hook":
                        first_created.append(at)
    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Receiver)
server.daemon_threads = True

def finish(*_):
    with lock:
        def latency(path):
            ordered = sorted(latencies.get(path, []))
            def pct(p):
                return round(ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000, 1) if ordered else None
            return {"count": len(ordered), "p50": pct(0.5), "p99": pct(0.99), "max": pct(1.0)}
        hooks = sorted(arrivals.get("/hook", []))
        out = {
            "single_alerts_latency_ms": latency("/solo"),
            "burst_webhooks": len(hooks),
            "burst_latency_ms": latency("/hook"),
            "first_alert_to_last_webhook_s": round(hooks[-1] - min(first_created), 2) if hooks else None,
            "chat_messages": len(arrivals.get("/chat", [])),
        }
    with open(summary_path, "w") as f:
        json.dump(out, f)
    sys.exit(0)

signal.signal(signal.SIGTERM, finish)
open(ready, "w").close()
server.serve_forever()

# Captures exactly what prometheus_client sends for push/pushadd/delete, via a local HTTP server.
import http.server, threading, json, sys
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Summary, push_to_gateway, pushadd_to_gateway, delete_from_gateway
captured = []
class H(http.server.BaseHTTPRequestHandler):
    def _any(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n) if n else b''
        captured.append({'method': self.command, 'path': self.path, 'content_type': self.headers.get('Content-Type'), 'body': body.decode()})
        self.send_response(200); self.end_headers()
    do_PUT = do_POST = do_DELETE = _any
    def log_message(self, *a): pass
srv = http.server.HTTPServer(('127.0.0.1', 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
url = '127.0.0.1:%d' % srv.server_port
reg = CollectorRegistry()
c = Counter('jobs_processed', 'Jobs processed.', ['queue'], registry=reg)
c.labels('mail').inc(3); c.labels('sms').inc()
g = Gauge('last_success_unixtime', 'Last success.', registry=reg); g.set(1700000000.5)
h = Histogram('job_duration_seconds', 'Job duration.', buckets=[0.1, 0.5, 1], registry=reg)
for v in (0.05, 0.3, 0.7, 2): h.observe(v)
s = Summary('payload_bytes', 'Payload size.', registry=reg)
s.observe(100); s.observe(300)
push_to_gateway(url, job='batch', registry=reg, grouping_key={'instance': 'host/1', 'empty': ''})
pushadd_to_gateway(url, job='batch', registry=reg)
delete_from_gateway(url, job='batch', grouping_key={'instance': 'host/1'})
srv.shutdown()
json.dump(captured, sys.stdout, indent=1)

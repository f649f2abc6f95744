"""Local servers the transport tests talk to: an HTTP server on loopback that answers like an SMS
gateway or a WeChat Work robot (recording each request), in a thread of the test."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorder:
    def __init__(self, answer):
        self.requests: list[dict] = []
        self.answer = answer  # fn(recorder, headers, body) -> (status, dict)
        self.lock = threading.Lock()
        self.state: dict = {}


def start_http(answer) -> tuple[ThreadingHTTPServer, Recorder, str]:
    recorder = Recorder(answer)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            body = json.loads(raw.decode())
            with recorder.lock:
                recorder.requests.append({"headers": dict(self.headers), "body": body, "raw": raw})
                status, data = recorder.answer(recorder, self.headers, body)
            out = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, recorder, f"http://127.0.0.1:{server.server_port}/send"


def sms_gateway(recorder, headers, body):
    """Like a provider's API: a repeated request_id is answered with the first message's id and
    not delivered again (`state["delivered"]` holds what reached a phone)."""
    delivered = recorder.state.setdefault("delivered", {})
    fail = recorder.state.get("fail_next", 0)
    if fail:
        recorder.state["fail_next"] = fail - 1
        return 503, {"code": 503, "message": "busy"}
    key = body["request_id"]
    if key not in delivered:
        delivered[key] = {"id": f"SM{len(delivered) + 1:06d}", "phone": body["phone"], "content": body["content"]}
    return 200, {"code": 0, "message_id": delivered[key]["id"]}

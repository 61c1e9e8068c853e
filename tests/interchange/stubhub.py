"""A stand-in hub for tests of the sending side: a real HTTP server on 127.0.0.1 that
records each POST (headers and multipart fields) and answers as the test says."""

import email.parser
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    fields: dict = field(default_factory=dict)  # name -> bytes
    filename: str = ""


class StubHub:
    def __init__(self):
        self.received: list[Received] = []
        self.answers: list[tuple[int, dict]] = []  # consumed in order; the last repeats
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                message = email.parser.BytesParser().parsebytes(
                    b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + body
                )
                got = Received(self.path, dict(self.headers))
                for part in message.get_payload():
                    name = part.get_param("name", header="content-disposition")
                    got.fields[name] = part.get_payload(decode=True)
                    if part.get_filename():
                        got.filename = part.get_filename()
                stub.received.append(got)
                status, answer = stub.answers.pop(0) if len(stub.answers) > 1 else stub.answers[0]
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, *answers: tuple[int, dict]) -> None:
        self.answers = list(answers)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

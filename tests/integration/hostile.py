"""A hostile ECI endpoint for tests: answers that are truncated, mistyped or
huge, and exec WebSockets that send what no container should. Loopback
only; signatures are not checked (this peer is about bad answers)."""
import asyncio
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import websockets  # Debian's python3-websockets

MB = 1 << 20

# What each exec session sends on channel 1 (stdout), by name.
ESC = b"\x1b"


def evil_bytes():
    return b"".join([
        ESC + b"]0;" + b"T" * MB + b"\x07",                        # a 1 MB title
        ESC + b"]2;ti\x01t\x7fle\x07",                           # controls in a title
        ESC + b"[99999999;99999999H" + ESC + b"[-5;-7H",            # huge and negative
        ESC + b"[4294967295A" + ESC + b"[99999999999999999999m",
        ESC + b"[?99999h" + ESC + b"[9999999S" + ESC + b"[99999999@",
        b"\xff\xfe\xc3\x28\xe2\x82\xf0\x28\x8c\x28\xed\xa0\x80",    # invalid UTF-8
        b"\r\ne" + b"\xcc\x81" * 100000 + b"\r\n",                  # 100,000 combining
        b"\x1b[H\x1b[2Jsurvived-the-bytes\r\n",
    ])


class Hostile:
    def __init__(self):
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        self.ws_port = None
        self.sessions = []   # names of exec sessions opened, in order
        self.typed = []      # what came back on channel 0

        async def handler(ws, path):
            name = urllib.parse.parse_qs(urllib.parse.urlparse(path).query).get("s", ["?"])[0]
            self.sessions.append(name)
            try:
                if name == "big":
                    await ws.send(b"\x01" + b"x" * (17 * MB))
                elif name == "evil":
                    await ws.send(b"\x01" + evil_bytes())
                elif name == "frames":
                    # Framing no client has confirmed for ECI: a text
                    # message, unknown channels, garbage on the status
                    # channel, an empty message; then plain stdout.
                    await ws.send("TEXT-FRAME-NOT-OUTPUT")
                    await ws.send(b"\x07CHANNEL-SEVEN")
                    await ws.send(b"\xffCHANNEL-255")
                    await ws.send(b"")
                    await ws.send(b"\x03{not json")
                    await ws.send(b"\x01frames-ok\r\n")
                async for m in ws:
                    if isinstance(m, bytes) and m[:1] == b"\x00":
                        self.typed.append(m[1:])
                        await ws.send(b"\x01" + m[1:])  # echo, as a terminal would
            except websockets.ConnectionClosed:
                pass  # fleetmux closing on us is what some tests want

        async def serve():
            self.done = asyncio.Event()
            server = await websockets.serve(handler, "127.0.0.1", 0, max_size=None)
            self.ws_port = server.sockets[0].getsockname()[1]
            started.set()
            await self.done.wait()
            server.close()
            await server.wait_closed()

        self.thread = threading.Thread(target=lambda: self.loop.run_until_complete(serve()),
                                       daemon=True)
        self.thread.start()
        started.wait(10)

        outer = self

        class Api(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                self.answer(urllib.parse.urlparse(self.path).query)

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n).decode() if n else ""
                self.answer(urllib.parse.urlparse(self.path).query + "&" + body)

            def answer(self, query):
                q = {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}
                action = self.headers.get("x-acs-action") or q.get("Action", "")
                region = q.get("RegionId", "")
                body = outer.api(action, region, q)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Api)
        self.endpoint = "http://127.0.0.1:%d" % self.http.server_address[1]
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def api(self, action, region, q):
        if action == "DescribeRegions":
            regions = ["ok", "trunc", "types", "huge"]
            return json.dumps({"RequestId": "r", "Regions": [{"RegionId": r} for r in regions]}).encode()
        if action == "DescribeContainerGroups":
            if region == "trunc":
                return b'{"RequestId":"r","ContainerGroups":[{"ContainerGroupId":"eci-'
            if region == "types":
                return json.dumps({"ContainerGroups": [
                    {"ContainerGroupId": "eci-typed", "ContainerGroupName": 7, "Status": ["x"],
                     "Containers": "none", "Tags": 5},
                    {"ContainerGroupId": 12}, "string", None],
                    "TotalCount": "many", "NextToken": 9}).encode()
            if region == "huge":
                return b'{"ContainerGroups": [' + b" " * (10 * MB) + b"oops"
            groups = [{"ContainerGroupId": "eci-%s" % n, "ContainerGroupName": n, "RegionId": "ok",
                       "ZoneId": "ok-a", "Status": "Running",
                       "Containers": [{"Name": n, "Image": "x", "CurrentState": {"State": "Running"}}]}
                      for n in ("evil", "big", "frames")]
            return json.dumps({"RequestId": "r", "ContainerGroups": groups, "TotalCount": 3}).encode()
        if action == "ExecContainerCommand":
            name = q.get("ContainerName", "?")
            return json.dumps({"RequestId": "r", "WebSocketUri":
                               "ws://127.0.0.1:%d/exec/?s=%s" % (self.ws_port, name)}).encode()
        return json.dumps({"Code": "InvalidAction.NotFound", "Message": "no %s" % action}).encode()

    def stop(self):
        self.http.shutdown()
        self.http.server_close()
        self.loop.call_soon_threadsafe(self.done.set)
        self.thread.join(10)

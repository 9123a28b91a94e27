"""Local stand-ins for the 企业微信 and 钉钉 group robots that check what their documentation says.

企业微信 (developer.work.weixin.qq.com/document/path/91770): POST /cgi-bin/webhook/send?key=KEY,
JSON; msgtype text (content ≤ 2048 bytes UTF-8, mentioned_mobile_list of mobiles) or markdown
(content ≤ 4096 bytes); 20 messages a minute; answers {"errcode": 0, "errmsg": "ok"} or an error
code (40008 invalid message type, 93000 invalid webhook key, 45009 too many, 40058 bad content).
钉钉 (open.dingtalk.com/document/robots/custom-robot-access): POST /robot/send?access_token=T
&timestamp=MS&sign=S, S = urlencode(base64(HMAC-SHA256(secret, f"{MS}\\n{secret}"))), timestamp
within an hour; msgtype text with text.content and at.atMobiles; errcode 310000 on a bad sign.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WECOM_KEY, DING_TOKEN, DING_SECRET = "693a91f6-7xxx", "ding-token-1", "SEC0123456789abcdef"
MOBILE = re.compile(r"1[3-9]\d{9}")


class ChatServer:
    def __init__(self):
        self.received: list[dict] = []  # accepted messages
        self.rejected: list[int] = []  # errcodes given
        self.refuse_all = 0  # an errcode to give every message (a robot that rejects)
        self.times: list[float] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server name
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                url = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(url.query)
                code = server.judge(url.path, query, self.headers, raw)
                if code:
                    server.rejected.append(code)
                answer = {"errcode": code, "errmsg": "ok" if code == 0 else "rejected"}
                body = json.dumps(answer).encode()
                self.send_response(200)  # both robots answer 200 and put the error in errcode
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def wecom_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key={WECOM_KEY}"

    @property
    def dingtalk_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/robot/send?access_token={DING_TOKEN}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def judge(self, path, query, headers, raw) -> int:
        if not headers.get("Content-Type", "").startswith("application/json"):
            return 40008
        try:
            payload = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return 40008
        if self.refuse_all:
            return self.refuse_all
        if path == "/cgi-bin/webhook/send":
            code = self._wecom(query, payload)
        elif path == "/robot/send":
            code = self._dingtalk(query, payload)
        else:
            code = 404
        if code == 0:
            self.received.append(payload)
        return code

    def _too_fast(self) -> bool:
        now = time.monotonic()
        self.times = [t for t in self.times if now - t < 60] + [now]
        return len(self.times) > 20

    def _wecom(self, query, payload) -> int:
        if query.get("key") != [WECOM_KEY]:
            return 93000
        kind = payload.get("msgtype")
        if kind not in ("text", "markdown") or not isinstance(payload.get(kind), dict):
            return 40008
        content = payload[kind].get("content")
        limit = 2048 if kind == "text" else 4096
        if not isinstance(content, str) or not content or len(content.encode()) > limit:
            return 40058
        mobiles = payload[kind].get("mentioned_mobile_list", [])
        if not isinstance(mobiles, list) or not all(
            m == "@all" or MOBILE.fullmatch(str(m)) for m in mobiles
        ):
            return 40058
        return 45009 if self._too_fast() else 0

    def _dingtalk(self, query, payload) -> int:
        if query.get("access_token") != [DING_TOKEN]:
            return 300001
        stamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
        if not stamp.isdigit() or abs(time.time() * 1000 - int(stamp)) > 3600_000:
            return 310000
        digest = hmac.new(
            DING_SECRET.encode(), f"{stamp}\n{DING_SECRET}".encode(), hashlib.sha256
        ).digest()
        if sign != base64.b64encode(digest).decode():  # parse_qs has URL-decoded it
            return 310000
        if payload.get("msgtype") != "text":
            return 40008
        content = (payload.get("text") or {}).get("content")
        if not isinstance(content, str) or not content or len(content.encode()) > 20000:
            return 40035
        at = payload.get("at", {})
        mobiles = at.get("atMobiles", [])
        if not isinstance(mobiles, list) or not all(MOBILE.fullmatch(str(m)) for m in mobiles):
            return 40035
        return 130101 if self._too_fast() else 0

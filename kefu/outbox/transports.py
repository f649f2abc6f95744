"""How a message leaves: one transport per channel, chosen in settings (`OUTBOX_TRANSPORTS`).

`OUTBOX_TRANSPORTS = {channel: {"BACKEND": dotted path, "OPTIONS": {...}, "RATE": [count, seconds]}}`.
A transport gets plain `Outgoing` values and answers one `Delivery` per message. It raises
nothing for a message it could not send: a `Delivery(ok=False)` says whether trying again may
help (`permanent=False`: a timeout, a busy gateway) or not (a refused address). `idempotent`
says whether the receiver recognises a message sent twice by its key: only such a transport
gets a message again after a worker died while sending it (see `sending.outbox_reap`).

Nothing here opens a connection at import.
"""

import contextlib
import hashlib
import hmac
import json
import secrets
import smtplib
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Outgoing:
    id: int
    channel: str
    address: str
    subject: str
    body: str
    key: str  # the row's idempotency key: the gateway's idempotency key, the e-mail's Message-ID
    purpose: str = ""


@dataclass(frozen=True)
class Delivery:
    ok: bool
    message_id: str = ""
    answer: str = ""
    permanent: bool = False


class Transport:
    idempotent = False

    def __init__(self, channel: str, **options):
        self.channel = channel
        self.options = options

    def seconds_per_message(self) -> float:
        """The longest one message may take (its network timeout); 0 for a local transport."""
        return float(self.options.get("TIMEOUT", 0))

    def send(self, message: Outgoing) -> Delivery:
        raise NotImplementedError

    def send_many(self, messages: list[Outgoing]) -> list[Delivery]:
        deliveries = []
        for message in messages:
            try:
                deliveries.append(self.send(message))
            except Exception as exc:
                deliveries.append(Delivery(ok=False, answer=f"{type(exc).__name__}: {exc}"[:1000]))
        return deliveries


def transport_config(channel: str) -> dict:
    return getattr(settings, "OUTBOX_TRANSPORTS", {}).get(channel) or {
        "BACKEND": "kefu.outbox.transports.FileTransport"
    }


def get_transport(channel: str) -> Transport:
    config = transport_config(channel)
    return import_string(config["BACKEND"])(channel, **config.get("OPTIONS", {}))


def transport_rate(channel: str) -> tuple[int, int] | None:
    """(messages, per seconds) for the channel's transport, or None for no limit."""
    rate = transport_config(channel).get("RATE")
    return (int(rate[0]), int(rate[1])) if rate else None


class FileTransport(Transport):
    """The embedded default: each message one JSON line in `<DIRECTORY>/<channel>-<YYYY-MM-DD>.jsonl`
    (default KEFU_VAR_DIR/outbox), written and flushed to disk per batch. Not idempotent: a
    message interrupted while being written is not written again by the reaper."""

    def _path(self) -> Path:
        directory = Path(self.options.get("DIRECTORY") or Path(settings.VAR_DIR) / "outbox")
        directory.mkdir(parents=True, exist_ok=True)
        return directory / f"{self.channel}-{timezone.localdate().isoformat()}.jsonl"

    def send(self, message: Outgoing) -> Delivery:
        return self.send_many([message])[0]

    def send_many(self, messages: list[Outgoing]) -> list[Delivery]:
        path = self._path()
        at = timezone.now().isoformat()
        lines = "".join(
            json.dumps({"id": m.id, "key": m.key, "channel": m.channel, "to": m.address, "subject": m.subject,
                        "body": m.body, "purpose": m.purpose, "at": at}, ensure_ascii=False) + "\n"
            for m in messages
        )  # fmt: skip
        with path.open("a", encoding="utf-8") as handle:
            handle.write(lines)
            handle.flush()
        answer = f"written to {path.name}"
        return [Delivery(ok=True, answer=answer) for _ in messages]


def message_id_for(key: str) -> str:
    """The same Message-ID for every attempt of one message, so that a mail sent again after a
    crash is recognised as the same by the receiving mail system."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}@{DNS_NAME}>"


class SmtpTransport(Transport):
    """E-mail through Django's SMTP backend with the settings' EMAIL_HOST (OPTIONS may override
    HOST, PORT, USERNAME, PASSWORD, USE_TLS, USE_SSL, TIMEOUT, FROM). One connection per batch."""

    idempotent = True  # the Message-ID is derived from the row's key

    def seconds_per_message(self) -> float:
        return float(self.options.get("TIMEOUT", settings.EMAIL_TIMEOUT))

    def _connection(self):
        o = self.options
        return get_connection(
            "django.core.mail.backends.smtp.EmailBackend",
            host=o.get("HOST", settings.EMAIL_HOST),
            port=o.get("PORT", settings.EMAIL_PORT),
            username=o.get("USERNAME", settings.EMAIL_HOST_USER),
            password=o.get("PASSWORD", settings.EMAIL_HOST_PASSWORD),
            use_tls=o.get("USE_TLS", settings.EMAIL_USE_TLS),
            use_ssl=o.get("USE_SSL", settings.EMAIL_USE_SSL),
            timeout=o.get("TIMEOUT", settings.EMAIL_TIMEOUT),
            fail_silently=False,
        )

    def send(self, message: Outgoing) -> Delivery:
        return self.send_many([message])[0]

    def send_many(self, messages: list[Outgoing]) -> list[Delivery]:
        connection = self._connection()
        try:
            connection.open()
        except (OSError, smtplib.SMTPException) as exc:
            return [Delivery(ok=False, answer=f"SMTP connection: {exc}"[:1000]) for _ in messages]
        sender = self.options.get("FROM", settings.DEFAULT_FROM_EMAIL)
        deliveries = []
        try:
            for message in messages:
                message_id = message_id_for(message.key)
                mail = EmailMessage(
                    subject=message.subject, body=message.body, from_email=sender, to=[message.address],
                    headers={"Message-ID": message_id}, connection=connection,
                )  # fmt: skip
                try:
                    mail.send()
                except smtplib.SMTPRecipientsRefused as exc:
                    deliveries.append(Delivery(ok=False, answer=f"refused: {exc.recipients}"[:1000], permanent=True))
                except smtplib.SMTPResponseException as exc:
                    permanent = 500 <= exc.smtp_code < 600
                    deliveries.append(Delivery(ok=False, answer=f"{exc.smtp_code} {exc.smtp_error!r}"[:1000],
                                               permanent=permanent))  # fmt: skip
                except (OSError, smtplib.SMTPException) as exc:
                    deliveries.append(Delivery(ok=False, answer=f"SMTP: {exc}"[:1000]))
                else:
                    deliveries.append(Delivery(ok=True, message_id=message_id, answer="250 accepted"))
        finally:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                connection.close()
        return deliveries


def _post_json(url: str, payload: dict, headers: dict, timeout: float) -> tuple[int, dict | None, str]:
    """POST JSON; (HTTP status, decoded JSON or None, raw text). Network errors raise OSError."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", **headers}
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read().decode("utf-8", "replace")
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        data = None
    return status, data if isinstance(data, dict) else None, raw[:1000]


def _http_failure(status: int, raw: str) -> Delivery:
    # 429 and 5xx: the gateway is busy or broken, worth another try; other 4xx: the request is wrong.
    permanent = 400 <= status < 500 and status != 429
    return Delivery(ok=False, answer=f"HTTP {status}: {raw}"[:1000], permanent=permanent)


class SmsGatewayTransport(Transport):
    """An SMS gateway of the common HTTP shape (app key + HMAC signature, JSON in and out).

    OPTIONS: URL, APP_KEY, SECRET, SIGN_NAME (the approved signature, e.g. 【某某供电】), TIMEOUT.
    Request: POST URL with JSON `{"app_key", "phone", "sign_name", "content", "request_id",
    "timestamp", "nonce"}` and headers `X-App-Key`, `X-Timestamp`, `X-Nonce`, `Idempotency-Key`
    (the row's key, also `request_id`) and `X-Signature`: hex HMAC-SHA256 of the body with SECRET.
    Answer: `{"code": 0, "message_id": "…"}`; another code is the gateway refusing the message.
    The gateway answers a repeated request_id with the first message's id and sends nothing."""

    idempotent = True

    def seconds_per_message(self) -> float:
        return float(self.options.get("TIMEOUT", 10))

    def send(self, message: Outgoing) -> Delivery:
        o = self.options
        timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
        payload = {
            "app_key": o.get("APP_KEY", ""), "phone": message.address, "sign_name": o.get("SIGN_NAME", ""),
            "content": message.body, "request_id": message.key, "timestamp": timestamp, "nonce": nonce,
        }  # fmt: skip
        signed = json.dumps(payload, ensure_ascii=False).encode()
        signature = hmac.new(str(o.get("SECRET", "")).encode(), signed, hashlib.sha256).hexdigest()
        headers = {"X-App-Key": o.get("APP_KEY", ""), "X-Timestamp": timestamp, "X-Nonce": nonce,
                   "Idempotency-Key": message.key, "X-Signature": signature}  # fmt: skip
        try:
            status, data, raw = _post_json(o["URL"], payload, headers, float(o.get("TIMEOUT", 10)))
        except OSError as exc:
            return Delivery(ok=False, answer=f"SMS gateway: {exc}"[:1000])
        if status != 200 or data is None:
            return _http_failure(status, raw)
        if data.get("code") in (0, "0", "OK"):
            return Delivery(ok=True, message_id=str(data.get("message_id", ""))[:200], answer=raw)
        return Delivery(ok=False, answer=raw, permanent=True)


class WecomRobotTransport(Transport):
    """A WeChat Work (企业微信) group robot: POST `{"msgtype": "text", "text": {"content": …}}` to
    the robot's webhook. OPTIONS: ROBOTS = {name: webhook URL} (a message's address names the
    robot; "default" if none), TIMEOUT. Answer `{"errcode": 0, "errmsg": "ok"}`; 45009 is the
    robot's own rate limit (tried again later). The webhook has no idempotency key."""

    def seconds_per_message(self) -> float:
        return float(self.options.get("TIMEOUT", 10))

    def send(self, message: Outgoing) -> Delivery:
        robots = self.options.get("ROBOTS", {})
        url = robots.get(message.address or "default")
        if not url:
            return Delivery(ok=False, answer=f"no robot named {message.address!r}", permanent=True)
        content = f"{message.subject}\n{message.body}" if message.subject else message.body
        try:
            status, data, raw = _post_json(
                url, {"msgtype": "text", "text": {"content": content}}, {}, float(self.options.get("TIMEOUT", 10))
            )
        except OSError as exc:
            return Delivery(ok=False, answer=f"robot: {exc}"[:1000])
        if status != 200 or data is None:
            return _http_failure(status, raw)
        code = data.get("errcode")
        if code == 0:
            return Delivery(ok=True, answer=raw)
        return Delivery(ok=False, answer=raw, permanent=code != 45009)

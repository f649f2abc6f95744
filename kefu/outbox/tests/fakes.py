"""Transports for the tests: they record what they were given and answer as told."""

import threading

from kefu.outbox.transports import Delivery, Transport

_lock = threading.Lock()
delivered: list = []  # (message id, key) of every message a RecordingTransport was handed


class RecordingTransport(Transport):
    idempotent = False

    def send(self, message):
        with _lock:
            delivered.append((message.id, message.key))
        return Delivery(ok=True, message_id=f"r-{message.id}", answer="ok")


class IdempotentRecordingTransport(RecordingTransport):
    idempotent = True


class FlakyTransport(Transport):
    """Fails every message: transiently, or for good with OPTIONS PERMANENT."""

    def send(self, message):
        return Delivery(ok=False, answer="gateway busy", permanent=bool(self.options.get("PERMANENT")))


class BrokenTransport(Transport):
    """Raises on every batch (a full disk, a bug)."""

    idempotent = False

    def send_many(self, messages):
        raise OSError("No space left on device")


class BrokenIdempotentTransport(BrokenTransport):
    idempotent = True

"""What the crash test's clients saw, and the rules it must obey after any number of kills.

Bodies are numbered 0..N-1. A send is *acknowledged* when the client got a 200 with a MessageId;
an attempt is *lost* when the client got no answer (connection refused or reset, timeout): it may
or may not have been stored. A message is one MessageId; a delivery is one receive of it.

The rules (verify()):
  1. Every acknowledged MessageId is received at least once.
  2. A body has more than one MessageId only if its send lost an answer, and at most one extra
     MessageId per lost attempt. These extra copies are the duplicates the report counts.
  3. A delivery that was not deleted (left in flight on purpose, or its delete was refused) comes
     back, and no delivery comes back before the visibility timeout of the one before it.
  4. After a delete is acknowledged, no receive that started later returns that MessageId.
  5. Every received body is a body this test sent, intact.
The final empty-queue checks (counts and receives after the last restart) are in crash_recovery.

Threads: every record_* method may be called from any thread (one lock); verify() after the
workers have stopped.
"""
import threading
from dataclasses import dataclass, field

SLACK_SECONDS = 0.05  # clock granularity between the server's `now` and ours

# The rules, as the report names them.
RECEIVED = "1 acknowledged sends are received"
DUPLICATES = "2 duplicates only for lost answers"
COME_BACK = "3 in-flight messages come back"
NOT_EARLY = "3 not before their visibility timeout"
DELETED = "4 deleted messages never come back"
INTACT = "5 bodies intact"


def body_of(n):
    """Numbered body with a length that varies with n, so a torn or mixed-up body shows."""
    return f"crash-{n:08d}-" + ("0123456789abcdef" * 20)[: (n * 7) % 300]


def number_of(body):
    """The body's number, or None if it is not exactly what body_of() makes."""
    parts = body.split("-")
    if len(parts) != 3 or parts[0] != "crash" or not parts[1].isdigit():
        return None
    n = int(parts[1])
    return n if body == body_of(n) else None


@dataclass
class Send:
    acked_id: str = None
    lost: int = 0
    rejected: int = 0


@dataclass
class Delivery:
    t_start: float
    t_end: float
    outcome: str = "held"  # held, abandoned, deleted, delete-lost, delete-rejected
    settled_at: float = None  # when the delete was acknowledged
    incarnation: int = 0  # of the daemon that served the receive (if it did not change meanwhile)


@dataclass
class Message:
    n: int
    deliveries: list = field(default_factory=list)


class Ledger:
    def __init__(self, count, visibility):
        self.count = count
        self.visibility = visibility
        self.lock = threading.Lock()
        self.sends = [Send() for _ in range(count)]
        self.messages = {}
        self.violations = {}  # rule broken -> what was seen
        self.stats = {"send_requests": 0, "receive_requests": 0, "receive_errors": 0,
                      "delete_requests": 0}

    def bump(self, name, by=1):
        with self.lock:
            self.stats[name] = self.stats.get(name, 0) + by

    def violation(self, rule, text):
        with self.lock:
            self._add(rule, text)

    def _add(self, rule, text):
        self.violations.setdefault(rule, []).append(text)

    def record_send_acked(self, n, message_id):
        with self.lock:
            send = self.sends[n]
            if send.acked_id is not None:
                self._add(INTACT, f"body {n} acknowledged twice")
            send.acked_id = message_id

    def record_send_lost(self, n):
        with self.lock:
            self.sends[n].lost += 1

    def record_send_rejected(self, n):
        with self.lock:
            self.sends[n].rejected += 1

    def record_delivery(self, message_id, body, t_start, t_end, incarnation):
        """Returns the Delivery to settle later, or None if the body is not one of ours."""
        n = number_of(body)
        if n is None or n >= self.count:
            self.violation(INTACT, f"MessageId {message_id} has a body this test never sent: "
                                   f"{body[:60]!r}")
            return None
        with self.lock:
            message = self.messages.setdefault(message_id, Message(n))
            if message.n != n:
                self._add(INTACT, f"MessageId {message_id} came back with body {n}, "
                                       f"first seen with body {message.n}")
            delivery = Delivery(t_start, t_end, incarnation=incarnation)
            message.deliveries.append(delivery)
            return delivery

    def settle(self, delivery, outcome, at=None):
        with self.lock:
            delivery.outcome = outcome
            delivery.settled_at = at

    def acked_count(self):
        with self.lock:
            return sum(1 for s in self.sends if s.acked_id is not None)

    def verify(self):
        """Applies rules 1-4 (rule 5 is checked as deliveries arrive). Returns the figures."""
        duplicates = 0
        extra_by_body = {}
        for message_id, message in self.messages.items():
            if self.sends[message.n].acked_id != message_id:
                extra_by_body[message.n] = extra_by_body.get(message.n, 0) + 1
        for n, send in enumerate(self.sends):
            if send.acked_id is None:
                self._add(RECEIVED, f"body {n} was never acknowledged (the producer gave up?)")
            elif send.acked_id not in self.messages:
                self._add(RECEIVED, f"body {n}: acknowledged MessageId {send.acked_id} was never "
                                    f"received")
            extra = extra_by_body.get(n, 0)
            duplicates += extra
            if extra > send.lost:
                self._add(DUPLICATES, f"body {n} was stored {extra} extra time(s) but only "
                                      f"{send.lost} of its sends lost their answer "
                                      f"({send.rejected} were refused)")
        deliveries = 0
        abandoned = 0
        across_kill = 0
        for message_id, message in self.messages.items():
            ds = sorted(message.deliveries, key=lambda d: d.t_start)
            deliveries += len(ds)
            for i, d in enumerate(ds):
                later = ds[i + 1:]
                if d.outcome == "abandoned":
                    abandoned += 1
                    if later and later[0].incarnation > d.incarnation:
                        across_kill += 1
                if d.outcome in ("held", "abandoned", "delete-rejected") and not later:
                    self._add(COME_BACK, f"{message_id} (body {message.n}) was left in flight "
                                         f"({d.outcome}) at {d.t_start:.3f} and never came back")
                if later and later[0].t_end < d.t_start + self.visibility - SLACK_SECONDS:
                    self._add(
                        NOT_EARLY,
                        f"{message_id} (body {message.n}) came back "
                        f"{later[0].t_end - d.t_start:.3f} s after a receive with a "
                        f"{self.visibility} s visibility timeout")
                if d.outcome == "deleted":
                    for e in later:
                        if e.t_start > d.settled_at:
                            self._add(
                                DELETED,
                                f"{message_id} (body {message.n}) was received at "
                                f"{e.t_start:.3f} after its delete was acknowledged at "
                                f"{d.settled_at:.3f}")
        return {
            "acked": sum(1 for s in self.sends if s.acked_id is not None),
            "lost_send_attempts": sum(s.lost for s in self.sends),
            "refused_send_attempts": sum(s.rejected for s in self.sends),
            "messages_received": len(self.messages),
            "duplicates": duplicates,
            "deliveries": deliveries,
            "redeliveries": deliveries - len(self.messages),
            "left_in_flight": abandoned,
            "in_flight_across_kill": across_kill,
        }

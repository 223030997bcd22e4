"""Load generator: realistic signed webhooks replayed on loopback, bounded in count and time.

A *plan* is a deterministic list of deliveries for a seed: conversations of 1–5 messages
interleaved as they are in real traffic, over several platforms (generic JSON, Messenger and
WhatsApp through Meta, Telegram, Twilio SMS), each signed exactly as that platform signs, in
French, English and Spanish (texts from the demo replay, plus a few Spanish ones). A *schedule*
spaces them at a fixed rate with bursts (groups sent at once, same mean rate). ``drive`` sends a
plan on loopback only and records when each request left and how it was answered.

    python -m bench.loadgen --url http://127.0.0.1:8001 --count 1000 --rate 100
"""

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import random
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
SEQ_HEADER = "x-bench-seq"  # ignored by ingest; lets a baseline match a request to its result
TWILIO_URL = "https://agora.example.org/webhooks/twilio/bench-sms"  # bench/agora.bench.yaml
META_PAGE_ID = "104857600000001"
WHATSAPP_ACCOUNT = "110000000000001"
TELEGRAM_BOT_ID = 7000000001


@dataclass(frozen=True)
class Secrets:
    """The connections' secrets; ``env`` is what the stack's services read them from."""

    generic: str = "bench-generic-secret"
    meta: str = "bench-meta-app-secret"
    meta_verify: str = "bench-meta-verify"
    telegram: str = "bench-telegram-secret"
    twilio: str = "bench-twilio-token"

    def env(self) -> dict[str, str]:
        """Platform secrets by variable name (the generic one is the stack's webhook secret)."""
        return {
            "AGORA_BENCH_META_SECRET": self.meta,
            "AGORA_BENCH_META_VERIFY": self.meta_verify,
            "AGORA_BENCH_TELEGRAM_SECRET": self.telegram,
            "AGORA_BENCH_TWILIO_TOKEN": self.twilio,
        }


@dataclass(frozen=True)
class Sample:
    text: str
    lang: str


# Written for the benchmark (no real people or messages); the demo replay has no Spanish.
SPANISH = (
    "Hola, la farola de la calle Mayor 14 lleva tres noches apagada y la acera está a oscuras.",
    "Buenos días, ¿a qué hora abre el punto limpio del barrio este sábado?",
    "El autobús 27 no ha pasado en cuarenta minutos, ¿hay alguna incidencia en la línea?",
    "Hay un bache enorme delante del colegio, un niño se ha caído con la bici esta mañana.",
    "Los contenedores de la plaza llevan cuatro días sin vaciarse y huele fatal.",
    "¿Cómo puedo pedir cita para renovar el permiso de aparcamiento de residente?",
    "Gracias al equipo de limpieza, la calle quedó impecable después del mercado.",
    "Hay una fuga de agua en la acera frente al número 8, sale mucha agua desde anoche.",
    "¿Dónde se pueden dejar los muebles viejos? Me mudo la semana que viene.",
    "El semáforo del cruce con la avenida está averiado y los coches no paran.",
)


def samples() -> dict[str, list[Sample]]:
    """Texts by language: the demo replay's French and English, and the Spanish above."""
    data = resources.files("shared.runner").joinpath("data/demo_interactions.jsonl").read_text()
    by_lang: dict[str, list[Sample]] = {"es": [Sample(t, "es") for t in SPANISH]}
    for line in data.splitlines():
        row = json.loads(line)
        if "seq" in row:
            by_lang.setdefault(row["lang"], []).append(Sample(row["text"], row["lang"]))
    return by_lang


@dataclass(frozen=True)
class Mix:
    """Shares of platforms, languages and conversation lengths; bursts and interleaving."""

    channels: dict[str, float] = field(
        default_factory=lambda: {
            "generic": 0.25,
            "messenger": 0.15,
            "whatsapp": 0.2,
            "telegram": 0.2,
            "twilio": 0.2,
        }
    )
    languages: dict[str, float] = field(default_factory=lambda: {"fr": 0.5, "en": 0.35, "es": 0.15})
    lengths: dict[int, float] = field(
        default_factory=lambda: {1: 0.4, 2: 0.25, 3: 0.15, 4: 0.1, 5: 0.1}
    )
    open_conversations: int = 64  # conversations in progress at once, their messages interleaved
    burst_every: int = 400  # every so many messages, ...
    burst_size: int = 50  # ... this many leave at once


@dataclass(frozen=True)
class Delivery:
    """One signed webhook request, and what ingest will make of it."""

    seq: int
    channel: str
    conversation_id: str  # as ingest derives it for this platform
    message_id: str  # the platform's message id
    position: int  # 0 for a conversation's first message
    lang: str
    path: str
    headers: dict[str, str]
    body: bytes


def _pick(rng: random.Random, weights: dict[str, float] | dict[int, float]) -> object:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]  # type: ignore[index]


@dataclass
class _Conversation:
    number: int
    channel: str
    lang: str
    length: int
    sent: int = 0


def plan(
    count: int,
    *,
    seed: int = 7,
    run: str = "r",
    mix: Mix | None = None,
    secrets: Secrets | None = None,
) -> list[Delivery]:
    """``count`` deliveries, the same for the same arguments. ``run`` keeps ids unique across
    runs on one database."""
    mix, secrets = mix or Mix(), secrets or Secrets()
    rng = random.Random(f"{seed}:{run}")
    texts = samples()
    open_: list[_Conversation] = []
    started = 0
    out: list[Delivery] = []
    while len(out) < count:
        if len(open_) < mix.open_conversations:
            open_.append(
                _Conversation(
                    started,
                    str(_pick(rng, mix.channels)),
                    str(_pick(rng, mix.languages)),
                    int(_pick(rng, mix.lengths)),  # type: ignore[call-overload]
                )
            )
            started += 1
            continue
        conv = rng.choice(open_)
        sample = rng.choice(texts[conv.lang])
        out.append(_encode(len(out), conv, sample, run=run, secrets=secrets))
        conv.sent += 1
        if conv.sent >= conv.length:
            open_.remove(conv)
    return out


def schedule(count: int, rate: float, mix: Mix | None = None) -> list[float]:
    """Send offsets (seconds) at a mean ``rate``; burst groups share their first offset."""
    mix = mix or Mix()
    offsets = [i / rate for i in range(count)]
    for i in range(count):
        group = i % mix.burst_every
        if group < mix.burst_size:
            offsets[i] = (i - group) / rate
    return offsets


# -- platform formats ---------------------------------------------------------------------------
def _hmac256(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _json(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _encode(
    seq: int, conv: _Conversation, sample: Sample, *, run: str, secrets: Secrets
) -> Delivery:
    encoders: dict[str, Callable[..., tuple[str, str, str, dict[str, str], bytes]]] = {
        "generic": _generic,
        "messenger": _messenger,
        "whatsapp": _whatsapp,
        "telegram": _telegram,
        "twilio": _twilio,
    }
    now = int(time.time())
    conversation, message, path, headers, body = encoders[conv.channel](
        run, conv, sample, now, secrets
    )
    return Delivery(
        seq=seq,
        channel=conv.channel,
        conversation_id=conversation,
        message_id=message,
        position=conv.sent,
        lang=sample.lang,
        path=path,
        headers={**headers, SEQ_HEADER: str(seq)},
        body=body,
    )


def _generic(
    run: str, conv: _Conversation, sample: Sample, now: int, secrets: Secrets
) -> tuple[str, str, str, dict[str, str], bytes]:
    conversation, message = f"{run}-g{conv.number}", f"{run}-g{conv.number}-{conv.sent}"
    body = _json(
        {
            "message_id": message,
            "conversation_id": conversation,
            "kind": "direct_message",
            "text": sample.text,
            "language": sample.lang,
            "author": {"id": f"citizen-{conv.number}", "handle": "@citizen", "name": "A. C."},
        }
    )
    headers = {
        "content-type": "application/json",
        "x-agora-signature-256": _hmac256(secrets.generic, body),
    }
    return conversation, message, "/webhooks/generic/bench-generic", headers, body


def _psid(run: str, conv: _Conversation) -> str:
    return str(
        7_000_000_000_000_000
        + int(hashlib.sha256(run.encode()).hexdigest()[:8], 16) * 1_000_000
        + conv.number
    )


def _messenger(
    run: str, conv: _Conversation, sample: Sample, now: int, secrets: Secrets
) -> tuple[str, str, str, dict[str, str], bytes]:
    sender = _psid(run, conv)
    mid = f"m_{run}-{conv.number}-{conv.sent}"
    body = _json(
        {
            "object": "page",
            "entry": [
                {
                    "id": META_PAGE_ID,
                    "time": now * 1000,
                    "messaging": [
                        {
                            "sender": {"id": sender},
                            "recipient": {"id": META_PAGE_ID},
                            "timestamp": now * 1000,
                            "message": {"mid": mid, "text": sample.text},
                        }
                    ],
                }
            ],
        }
    )
    headers = {
        "content-type": "application/json",
        "x-hub-signature-256": _hmac256(secrets.meta, body),
    }
    return sender, mid, "/webhooks/meta/bench-meta", headers, body


def _whatsapp(
    run: str, conv: _Conversation, sample: Sample, now: int, secrets: Secrets
) -> tuple[str, str, str, dict[str, str], bytes]:
    wa_id = f"336{int(_psid(run, conv)) % 10**8:08d}"
    mid = f"wamid.{run}-{conv.number}-{conv.sent}"
    body = _json(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": WHATSAPP_ACCOUNT,
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "33180000000",
                                    "phone_number_id": "106540000000001",
                                },
                                "contacts": [{"profile": {"name": "A. C."}, "wa_id": wa_id}],
                                "messages": [
                                    {
                                        "from": wa_id,
                                        "id": mid,
                                        "timestamp": str(now),
                                        "type": "text",
                                        "text": {"body": sample.text},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    )
    headers = {
        "content-type": "application/json",
        "x-hub-signature-256": _hmac256(secrets.meta, body),
    }
    return wa_id, mid, "/webhooks/meta/bench-meta", headers, body


def _telegram(
    run: str, conv: _Conversation, sample: Sample, now: int, secrets: Secrets
) -> tuple[str, str, str, dict[str, str], bytes]:
    chat = int(_psid(run, conv)) % 10**12
    message_id = conv.sent + 1
    user = {"id": chat, "is_bot": False, "first_name": "Camille", "language_code": sample.lang}
    body = _json(
        {
            "update_id": chat * 10 + conv.sent,
            "message": {
                "message_id": message_id,
                "from": user,
                "chat": {"id": chat, "first_name": "Camille", "type": "private"},
                "date": now,
                "text": sample.text,
            },
        }
    )
    headers = {
        "content-type": "application/json",
        "x-telegram-bot-api-secret-token": secrets.telegram,
    }
    return str(chat), f"{chat}:{message_id}", "/webhooks/telegram/bench-telegram", headers, body


def _twilio(
    run: str, conv: _Conversation, sample: Sample, now: int, secrets: Secrets
) -> tuple[str, str, str, dict[str, str], bytes]:
    sender = f"+336{int(_psid(run, conv)) % 10**8:08d}"
    sid = "SM" + hashlib.sha256(f"{run}:{conv.number}:{conv.sent}".encode()).hexdigest()[:32]
    params = {
        "ToCountry": "FR",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": sample.text,
        "FromCountry": "FR",
        "To": "+33757000000",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": "AC0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "From": sender,
        "ApiVersion": "2010-04-01",
    }
    signed = TWILIO_URL + "".join(k + params[k] for k in sorted(params))
    signature = base64.b64encode(
        hmac.new(secrets.twilio.encode(), signed.encode(), hashlib.sha1).digest()
    ).decode()
    headers = {"content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature}
    body = urllib.parse.urlencode(params).encode()
    return sender, sid, "/webhooks/twilio/bench-sms", headers, body


# -- sending ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sent:
    """When one request left (wall clock, seconds) and how it was answered."""

    seq: int
    sent_at: float
    latency_s: float
    status: int  # 0: no answer (connection error or timeout)


def check_loopback(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise ValueError(f"the load generator only sends to loopback, not {host!r}")


class Connection:
    """One keep-alive HTTP/1.1 connection: a request out, a response in; no library, so the
    load generator spends a fraction of the CPU of a client library on the same two cores."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, headers: dict[str, str], body: bytes) -> int:
        return (await self.request("POST", path, headers, body))[0]

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        fresh = self.writer is None
        try:
            return await self._request(method, path, headers, body)
        except (ConnectionError, asyncio.IncompleteReadError):
            if fresh:
                raise
        self.close()  # the server closed an idle keep-alive connection: once more, anew
        return await self._request(method, path, headers, body)

    async def _request(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\nhost: {self.host}\r\ncontent-length: {len(body)}\r\n"
            f"{head}\r\n".encode()
            + body
        )
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("closed before answering")
        length, keep = 0, True
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and "close" in value.lower():
                keep = False
        content = await self.reader.readexactly(length)
        if not keep:
            self.close()
        return int(status_line.split()[1]), content

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def drive(
    deliveries: Sequence[Delivery],
    *,
    base_url: str,
    rate: float | None,
    max_seconds: float,
    concurrency: int = 64,
    mix: Mix | None = None,
    on_sent: Callable[[Delivery, Sent], None] | None = None,
) -> list[Sent]:
    """Send each delivery at its scheduled offset (``rate``), or back to back with
    ``concurrency`` in flight (``rate=None``); stops sending after ``max_seconds``. A request
    due while every connection is busy waits for one (its latency counts from when it left)."""
    check_loopback(base_url)
    url = urllib.parse.urlsplit(base_url)
    offsets = schedule(len(deliveries), rate, mix) if rate else [0.0] * len(deliveries)
    idle = [Connection(url.hostname or "127.0.0.1", url.port or 80) for _ in range(concurrency)]
    free = asyncio.Semaphore(concurrency)
    results: list[Sent] = []

    async def send(delivery: Delivery) -> None:
        async with free:
            conn = idle.pop()
            sent_at, began = time.time(), time.perf_counter()
            try:
                status = await asyncio.wait_for(
                    conn.post(delivery.path, delivery.headers, delivery.body), timeout=30
                )
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                conn.close()
                status = 0
            idle.append(conn)
        sent = Sent(delivery.seq, sent_at, time.perf_counter() - began, status)
        results.append(sent)
        if on_sent is not None:
            on_sent(delivery, sent)

    start = time.monotonic()
    tasks: list[asyncio.Task[None]] = []
    for delivery, offset in zip(deliveries, offsets, strict=True):
        if offset > max_seconds or time.monotonic() - start > max_seconds:
            break
        delay = start + offset - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if rate is None:
            async with free:  # back to back: wait for a free connection before the next
                pass
        tasks.append(asyncio.create_task(send(delivery)))
    await asyncio.gather(*tasks)
    for conn in idle:
        conn.close()
    return results


def write_wrk_file(deliveries: Sequence[Delivery], path: Path) -> None:
    """One request per line for ``bench/wrk_signed_posts.lua``: path, headers, body, by tabs."""
    with path.open("w") as out:
        for d in deliveries:
            fields = [d.path, *(f"{k}: {v}" for k, v in d.headers.items())]
            out.write("\t".join([*fields, d.body.decode()]) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="ingest's base URL (loopback only)")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=100.0, help="0: as fast as possible")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--run", default=time.strftime("%H%M%S"))
    args = parser.parse_args()
    deliveries = plan(args.count, seed=args.seed, run=args.run)
    sent = asyncio.run(
        drive(deliveries, base_url=args.url, rate=args.rate or None, max_seconds=args.seconds)
    )
    ok = sum(200 <= s.status < 300 for s in sent)
    print(f"{len(sent)} sent, {ok} answered 2xx")


if __name__ == "__main__":
    main()

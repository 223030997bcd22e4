"""Respond's Prometheus instruments, on the app's own registry; counted only on a real change."""

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter

from services.respond.commands import Posted
from services.respond.domain.cases import Delivery
from services.respond.usecases import Threaded


@dataclass(frozen=True)
class RespondInstruments:
    cases_opened: Counter
    interactions_threaded: Counter
    replies: Counter
    deliveries: Counter

    @classmethod
    def register(cls, registry: CollectorRegistry) -> "RespondInstruments":
        return cls(
            cases_opened=Counter(
                "agora_respond_cases_opened_total",
                "Cases opened, by the team and priority routing chose.",
                ["agency", "team", "priority", "channel"],
                registry=registry,
            ),
            interactions_threaded=Counter(
                "agora_respond_interactions_threaded_total",
                "Interactions added to a case (a redelivery does not count).",
                ["agency", "channel", "outcome"],
                registry=registry,
            ),
            replies=Counter(
                "agora_respond_replies_total",
                "Replies posted by responders (held: waiting for a supervisor's approval).",
                ["agency", "team", "held"],
                registry=registry,
            ),
            deliveries=Counter(
                "agora_respond_reply_deliveries_total",
                "Replies handed to a platform's API, by outcome (sent or failed).",
                ["agency", "channel", "status"],
                registry=registry,
            ),
        )

    def observe_threaded(self, threaded: Threaded) -> None:
        case = threaded.case
        if threaded.outcome == "duplicate":
            return
        if threaded.outcome == "opened":
            self.cases_opened.labels(
                case.agency_id, case.team, case.priority, str(case.channel)
            ).inc()
        self.interactions_threaded.labels(case.agency_id, str(case.channel), threaded.outcome).inc()

    def observe_reply(self, posted: Posted) -> None:
        held = posted.reply.entry.approval == "pending"
        self.replies.labels(posted.case.agency_id, posted.case.team, str(held).lower()).inc()

    def observe_delivery(self, agency_id: str, channel: str, delivery: Delivery | None) -> None:
        if delivery is not None:
            self.deliveries.labels(agency_id, channel, delivery.status).inc()

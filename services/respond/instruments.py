"""Respond's Prometheus instruments, on the app's own registry; counted only on a real change."""

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter

from services.respond.usecases import PostedReply, Threaded


@dataclass(frozen=True)
class RespondInstruments:
    cases_opened: Counter
    interactions_threaded: Counter
    replies: Counter

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
                ["agency", "channel"],
                registry=registry,
            ),
            replies=Counter(
                "agora_respond_replies_total",
                "Replies posted by responders.",
                ["agency", "team"],
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
        self.interactions_threaded.labels(case.agency_id, str(case.channel)).inc()

    def observe_reply(self, posted: PostedReply) -> None:
        self.replies.labels(posted.case.agency_id, posted.case.team).inc()

"""Consumer lag: end offsets minus committed offsets, per group and topic."""

from aiokafka import TopicPartition

from services.metrics.lag import consumer_lag

RECEIVED, CLASSIFIED = "agora.interactions.received.v1", "agora.interactions.classified.v1"
ENDS = {
    TopicPartition(RECEIVED, 0): 10,
    TopicPartition(RECEIVED, 1): 4,
    TopicPartition(CLASSIFIED, 0): 7,
}
STARTS = dict.fromkeys(ENDS, 0) | {TopicPartition(RECEIVED, 1): 1}


def test_lag_sums_what_each_group_has_not_committed_over_the_partitions_of_a_topic() -> None:
    committed = {"classify": {TopicPartition(RECEIVED, 0): 8, TopicPartition(RECEIVED, 1): 4}}
    assert consumer_lag(committed, ENDS, STARTS) == {("classify", RECEIVED): 2}


def test_a_partition_never_committed_counts_from_the_start_of_its_log() -> None:
    committed = {"classify": {TopicPartition(RECEIVED, 0): 10, TopicPartition(RECEIVED, 1): -1}}
    assert consumer_lag(committed, ENDS, STARTS) == {("classify", RECEIVED): 3}


def test_a_group_counts_only_on_the_topics_it_committed_on() -> None:
    committed = {
        "metrics": {TopicPartition(CLASSIFIED, 0): 5, TopicPartition(RECEIVED, 0): -1},
        "respond": {TopicPartition(CLASSIFIED, 0): -1},
    }
    assert consumer_lag(committed, ENDS, STARTS) == {("metrics", CLASSIFIED): 2}


def test_lag_is_never_negative_after_the_broker_lost_its_log() -> None:
    committed = {"classify": {TopicPartition(RECEIVED, 0): 50, TopicPartition(RECEIVED, 1): 4}}
    assert consumer_lag(committed, ENDS, STARTS) == {("classify", RECEIVED): 0}

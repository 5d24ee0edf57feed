"""The stream reads a managed Kafka that wants credentials (SASL/PLAIN) through its settings.

The cluster is a real broker of the pinned Kafka whose only client listener takes
SASL_PLAINTEXT (``tests/sasl_kafka.py``); Spark's Kafka source gets the credentials as
the JAAS line pinlake builds from the ``PINLAKE_KAFKA_SASL_*`` settings.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Producer
from sasl_kafka import sasl_broker

from streaming import job

pytestmark = [pytest.mark.spark, pytest.mark.kafka]

POSTS = 40


def test_available_now_lands_the_managed_clusters_records(
    stream_spark: Any, tmp_path: Path
) -> None:
    with sasl_broker(tmp_path) as settings:
        producer = Producer({**settings.kafka_client_config(), "acks": "all"})
        sent = {
            kind: [json.dumps({"ind": ind, "kind": kind}) for ind in range(POSTS)]
            for kind in ("pin", "geo", "user")
        }
        for kind, values in sent.items():
            for value in values:
                producer.produce(settings.topic(kind), value=value.encode())
        assert producer.flush(30) == 0, "the cluster did not acknowledge every record"

        result = job.run_available_now(settings, spark=stream_spark, realtime=False)

    assert result.records_seen == {"pin": POSTS, "geo": POSTS, "user": POSTS, "deadletter": 0}
    for kind, values in sent.items():
        rows = stream_spark.read.format("delta").load(str(settings.bronze_path(kind))).collect()
        assert Counter(row.payload for row in rows) == Counter(values)

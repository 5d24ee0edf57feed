"""The REST ingestion API (``pinlake api``); see :mod:`ingestion.api.app`."""

from ingestion.api.app import create_app

__all__ = ["create_app"]

"""``munnav bench``: synthetic corpus, ingest and query timings, raw-engine baseline, web load."""

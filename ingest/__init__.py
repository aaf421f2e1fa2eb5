"""Ingestion: document model, store, sources and crawl jobs."""

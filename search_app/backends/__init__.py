"""Index backends: the embedded tantivy engine and Elasticsearch."""

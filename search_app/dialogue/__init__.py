"""Municipal Dialogue: the problem field reported by officials, and analytics of demand.

Pure logic (topics, clustering, aggregates, charts) lives apart from the
service that reads and writes the tables; the web layer only calls them.
"""

"""The test session's throwaway PostgreSQL never outlives a killed session for good."""

from __future__ import annotations

import subprocess

import pytest

from tests.postgres import OWNER, Cluster, find_bin_dir, stop_abandoned


def test_a_cluster_whose_session_died_is_stopped_and_removed_by_the_next() -> None:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL не найден: нечего проверять")
    cluster = Cluster(bin_dir).start()
    try:
        assert (cluster.data / "postmaster.pid").exists()
        stop_abandoned(bin_dir, cluster._prefix)
        assert cluster.root.exists()  # its owner (this process) is alive: left alone
        dead = subprocess.Popen(["true"])
        dead.wait()
        (cluster.root / OWNER).write_text(str(dead.pid))  # as if its session had been killed
        stop_abandoned(bin_dir, cluster._prefix)
        assert not cluster.root.exists()
    finally:
        cluster.stop()

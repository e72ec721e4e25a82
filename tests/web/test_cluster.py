"""Several machines for real (deploy/cluster_test.py, its short form): three origin hosts in
network namespaces behind the shipped nginx. Under load a host dies and comes back having
missed a publish, a publish switches every host within milliseconds, a host with a damaged
copy refuses it and keeps serving, and a herd of readers on an uncached page sends one
request to the origins. The script checks each and prints the measured table."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from webapp.config import PROJECT_ROOT


@pytest.mark.slow
def test_three_hosts_behind_nginx_survive_a_dying_host_a_damaged_build_and_a_herd():
    assert os.geteuid() == 0, "network namespaces need root: run make test as root (CI does)"
    done = subprocess.run(
        [sys.executable, "deploy/cluster_test.py"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| host 2 dies (link down) under load | 3 |" in done.stdout

"""The production server configuration loads, with the app it serves."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_config_and_app_load(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kuulo.sqlite'}",
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--check-config", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_gunicorn_config_preloads_and_listens_on_loopback():
    settings: dict = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text("utf-8"), "gunicorn.conf.py", "exec"), settings)
    assert settings["preload_app"] is True
    assert settings["bind"].startswith("127.0.0.1:")
    assert callable(settings["on_starting"]) and callable(settings["post_fork"])


def test_systemd_unit_restarts_a_crashed_master_and_its_workers():
    import configparser

    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.read(ROOT / "deploy" / "kuulo.service", encoding="utf-8")
    service = unit["Service"]
    assert service["KillMode"] == "control-group"  # orphaned workers go with a dead master
    assert service["Restart"] == "on-failure"
    assert "gunicorn -c gunicorn.conf.py wsgi:app" in service["ExecStart"]
    timer = configparser.ConfigParser(interpolation=None)
    timer.read(ROOT / "deploy" / "kuulo-search-sync.timer", encoding="utf-8")
    assert timer["Timer"]["OnUnitActiveSec"]

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

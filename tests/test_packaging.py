"""The Dockerfile's steps without Docker: build the wheel, install it fresh, run the CLI."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_in_a_fresh_venv_and_runs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--wheel-dir", str(dist), str(ROOT)], check=True, capture_output=True,
                   timeout=300)
    wheel = next(dist.glob("scrum_bot-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True,
                   capture_output=True, timeout=600)
    workdir = tmp_path / "app"
    workdir.mkdir()
    run = [str(python), "-m", "bot"]
    shown = subprocess.run([*run, "--help"], cwd=workdir, capture_output=True, text=True,
                           timeout=60, check=True)
    assert "TELEGRAM_BOT_TOKEN" in shown.stdout and "DATABASE_URL" in shown.stdout
    env = {"PATH": "/usr/bin:/bin", "TELEGRAM_BOT_TOKEN": "1:abc"}
    migrated = subprocess.run([*run, "migrate"], cwd=workdir, capture_output=True, text=True,
                              timeout=120, env=env, check=False)
    assert migrated.returncode == 0, migrated.stderr
    assert (workdir / "data" / "bot.db").exists()

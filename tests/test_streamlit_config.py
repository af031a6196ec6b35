"""Streamlit's configuration keeps error details, usage statistics and big uploads away."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_config_file_values() -> None:
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["client"]["showErrorDetails"] in ("none", False)
    assert cfg["browser"]["gatherUsageStats"] is False
    assert 0 < cfg["server"]["maxUploadSize"] <= 10
    assert cfg["server"]["enableXsrfProtection"] is True


def test_streamlit_reads_them() -> None:
    """What Streamlit itself resolves from the project folder, not just what the file says."""
    code = (
        "from streamlit import config\n"
        "config.get_config_options(force_reparse=True)\n"
        "print(config.get_option('client.showErrorDetails'))\n"
        "print(config.get_option('browser.gatherUsageStats'))\n"
        "print(config.get_option('server.maxUploadSize'))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True).stdout.split()
    assert out[0] in ("none", "False")
    assert out[1] == "False"
    assert int(out[2]) <= 10

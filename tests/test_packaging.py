"""The distribution installs one name of its own into site-packages, with the data files its code reads."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_wheel_holds_only_the_taito_dx_package(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
                    str(REPO)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("taito_dx-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names} == {"taito_dx", wheel.name.split("-py")[0] + ".dist-info"}
    for data in ("taito_dx/assistant/ui/app.css", "taito_dx/assistant/ui/templates/sources.html",
                 "taito_dx/evals/thresholds.toml"):
        assert data in names
    assert not any(name.startswith(("taito_dx/tests/", "taito_dx/corpus/")) for name in names)

"""Every input an ingest leaves out is named with the reason, on the real command line.

| input (made by the test)                                   | the error says                                  |
|------------------------------------------------------------|-------------------------------------------------|
| `locked/`: a folder this user cannot list (root without     | the folder cannot be listed (Permission denied) |
|   CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH, via `setpriv`)    |                                                 |
| `loop`: a link to the folder above it                      | a symbolic link loop                            |
| `self`: a link to itself                                   | a symbolic link loop                            |
| `gone.txt`: a link to a file that does not exist           | a broken symbolic link                          |
| `late-nul.txt`: text with a NUL byte after the first 8 KB   | binary data, not text (it contains NUL bytes)   |
| `archive.pdf`: a ZIP archive                               | the file is a ZIP archive, not a PDF            |
| `report.pdf`: a Word document (DOCX)                       | the file is a Word document (DOCX), not a PDF   |
| `notes.txt`: a Word document (DOCX)                        | the file is a Word document (DOCX)              |
| `photo.pdf`: a PNG image                                   | the file is a PNG image                         |
| `plan.txt` (the plan), `sub/ok.md`                         | ingested                                        |

An empty folder given as the path is named too, and nothing is written.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from serve_subprocess import clean_env, taito_dx
from taito_dx.settings import REPO_CORPUS

TIMEOUT = 240
DROP_READ = "-dac_override,-dac_read_search"
EXPECTED = {
    "locked": "the folder cannot be listed (Permission denied)",
    "loop": "a symbolic link loop",
    "self": "a symbolic link loop",
    "gone.txt": "a broken symbolic link",
    "late-nul.txt": "binary data, not text (it contains NUL bytes, the first at character 9,000)",
    "archive.pdf": "not a readable PDF: the file is a ZIP archive, not a PDF",
    "report.pdf": "not a readable PDF: the file is a Word document (DOCX), not a PDF",
    "notes.txt": "not text: the file is a Word document (DOCX)",
    "photo.pdf": "not a readable PDF: the file is a PNG image, not a PDF",
}


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>計画の本文</w:document>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("plan.txt", "取組12 アナログ規制の点検・見直し")
    return out.getvalue()


def make_inputs(root: Path) -> Path:
    corpus = root / "corpus"
    (corpus / "sub").mkdir(parents=True)
    shutil.copy(REPO_CORPUS / "taito-dx-plan-interim-summary.txt", corpus / "plan.txt")
    (corpus / "sub" / "ok.md").write_text("# 追記\n\n窓口の予約をオンライン化する。\n", encoding="utf-8")
    locked = corpus / "locked"
    locked.mkdir()
    (locked / "hidden-from-us.txt").write_text("取組90 読めないフォルダの文書\n", encoding="utf-8")
    locked.chmod(0)
    (corpus / "loop").symlink_to(".")
    (corpus / "self").symlink_to("self")
    (corpus / "gone.txt").symlink_to("no-such-file.txt")
    (corpus / "late-nul.txt").write_bytes(("あ" * 3000 + "い" * 6000).encode("utf-8") + b"\x00" + "う".encode("utf-8") * 10)
    (corpus / "archive.pdf").write_bytes(plain_zip())
    (corpus / "report.pdf").write_bytes(docx())
    (corpus / "notes.txt").write_bytes(docx())
    (corpus / "photo.pdf").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    return corpus


def cli(cwd: Path, *args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, *taito_dx(), *args], capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd,
                          env=clean_env())


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv (util-linux) to drop root's read capabilities")
def test_every_input_left_out_is_named_with_its_reason(tmp_path: Path) -> None:
    corpus = make_inputs(tmp_path)
    index = tmp_path / "index"
    try:
        # Root reads any folder through these capabilities; without them it is refused like any user.
        done = cli(tmp_path, "ingest", str(corpus), "--index-dir", str(index), "--json",
                   prefix=("setpriv", "--bounding-set", DROP_READ))
    finally:
        (corpus / "locked").chmod(0o755)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    errors = [line.removeprefix("error: ") for line in done.stderr.splitlines() if line.startswith("error: ")]
    for name, reason in EXPECTED.items():
        named = [error for error in errors if error.startswith(f"{name}: ")]
        assert len(named) == 1 and reason in named[0], (name, errors)
    assert len(errors) == len(EXPECTED), errors
    summary = json.loads(done.stdout)
    assert summary["documents"] == 2
    (generation,) = (index / "generations").iterdir()
    assert set(json.loads((generation / "manifest.json").read_text(encoding="utf-8"))["files"]) == {"plan.txt", "sub/ok.md"}


def test_an_empty_folder_given_as_the_path_is_named(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "nested").mkdir()
    done = cli(tmp_path, "ingest", str(empty), "--index-dir", str(tmp_path / "index"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{empty}: the folder holds no file (hidden ones are left out)" in done.stderr.splitlines()[-1]
    assert not (tmp_path / "index" / "generations").exists() or not os.listdir(tmp_path / "index" / "generations")

"""A real full disk: a small tmpfs holding the index, filled step by step down to 0 bytes free.

At every level of free space, an ingest of changed documents either succeeds or ends in one line
naming the index directory and the space needed, without a traceback and without a partly written
generation left behind; the previous index keeps answering, `ask` included at 0 bytes free (it
writes nothing). Mounting needs root (CAP_SYS_ADMIN); elsewhere the test is skipped with the reason.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from serve_subprocess import clean_env, taito_dx
from taito_dx.settings import REPO_CORPUS

pytestmark = pytest.mark.slow

SIZE_MB = 24
QUESTION = "取組12の担当はどこですか？"
TIMEOUT = 240
# Free space left for each ingest, in bytes: from room for a generation down to nothing.
LEVELS = (8 << 20, 2 << 20, 1 << 20, 256 << 10, 64 << 10, 4 << 10, 0)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE_MB}m", "tmpfs", str(mount_point)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        # lazily: Chroma clients of this process may still hold its files open
        subprocess.run(["umount", "--lazy", str(mount_point)], check=True)


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*taito_dx(), *args], capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd, env=clean_env())


def fill(disk: Path, filler: Path, leave: int) -> int:
    """Fill `disk` with `filler` until writing fails, then give `leave` bytes back; returns the bytes free."""
    filler.unlink(missing_ok=True)
    block = b"\0" * (1 << 20)
    with filler.open("wb", buffering=0) as handle:
        for size in (1 << 20, 1 << 12, 1):
            while True:
                try:
                    handle.write(block[:size])
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
    assert shutil.disk_usage(disk).free == 0
    os.truncate(filler, max(filler.stat().st_size - leave, 0))
    return shutil.disk_usage(disk).free


def test_a_full_disk_is_named_in_one_line_and_the_previous_index_keeps_answering(tmpfs: Path, tmp_path: Path) -> None:
    documents = tmp_path / "documents"
    documents.mkdir()
    shutil.copy(REPO_CORPUS / "taito-dx-plan-interim-summary.txt", documents / "plan.txt")
    index = tmpfs / "index"
    first = cli(tmp_path, "ingest", str(documents), "--index-dir", str(index))
    assert first.returncode == 0, first.stderr
    filler = tmpfs / "filler"
    outcomes = []
    for number, leave in enumerate(LEVELS):
        (documents / f"memo-{number}.txt").write_text(f"会議メモ 第{number}回\n\n窓口の予約をオンライン化する件を確認した。\n",
                                                     encoding="utf-8")
        generations = {p.name for p in (index / "generations").iterdir()}
        free = fill(tmpfs, filler, leave)
        done = cli(tmp_path, "ingest", str(documents), "--index-dir", str(index))
        assert "Traceback" not in done.stderr, done.stderr
        errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
        if done.returncode == 0:
            outcomes.append((free, "ingested"))
        else:
            assert len(errors) == 1, done.stderr
            assert errors[0].startswith(f"error: not enough free space in {index}: writing the index needs about "), errors
            assert "MB" in errors[0] and "--index-dir" in errors[0]
            left = {p.name for p in (index / "generations").iterdir()}
            assert left == generations, "a partly written generation was left behind"
            assert not (index / "CURRENT.tmp").exists()
            outcomes.append((free, "refused in one line"))
        asked = cli(tmp_path, "ask", QUESTION, "--index-dir", str(index))
        assert asked.returncode == 0 and "Traceback" not in asked.stderr, asked.stderr
        assert "情報政策課" in asked.stdout and "総務課" in asked.stdout, asked.stdout
    print("\nfree bytes before ingest → outcome:", outcomes)
    assert outcomes[-1] == (0, "refused in one line")
    assert shutil.disk_usage(tmpfs).free <= 4096  # the last ask ran on a full disk

    filler.unlink()  # with space again, the same ingest goes through
    done = cli(tmp_path, "ingest", str(documents), "--index-dir", str(index))
    assert done.returncode == 0, done.stderr
    checked = cli(tmp_path, "check", "--index-dir", str(index))
    assert checked.returncode == 0 and checked.stdout.startswith("ok:"), checked.stdout + checked.stderr


@pytest.mark.parametrize("leave", (512 << 10, 256 << 10, 64 << 10, 0))
def test_a_disk_that_fills_during_the_write_is_named_and_nothing_is_left_behind(
        tmpfs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, leave: int) -> None:
    """The space check before writing passes (disabled here), so the disk fills while the generation is
    written: Chroma, numpy or a JSON write fails, and the same one-line error comes from that failure."""
    from taito_dx.errors import OutOfSpaceError
    from taito_dx.ingest import pipeline
    from taito_dx.settings import Settings

    documents = tmp_path / "documents"
    documents.mkdir()
    shutil.copy(REPO_CORPUS / "taito-dx-plan-interim-summary.txt", documents / "plan.txt")
    settings = Settings.load(env={}, index_dir=tmpfs / "index")
    before = pipeline.run([documents], settings).generation
    (documents / "memo.txt").write_text("会議メモ\n\n窓口の予約をオンライン化する件を確認した。\n", encoding="utf-8")
    fill(tmpfs, tmpfs / "filler", leave)
    monkeypatch.setattr(pipeline, "require", lambda path, needed: None)

    with pytest.raises(OutOfSpaceError, match=f"^not enough free space in {settings.index_dir}: writing the index needs about"):
        pipeline.run([documents], settings)

    assert [p.name for p in (settings.index_dir / "generations").iterdir()] == [before]
    assert (settings.index_dir / "CURRENT").read_text(encoding="utf-8") == before

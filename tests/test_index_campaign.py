"""A fault campaign on a real index: every file of a generation, and CURRENT, damaged one at a time.

Each of the generation's files (and the index directory's CURRENT) is truncated to half, emptied,
deleted, or overwritten with as many random bytes, in a copy of a real index of "the user's
documents" (the plan under another name, so that an index rebuilt from the shipped corpus/ would
show). Then, on real processes:

- `taito-dx ask` and `taito-dx serve` start-up: no traceback; either the damage is named (the file,
  and the fix `taito-dx ingest --rebuild`), or the right answer comes from the newest complete
  generation with a warning naming the damage (CURRENT), or the damage has no effect and the answer
  is right (Chroma's segment files of a collection this small: Chroma rebuilds them from its SQLite
  file, and `check` finds every entry whole). Never a wrong answer, never a rebuild over the user's index.
- `taito-dx ingest` of the user's documents repairs it: `taito-dx check` then passes, and the index
  holds the user's documents.

The table of outcomes is written to test-artifacts/index-campaign.md.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from serve_subprocess import clean_env, free_port, taito_dx
from taito_dx.settings import REPO_CORPUS

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
TABLE = REPO / "test-artifacts" / "index-campaign.md"
QUESTION = "取組12の担当はどこですか？"
ANSWER = ("情報政策課", "総務課")
USER_DOCUMENT = "user-plan.txt"  # the plan under a name the shipped corpus does not use
FIX = "taito-dx ingest --rebuild"
TIMEOUT = 240
DAMAGES = ("truncated", "emptied", "deleted", "garbage")
SEGMENT = "chroma/<segment>/"  # Chroma names its segment folder by a UUID
# Every file of a generation of this layout (test_the_campaign_covers_every_file checks the list).
FILES = (
    "chunks.jsonl", "registry.json", "guide.json", "vectors.npy", "vectors.json", "manifest.json",
    "keyword/data.csc.index.npy", "keyword/indices.csc.index.npy", "keyword/indptr.csc.index.npy",
    "keyword/params.index.json", "keyword/vocab.index.json", "keyword/ids.json", "keyword/tokens.json",
    "chroma/chroma.sqlite3", f"{SEGMENT}data_level0.bin", f"{SEGMENT}header.bin", f"{SEGMENT}length.bin",
    f"{SEGMENT}link_lists.bin",
)
CURRENT = "CURRENT"

RESULTS: dict[tuple[str, str], dict[str, str]] = {}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(the user's documents, a real index of them that has been opened once) — copied by each case."""
    root = tmp_path_factory.mktemp("campaign")
    documents = root / "documents"
    documents.mkdir()
    shutil.copy(REPO_CORPUS / "taito-dx-plan-interim-summary.txt", documents / USER_DOCUMENT)
    index = root / "pristine"
    for command in (["ingest", str(documents)], ["ask", QUESTION]):  # opened once: Chroma writes its files on open
        done = cli(root, *command, "--index-dir", str(index))
        assert done.returncode == 0, done.stderr
    yield documents, index
    write_table()


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*taito_dx(), *args], capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd, env=clean_env())


def generation_of(index: Path) -> Path:
    (generation,) = (index / "generations").iterdir()
    return generation


def resolve(index: Path, name: str) -> Path:
    if name == CURRENT:
        return index / CURRENT
    generation = generation_of(index)
    if name.startswith(SEGMENT):
        (segment,) = [p for p in (generation / "chroma").iterdir() if p.is_dir()]
        return segment / name.removeprefix(SEGMENT)
    return generation / name


def damage(path: Path, how: str) -> bool:
    """Damage `path`; False when the damage changes nothing (a 0-byte file truncated or emptied)."""
    size = path.stat().st_size
    if how == "deleted":
        path.unlink()
        return True
    if how in ("truncated", "emptied"):
        if size == 0:
            return False
        with path.open("r+b") as handle:
            handle.truncate(size // 2 if how == "truncated" else 0)
        return True
    path.write_bytes(random.Random(f"{path.name}-{how}").randbytes(max(size, 64)))
    return True


def state(index: Path) -> tuple[str, list[str]]:
    """What a rebuild over the user's index would change: CURRENT's bytes and the generation names."""
    pointer = index / CURRENT
    return (pointer.read_bytes().hex() if pointer.exists() else "-",
            sorted(p.name for p in (index / "generations").iterdir()))


def start_serve(index: Path, work: Path) -> tuple[subprocess.Popen, int, Path]:
    port = free_port()
    log = work / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([*taito_dx(), "serve", "--port", str(port), "--index-dir", str(index)],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=work, env=clean_env())
    return process, port, log


def serve_outcome(process: subprocess.Popen, port: int, log: Path) -> tuple[int | None, str]:
    """(exit code, or None when it answered HTTP 200 on /) and its log; the server is always stopped."""
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return process.returncode, log.read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    if response.status == 200:
                        return None, log.read_text(errors="replace")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise AssertionError(f"serve neither failed nor answered within {TIMEOUT}s:\n{log.read_text(errors='replace')}")
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def names_damage(text: str, name: str) -> bool:
    """Whether an error names the damaged file (a Chroma segment file by its store) and the fix."""
    shown = {CURRENT: "CURRENT", "manifest.json": "manifest.json"}.get(name, name)
    if name.startswith(SEGMENT):
        shown = "chroma/"
    return f"error: the index at" in text and shown in text and FIX in text


def classify(command: str, rc: int | None, output: str, name: str, *, answered: bool) -> str:
    assert "Traceback" not in output, f"{command}: {output}"
    if rc not in (0, None):
        assert names_damage(output, name), f"{command} (rc {rc}) does not name {name} and the fix:\n{output}"
        return "named + fix"
    assert answered, f"{command} answered wrongly with {name} damaged:\n{output}"
    if name == CURRENT:
        assert "CURRENT" in output and "using generation" in output, output
        return "answers, warns (newest complete generation)"
    return "answers right (no effect)"


def test_the_campaign_covers_every_file(pristine: tuple[Path, Path]) -> None:
    _, index = pristine
    generation = generation_of(index)
    (segment,) = [p for p in (generation / "chroma").iterdir() if p.is_dir()]
    found = {p.relative_to(generation).as_posix().replace(f"chroma/{segment.name}/", SEGMENT)
             for p in generation.rglob("*") if p.is_file()}
    assert found == set(FILES)


@pytest.mark.parametrize("how", DAMAGES)
@pytest.mark.parametrize("name", FILES + (CURRENT,))
def test_damage_is_named_never_answered_around_and_ingest_repairs_it(
        pristine: tuple[Path, Path], tmp_path: Path, name: str, how: str) -> None:
    documents, original = pristine
    index = tmp_path / "index"
    shutil.copytree(original, index, symlinks=True)
    if not damage(resolve(index, name), how):
        RESULTS[(name, how)] = {"ask": "n/a (0-byte file)", "serve": "", "ingest": ""}
        pytest.skip(f"{name} is 0 bytes: {how} changes nothing")
    before = state(index)

    serving = start_serve(index, tmp_path)  # serve starts while ask runs: both only read the index
    asked = cli(tmp_path, "ask", QUESTION, "--index-dir", str(index))
    serve_rc, serve_log = serve_outcome(*serving)
    ask_output = asked.stdout + asked.stderr
    right = all(part in asked.stdout for part in ANSWER) and USER_DOCUMENT in asked.stdout
    outcome = {"ask": classify("ask", asked.returncode, ask_output, name, answered=right)}
    outcome["serve"] = classify("serve", serve_rc, serve_log, name, answered=True)
    assert ("named" in outcome["ask"]) == (serve_rc is not None), (outcome, serve_log)
    assert "ingesting" not in ask_output + serve_log
    assert state(index) == before, "ask or serve wrote to the user's index"

    repaired = cli(tmp_path, "ingest", str(documents), "--index-dir", str(index))
    assert repaired.returncode == 0 and "Traceback" not in repaired.stderr, repaired.stderr
    checked = cli(tmp_path, "check", "--index-dir", str(index), "--json")
    verdict = json.loads(checked.stdout)
    assert checked.returncode == 0 and verdict["ok"] and not verdict["warning"], checked.stdout + checked.stderr
    manifest = json.loads((index / "generations" / verdict["generation"] / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {USER_DOCUMENT}
    if "named" in outcome["ask"]:
        assert "repaired:" in repaired.stderr and "embedded" in repaired.stdout, repaired.stderr
        outcome["ingest"] = "rewrites it; check ok"
    elif name == CURRENT:
        assert (index / CURRENT).read_text(encoding="utf-8") == verdict["generation"]
        outcome["ingest"] = "repoints CURRENT; check ok"
    else:
        outcome["ingest"] = "unchanged; check ok"
    RESULTS[(name, how)] = outcome


def _order(name: str) -> int:
    rows = FILES + (CURRENT,)
    return rows.index(name) if name in rows else len(rows)


def write_table() -> None:
    if not RESULTS:
        return
    lines = ["| file | damage | ask | serve start-up | ingest |", "|---|---|---|---|---|"]
    for (name, how), row in sorted(RESULTS.items(), key=lambda item: (_order(item[0][0]), DAMAGES.index(item[0][1]))):
        lines.append(f"| `{name}` | {how} | {row['ask']} | {row['serve']} | {row['ingest']} |")
    TABLE.parent.mkdir(parents=True, exist_ok=True)
    TABLE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n" + "\n".join(lines))


# -- a Chroma store past its sync threshold: its HNSW segment files are what Chroma searches ------

PERSISTED = ("data_level0.bin", "header.bin", "length.bin", "link_lists.bin", "index_metadata.pickle")


@pytest.fixture(scope="module")
def persisted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(documents, index) of about 1,300 chunks: Chroma persists an HNSW index over 1,000 entries."""
    from taito_dx.evals.scale_corpus import write_corpus

    root = tmp_path_factory.mktemp("persisted")
    write_corpus(root / "documents", target_bytes=560_000)
    done = cli(root, "ingest", str(root / "documents"), "--index-dir", str(root / "index"))
    assert done.returncode == 0, done.stderr
    return root / "documents", root / "index"


@pytest.mark.parametrize("how", ("deleted", "garbage"))
@pytest.mark.parametrize("name", PERSISTED)
def test_a_damaged_hnsw_segment_is_named_or_harmless(persisted: tuple[Path, Path], tmp_path: Path,
                                                     name: str, how: str) -> None:
    """Garbage in data_level0.bin kills chromadb's native HNSW reader (SIGSEGV): a first search in a child process
    names it instead."""
    documents, original = persisted
    index = tmp_path / "index"
    shutil.copytree(original, index)
    damage(resolve(index, SEGMENT + name), how)
    asked = cli(tmp_path, "ask", "取組12の担当は？", "--index-dir", str(index))
    checked = cli(tmp_path, "check", "--index-dir", str(index))
    for done in (asked, checked):
        assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr
    if asked.returncode == 1:
        assert names_damage(asked.stderr, SEGMENT) and checked.returncode == 1, asked.stderr
        repaired = cli(tmp_path, "ingest", str(documents), "--index-dir", str(index))
        assert repaired.returncode == 0 and "repaired:" in repaired.stderr, repaired.stderr
        assert cli(tmp_path, "check", "--index-dir", str(index)).returncode == 0
        RESULTS[(f"{SEGMENT}{name} (1,300 chunks)", how)] = {"ask": "named + fix", "serve": "-", "ingest": "rewrites it; check ok"}
    else:  # the damage changes nothing Chroma reads: every entry found by its own vector, as written
        assert checked.returncode == 0 and checked.stdout.startswith("ok:"), checked.stdout + checked.stderr
        RESULTS[(f"{SEGMENT}{name} (1,300 chunks)", how)] = {"ask": "answers (no effect; check ok)", "serve": "-", "ingest": "-"}

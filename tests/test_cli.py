"""`taito-dx`: every command explains itself, and a mistake is one `error: ...` line, never a traceback.

Maintainers run the CLI on machines without a developer at hand, so `--help` must answer
what each option does (and which environment variable sets it), and a wrong setting must
say what is wrong and how to fix it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from taito_dx.cli import SETTING_FLAGS, build_parser, main
from taito_dx.index.directory import IndexDir
from taito_dx.settings import env_names

SUBCOMMANDS = ("ingest", "ask", "serve", "eval", "bench", "feedback")


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def taito_dx(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("taito-dx")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "taito_dx.cli"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "ANONYMIZED_TELEMETRY": "False", **(env or {})})


# -- help --------------------------------------------------------------------------------------


def test_top_level_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])

    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: taito-dx")
    for name in SUBCOMMANDS:
        assert name in out


def test_subcommands_are_exactly_the_documented_ones() -> None:
    assert set(SUBCOMMANDS) <= set(subparsers())


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_help_and_every_option_says_what_it_does(name: str) -> None:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    summary = next(choice.help for choice in action._choices_actions if choice.dest == name)
    command = action.choices[name]

    assert summary and summary.strip()
    assert command.description and command.description.strip()
    assert command.format_help().startswith(f"usage: taito-dx {name}")
    for option in command._actions:
        if isinstance(option, argparse._HelpAction):
            continue
        assert option.help and option.help.strip(), f"taito-dx {name} {option.option_strings or option.dest} has no help"


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_options_that_are_settings_name_their_environment_variable(name: str) -> None:
    for option in subparsers()[name]._actions:
        if option.dest in SETTING_FLAGS:
            assert f"(env {env_names(option.dest)[0]})" in (option.help or ""), f"taito-dx {name} --{option.dest}"


def test_subcommand_help_runs_from_the_console_script() -> None:
    result = taito_dx("ingest", "--help")

    assert result.returncode == 0
    assert "--index-dir" in result.stdout and "TAITO_DX_INDEX" in result.stdout
    assert "--json" in result.stdout


def test_no_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: taito-dx")
    assert "COMMAND" in err


# -- errors: one line, no traceback, a non-zero exit ------------------------------------------------


def test_ask_with_no_index_and_no_corpus_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-corpus"

    result = taito_dx("ask", "取組12の担当は?", "--index-dir", str(tmp_path / "index"),
                      env={"TAITO_DX_CORPUS": str(missing)})

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: nothing could be ingested ({missing}: no such file or directory): no index was written"
    )
    assert result.stdout == ""


def test_unknown_llm_provider_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TAITO_DX_LLM", "chatgpt")

    status = main(["ask", "取組12の担当は?", "--index-dir", str(tmp_path / "index")])

    assert status == 1
    captured = capsys.readouterr()
    assert captured.err == "error: unknown LLM provider 'chatgpt': use none, openai or ollama (TAITO_DX_LLM)\n"
    assert captured.out == ""
    assert not (tmp_path / "index").exists()  # refused before touching anything


def test_llm_without_a_model_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["ask", "取組12の担当は?", "--index-dir", str(tmp_path / "index"), "--llm", "ollama"])

    assert status == 1
    assert capsys.readouterr().err == (
        "error: LLM provider 'ollama' needs a model name: set --llm-model or TAITO_DX_LLM_MODEL\n"
    )


def test_setting_of_the_wrong_type_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TAITO_DX_TOP_K", "five")

    status = main(["ask", "取組12の担当は?", "--index-dir", str(tmp_path / "index")])

    assert status == 1
    assert capsys.readouterr().err == "error: TAITO_DX_TOP_K='five' is not a valid int\n"


def test_bad_llm_value_on_the_command_line_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["ask", "取組12の担当は?", "--llm", "chatgpt"])

    assert exited.value.code == 2
    assert "invalid choice: 'chatgpt'" in capsys.readouterr().err


def test_index_dir_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_a_folder = tmp_path / "index.txt"
    not_a_folder.write_text("oops\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.md").write_text("# メモ\n\n本文です。\n", encoding="utf-8")

    status = main(["ingest", str(corpus), "--index-dir", str(not_a_folder)])

    assert status == 1
    assert capsys.readouterr().err == (
        f"error: cannot use {not_a_folder} as the index directory (a file, not a folder): "
        "set --index-dir / TAITO_DX_INDEX to a folder you can write to\n"
    )


def test_ingest_while_another_ingest_holds_the_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = tmp_path / "index"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.md").write_text("# メモ\n\n本文です。\n", encoding="utf-8")

    with IndexDir(index).lock():
        status = main(["ingest", str(corpus), "--index-dir", str(index)])

    assert status == 1
    assert capsys.readouterr().err == (
        f"error: another ingest (pid {os.getpid()}) is writing {index}: wait for it to finish, then run again\n"
    )
    assert IndexDir(index).current() is None


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--goal", "5", "error: --goal 5 is not in the plan: its 目標 are 1–3\n"),
    ("--goal", "0", "error: --goal 0 is not in the plan: its 目標 are 1–3\n"),
    ("--measure", "17", "error: --measure 17 is not in the plan: its 施策 are 1–16\n"),
])
def test_ask_checks_goal_and_measure_against_the_indexed_plan(
    corpus_settings, capsys: pytest.CaptureFixture[str], flag: str, value: str, message: str
) -> None:
    """The valid range is read from the index's registry, not written into the CLI."""
    assert main(["ask", "計画期間は？", "--index-dir", str(corpus_settings.index_dir), flag, value]) == 1
    assert capsys.readouterr().err == message


def test_ask_within_the_plan_answers(corpus_settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "取組12の担当は？", "--index-dir", str(corpus_settings.index_dir), "--goal", "2"]) == 0
    assert "情報政策課" in capsys.readouterr().out

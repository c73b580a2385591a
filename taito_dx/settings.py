"""One settings object, from flags, TAITO_DX_* environment variables and defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping

from taito_dx.chat_models import NO_LLM, PROVIDERS, unknown_provider
from taito_dx.embeddings import DEFAULT_MODEL
from taito_dx.errors import ConfigError

REPO_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def default_corpus() -> tuple[Path, ...]:
    """The shipped corpus: `corpus/` of this checkout, else `./corpus`."""
    return (REPO_CORPUS if REPO_CORPUS.is_dir() else Path("corpus"),)


@dataclass(frozen=True)
class Settings:
    """Everything configurable; each field has a flag and an environment variable."""

    index_dir: Path = Path(".taito-dx")
    corpus: tuple[Path, ...] = ()
    embedding_model: str = DEFAULT_MODEL
    chroma_host: str = ""
    chroma_port: int = 8000
    llm: str = NO_LLM
    llm_model: str = ""
    llm_base_url: str = ""
    llm_api_key: str = ""
    top_k: int = 5
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str = ""
    feedback: bool = True
    max_question_chars: int = 2000
    # ~10x the full plan, about 1.5 minutes of embedding on 2 cores; TAITO_DX_MAX_DOCUMENT_CHARS.
    max_document_chars: int = 1_000_000

    @property
    def vector_store(self) -> str:
        """Where the vectors live, as manifests record it: "embedded" or a server's host:port."""
        return f"{self.chroma_host}:{self.chroma_port}" if self.chroma_host else "embedded"

    @property
    def feedback_log(self) -> Path:
        return self.index_dir / "feedback.jsonl"

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then environment variables, then explicit overrides (None means unset)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {"corpus": default_corpus()}
        for spec in fields(cls):
            raw = _env_value(env, spec.name)
            if raw is not None and raw != "":
                values[spec.name] = _convert(spec.name, raw, spec.type)
        for name, value in overrides.items():
            if value is not None:
                values[name] = value
        if "corpus" in values:
            values["corpus"] = tuple(Path(p) for p in values["corpus"])
        values["index_dir"] = Path(values.get("index_dir", cls.index_dir))
        settings = cls(**values)
        settings.validate()
        return settings

    def with_(self, **changes: Any) -> Settings:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def validate(self) -> None:
        if self.llm not in PROVIDERS:
            raise unknown_provider(self.llm)
        if self.llm != NO_LLM and not self.llm_model:
            raise ConfigError(f"LLM provider {self.llm!r} needs a model name: set --llm-model or TAITO_DX_LLM_MODEL")
        if self.top_k < 1:
            raise ConfigError(f"top-k must be at least 1, not {self.top_k}")
        if self.max_document_chars < 1:
            raise ConfigError(f"max document chars must be at least 1, not {self.max_document_chars} (TAITO_DX_MAX_DOCUMENT_CHARS)")
        if self.auth:
            user, colon, password = self.auth.partition(":")
            if not colon or not user or not password:
                raise ConfigError("auth must be USER:PASSWORD with neither empty, such as staff:a-long-passphrase "
                                  "(--auth / TAITO_DX_AUTH): nobody could log in with an empty user or password")


ENV_NAMES = {"chroma_host": ("TAITO_DX_CHROMA_HOST", "CHROMA_HOST"), "chroma_port": ("TAITO_DX_CHROMA_PORT", "CHROMA_PORT"),
             "index_dir": ("TAITO_DX_INDEX",)}


def env_names(name: str) -> tuple[str, ...]:
    """The environment variables that set a field, first one wins."""
    return ENV_NAMES.get(name, (f"TAITO_DX_{name.upper()}",))


def _env_value(env: Mapping[str, str], name: str) -> str | None:
    for key in env_names(name):
        if key in env:
            return env[key]
    return None


def _convert(name: str, raw: str, kind: Any) -> Any:
    kind = str(kind)
    try:
        if "int" in kind:
            return int(raw)
        if "bool" in kind:
            lowered = raw.strip().lower()
            if lowered not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(raw)
            return lowered in ("1", "true", "yes", "on")
        if "tuple" in kind:
            return tuple(Path(part) for part in raw.split(os.pathsep) if part)
        if "Path" in kind:
            return Path(raw)
    except ValueError as exc:
        raise ConfigError(f"{env_names(name)[0]}={raw!r} is not a valid {kind}") from exc
    return raw

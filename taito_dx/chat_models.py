"""Chat model backends (optional LLM phrasing), chosen by provider name: the one list of providers.

Each factory builds a LangChain chat model; its package is imported only when it is chosen.
"""

from __future__ import annotations

from typing import Any, Callable

from taito_dx.errors import ConfigError

NO_LLM = "none"


def _openai(*, model: str, base_url: str, api_key: str) -> Any:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model=model, base_url=base_url or None, api_key=api_key or "not-needed", temperature=0,
                      timeout=60, max_retries=1)


def _ollama(*, model: str, base_url: str, api_key: str) -> Any:
    from langchain_ollama import ChatOllama

    return ChatOllama(model=model, base_url=base_url or None, temperature=0)


# Provider name → factory: an OpenAI-compatible server (vLLM, llama.cpp …), or Ollama.
CHAT_MODELS: dict[str, Callable[..., Any]] = {"openai": _openai, "ollama": _ollama}
PROVIDERS = (NO_LLM, *CHAT_MODELS)


def unknown_provider(provider: str) -> ConfigError:
    """The error for a provider name not in `PROVIDERS`."""
    choices = ", ".join(PROVIDERS[:-1]) + " or " + PROVIDERS[-1]
    return ConfigError(f"unknown LLM provider {provider!r}: use {choices} (TAITO_DX_LLM)")


def chat_model(provider: str, *, model: str, base_url: str = "", api_key: str = "") -> Any:
    """The chat model of `provider` (None for "none"), built without contacting it."""
    if provider == NO_LLM:
        return None
    if provider not in CHAT_MODELS:
        raise unknown_provider(provider)
    try:
        return CHAT_MODELS[provider](model=model, base_url=base_url, api_key=api_key)
    except ImportError as exc:
        raise ConfigError(f"the {provider} chat model needs its package: pip install -e '.[llm]' ({exc})") from exc

"""Taito DX Plan Assistant: cited answers about the Taito City DX Promotion Plan, offline."""

__version__ = "0.1.0"

"""Ingestion: files → normalised text → plan structure → chunks → index."""

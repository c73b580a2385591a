"""Answering: question analysis, entity linking, hybrid retrieval, cited answers, consultation, the chat UI."""

"""The project's exceptions: one base, each with a message that says how to fix it."""


class TaitoDxError(Exception):
    """Base of every error this project raises on purpose."""


class ConfigError(TaitoDxError):
    """A setting has a value that cannot be used."""


class NoIndexError(TaitoDxError):
    """There is no usable index in the index directory."""


class DamagedIndexError(NoIndexError):
    """The current index generation lacks a file, or one cannot be read."""


class OutOfSpaceError(TaitoDxError):
    """The disk holding the index directory has too little free space for a new generation."""


class IndexLockedError(TaitoDxError):
    """Another ingest holds the index directory."""


class IngestError(TaitoDxError):
    """A file could not be ingested."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedFileError(IngestError):
    """The file's extension has no loader."""


class UnreadableFileError(IngestError):
    """The file exists but its content cannot be read as text."""


class EmptyDocumentError(IngestError):
    """The file holds no text."""


class DocumentTooLargeError(IngestError):
    """The file holds more text than one document may (`max_document_chars`)."""


class EmbeddingError(TaitoDxError):
    """The embedding model could not be loaded or run."""


class StoreError(TaitoDxError):
    """The vector store could not be reached or written."""


class QuestionError(TaitoDxError):
    """The question cannot be answered as given (empty, too long)."""

"""The index directory: generations of Chroma store, sentence vectors, keyword index, registry and chunks."""

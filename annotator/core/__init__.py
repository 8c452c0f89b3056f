"""Qt-free domain: plain data types, offsets, tokens, normalisation, label schemas, agreement."""

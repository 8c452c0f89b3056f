"""Replaces pyinstaller-hooks-contrib's spaCy hook, which bundles every language and the tests.

annotator only runs ``spacy.blank(lang)`` tokenizers. ``spacy.registrations.populate_registry``
imports the ja/ko/th/vi/zh packages (their optional dependencies are imported lazily), so
static analysis brings those in; of the rest we keep English. Add a language code to
``LANGS`` when a project language needs it.
"""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata

LANGS = {"en"}
LANG_HELPERS = {"char_classes", "lex_attrs", "norm_exceptions", "punctuation", "tokenizer_exceptions"}


def _keep(name: str) -> bool:
    parts = name.split(".")
    if len(parts) > 1 and parts[1] in {"tests", "cli", "displacy", "training", "kb"}:
        # cli/training/kb are still bundled where spaCy imports them statically;
        # they are just not forced in wholesale
        return False
    if len(parts) > 2 and parts[1] == "lang":
        return parts[2] in LANGS or parts[2] in LANG_HELPERS
    return True


hiddenimports = collect_submodules("spacy", filter=_keep)
datas = collect_data_files("spacy", excludes=["**/tests/**", "lang/**", "**/*.pyi", "**/*.c", "**/*.hh",
                                              "**/*.pyx", "**/*.pxd"])
datas += copy_metadata("spacy")
